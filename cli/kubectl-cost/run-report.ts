import { quoteValue as quote } from "../../api/filter.ts";
import type { Allocation } from "../../api/allocation.ts";
import { flag, stringOption, UsageError, type ParsedArgs } from "../args.ts";
import { resolveEndpoint, type Endpoint, type EndpointOptions } from "./api-client.ts";
import { renderCsv, renderStructured, renderTable, type Column, type OutputFormat } from "./format.ts";
import { monthly, RECORD_FIELDS, reportSpec, toRecords, totalRecord, type CostRecord, type ReportKind } from "./report.ts";

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

/**
 * Where the cost API is. Defaults to what `kce install` renders (service kube-cost/kube-cost-exporter-api:9003);
 * kubectl-cost's --release-name and --opencost pick its Kubecost and OpenCost defaults instead.
 */
export function endpointOptions(args: ParsedArgs): EndpointOptions {
  const release = stringOption(args, "release-name");
  const opencost = flag(args, "opencost");
  const fallback = opencost
    ? { name: "opencost", namespace: "opencost", port: "9003" }
    : release !== undefined
      ? { name: `${release}-cost-analyzer`, namespace: release, port: "9090" }
      : { name: "kube-cost-exporter-api", namespace: "kube-cost", port: "9003" };
  const port = Number(stringOption(args, "service-port") ?? fallback.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError("--service-port must be a port number");
  return {
    apiUrl: stringOption(args, "api-url"),
    kubeconfig: stringOption(args, "kubeconfig"),
    context: stringOption(args, "context"),
    cluster: stringOption(args, "cluster"),
    user: stringOption(args, "user"),
    server: stringOption(args, "server"),
    token: stringOption(args, "token"),
    insecureSkipTlsVerify: flag(args, "insecure-skip-tls-verify"),
    serviceName: stringOption(args, "service-name") ?? fallback.name,
    serviceNamespace: stringOption(args, "kubecost-namespace") ?? stringOption(args, "service-namespace") ?? fallback.namespace,
    servicePort: port,
  };
}

/** The allocation API's path: --allocation-path, /allocation/compute with --opencost, else /allocation. */
function allocationPath(args: ParsedArgs): string {
  const path = stringOption(args, "allocation-path") ?? (flag(args, "opencost") ? "/allocation/compute" : "/allocation");
  if (!path.startsWith("/")) throw new UsageError(`--allocation-path must start with /, got ${JSON.stringify(path)}`);
  return path;
}

export function endpointFor(args: ParsedArgs): Endpoint {
  return resolveEndpoint(endpointOptions(args));
}


/** kubectl-cost's columns, in its order: resources (with efficiency), the cost, cost efficiency; then ours. */
function columns(kind: ReportKind, args: ParsedArgs, idleColumn: boolean, keys: Array<Column<CostRecord>>): Array<Column<CostRecord>> {
  const all = flag(args, "show-all-resources");
  const show = (name: string): boolean => all || flag(args, name);
  const efficiency = flag(args, "show-efficiency", true);
  const eff = (header: string, value: (r: CostRecord) => number): Column<CostRecord> => ({ header, kind: "percent", value: (r) => (r.name === "TOTAL" || r.name === "__idle__" ? undefined : value(r)) });
  const cols: Array<Column<CostRecord>> = [...keys];
  if (show("show-cpu")) {
    cols.push({ header: "CPU", kind: "money", value: (r) => r.cpuCost });
    if (efficiency) cols.push(eff("CPU EFF.", (r) => r.cpuEfficiency));
  }
  if (show("show-memory")) {
    cols.push({ header: "MEMORY", kind: "money", value: (r) => r.ramCost });
    if (efficiency) cols.push(eff("MEMORY EFF.", (r) => r.ramEfficiency));
  }
  if (show("show-gpu")) cols.push({ header: "GPU", kind: "money", value: (r) => r.gpuCost });
  if (show("show-pv")) cols.push({ header: "PV", kind: "money", value: (r) => r.pvCost });
  if (show("show-network")) cols.push({ header: "NETWORK", kind: "money", value: (r) => r.networkCost });
  if (show("show-shared")) cols.push({ header: "SHARED", kind: "money", value: () => 0 });
  if (show("show-lb")) cols.push({ header: "LOAD BALANCER", kind: "money", value: () => 0 });
  if (idleColumn) cols.push({ header: "IDLE", kind: "money", value: (r) => r.idleCost });
  cols.push({ header: flag(args, "historical") ? "TOTAL COST" : "MONTHLY RATE", kind: "money", value: (r) => r.totalCost });
  if (efficiency) cols.push(eff("COST EFFICIENCY", (r) => r.totalEfficiency));
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
  const cluster = stringOption(args, "filter-cluster");
  if (cluster !== undefined) filter.push(`cluster:${quote(cluster)}`);
  const name = args.positionals[0];
  if (name !== undefined) filter.push(`${spec.nameFilter}:${quote(name)}`);
  if (args.positionals.length > 1) throw new UsageError(`one NAME at most, got ${args.positionals.join(" ")}`);
  const params = new URLSearchParams({ window: stringOption(args, "window") ?? "1d", aggregate: spec.aggregate, accumulate: "true", ...spec.params });
  params.set("idle", String(flag(args, "idle", true) && flag(args, "include-idle", true)));
  if (filter.length > 0) params.set("filter", filter.join("+"));
  if (flag(args, "reconciled")) params.set("reconciled", "true");

  const endpoint = endpointFor(args);
  const data = (await endpoint.get(allocationPath(args), params, timeoutMs(args))) as Array<Record<string, Allocation>>;
  const allocations = Object.values(data[0] ?? {});
  const records = toRecords(kind, allocations);
  const window = allocations[0]?.window ?? { start: "", end: "" };
  if (format === "json" || format === "yaml") {
    write(renderStructured(format, { window, aggregate: spec.aggregate, items: records, total: totalRecord(records) }));
  } else if (format === "csv") {
    write(renderCsv(RECORD_FIELDS, records as unknown as Array<Record<string, unknown>>));
  } else if (records.length === 0) {
    write(`no costs for that selection in window ${params.get("window") ?? ""} (${endpoint.describe})\n`);
  } else {
    // The table shows kubectl-cost's default, each row's projected monthly rate, unless --historical.
    const shown = flag(args, "historical") ? records : records.map(monthly);
    const total = totalRecord(shown);
    const cols = columns(kind, args, spec.idleColumn, spec.keys);
    const first = cols[0];
    if (first !== undefined) cols[0] = { ...first, value: (r) => (r === total ? "TOTAL" : first.value(r)) };
    write(renderTable(cols, shown, total));
  }
  return 0;
}
