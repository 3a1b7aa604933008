import type { Allocation } from "../../api/allocation.ts";
import { stringOption, UsageError, type ParsedArgs } from "../args.ts";
import { resolveEndpoint, type Endpoint, type EndpointOptions } from "./api-client.ts";
import { renderCsv, renderStructured, renderTable, type Column, type OutputFormat } from "./format.ts";
import { RECORD_FIELDS, reportSpec, toRecords, totalRecord, type CostRecord, type ReportKind } from "./report.ts";

export function outputFormat(args: ParsedArgs): OutputFormat {
  const o = stringOption(args, "output") ?? "table";
  if (o === "table" || o === "json" || o === "csv" || o === "yaml") return o;
  throw new UsageError(`--output must be table, json, csv or yaml, got ${JSON.stringify(o)}`);
}

/** `30s`, `2m`, `1h` or plain seconds → ms. */
export function timeoutMs(args: ParsedArgs): number {
  const t = stringOption(args, "request-timeout") ?? "30s";
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(t);
  if (m === null) throw new UsageError(`--request-timeout must be a duration such as 30s or 2m, got ${JSON.stringify(t)}`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] ?? "s"] ?? 1000;
  const ms = Number(m[1]) * unit;
  if (ms <= 0) throw new UsageError("--request-timeout must be longer than zero");
  return ms;
}

export function endpointOptions(args: ParsedArgs): EndpointOptions {
  const port = Number(stringOption(args, "service-port") ?? "9003");
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError("--service-port must be a port number");
  return {
    server: stringOption(args, "server"),
    kubeconfig: stringOption(args, "kubeconfig"),
    context: stringOption(args, "context"),
    serviceName: stringOption(args, "service-name") ?? "kube-cost-exporter",
    serviceNamespace: stringOption(args, "service-namespace") ?? "kube-cost-exporter",
    servicePort: port,
  };
}

export function endpointFor(args: ParsedArgs): Endpoint {
  return resolveEndpoint(endpointOptions(args));
}

const quote = (v: string): string => `"${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;

function columns(kind: ReportKind, args: ParsedArgs, idleColumn: boolean, keys: Array<Column<CostRecord>>): Array<Column<CostRecord>> {
  const cols: Array<Column<CostRecord>> = [...keys];
  if (args.options.has("show-all-resources")) {
    cols.push(
      { header: "CPU", kind: "money", value: (r) => r.cpuCost },
      { header: "RAM", kind: "money", value: (r) => r.ramCost },
      { header: "GPU", kind: "money", value: (r) => r.gpuCost },
      { header: "PV", kind: "money", value: (r) => r.pvCost },
      { header: "NETWORK", kind: "money", value: (r) => r.networkCost },
    );
  }
  if (args.options.has("show-efficiency")) {
    cols.push(
      { header: "CPU EFF.", kind: "percent", value: (r) => (r.name === "TOTAL" ? undefined : r.cpuEfficiency) },
      { header: "MEMORY EFF.", kind: "percent", value: (r) => (r.name === "TOTAL" ? undefined : r.ramEfficiency) },
    );
  }
  if (idleColumn) cols.push({ header: "IDLE", kind: "money", value: (r) => r.idleCost });
  cols.push({ header: "TOTAL COST", kind: "money", value: (r) => r.totalCost });
  if (kind !== "pod") {
    cols.push({ header: "POD COUNT", kind: "count", value: (r) => r.podCount });
    cols.push({ header: "AVG POD COST", kind: "money", value: (r) => (r.podCount > 0 ? r.avgPodCost : undefined) });
  }
  return cols;
}

/** `kubectl cost <kind> [NAME]`: asks /allocation and prints the report. */
export async function runReport(kind: ReportKind, args: ParsedArgs, write: (s: string) => void): Promise<number> {
  const labelKey = stringOption(args, "label");
  if (kind === "label" && labelKey === undefined) throw new UsageError("kubectl cost label needs --label KEY (e.g. --label team)");
  const spec = reportSpec(kind, labelKey);
  const format = outputFormat(args);
  const filter = [...spec.filter];
  const namespace = stringOption(args, "namespace");
  if (namespace !== undefined) filter.push(`namespace:${quote(namespace)}`);
  const cluster = stringOption(args, "cluster");
  if (cluster !== undefined) filter.push(`cluster:${quote(cluster)}`);
  const name = args.positionals[0];
  if (name !== undefined) filter.push(`${spec.nameFilter}:${quote(name)}`);
  if (args.positionals.length > 1) throw new UsageError(`one NAME at most, got ${args.positionals.join(" ")}`);
  const params = new URLSearchParams({ window: stringOption(args, "window") ?? "24h", aggregate: spec.aggregate, accumulate: "true" });
  params.set("idle", String(spec.idleColumn || args.options.has("include-idle")));
  if (filter.length > 0) params.set("filter", filter.join("+"));
  if (args.options.has("reconciled")) params.set("reconciled", "true");

  const endpoint = endpointFor(args);
  const data = (await endpoint.get("/allocation", params, timeoutMs(args))) as Array<Record<string, Allocation>>;
  const allocations = Object.values(data[0] ?? {});
  const records = toRecords(kind, allocations);
  const window = allocations[0]?.window ?? { start: "", end: "" };
  const total = totalRecord(records);
  if (format === "json" || format === "yaml") {
    write(renderStructured(format, { window, aggregate: spec.aggregate, items: records, total }));
  } else if (format === "csv") {
    write(renderCsv(RECORD_FIELDS, records as unknown as Array<Record<string, unknown>>));
  } else if (records.length === 0) {
    write(`no costs for that selection in window ${params.get("window") ?? ""} (${endpoint.describe})\n`);
  } else {
    const cols = columns(kind, args, spec.idleColumn, spec.keys);
    const first = cols[0];
    if (first !== undefined) cols[0] = { ...first, value: (r) => (r === total ? "TOTAL" : first.value(r)) };
    write(renderTable(cols, records, total));
  }
  return 0;
}
