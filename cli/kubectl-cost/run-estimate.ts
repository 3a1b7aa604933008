import type { AverageRates } from "../../api/rates.ts";
import { HOURS_PER_MONTH } from "../../pricing/defaults.ts";
import { numberOption, stringOption, UsageError, type ParsedArgs } from "../args.ts";
import { ApiUnreachableError, kubeGet } from "./api-client.ts";
import { checkCost, priceWorkload, withBaseline, workloadKey, type CostCheck, type WorkloadCost } from "./estimate/estimate.ts";
import { parseManifests, readSource, type ParsedManifests, type Workload } from "./estimate/manifests.ts";
import { storageClassConfig } from "./estimate/storage.ts";
import { clusterRates, DEFAULT_REGION, defaultRates, instanceRates, type EstimateRates } from "./estimate/rates.ts";
import { renderCsv, renderStructured, renderTable, type Column } from "./format.ts";
import { endpointFor, endpointOptions, outputFormat, timeoutMs } from "./run-report.ts";

/** Exit code when a --fail-over-* limit is exceeded (CI fails the step). */
export const EXIT_OVER_BUDGET = 1;

function connectionConfigured(args: ParsedArgs): boolean {
  return ["api-url", "server", "context", "kubeconfig"].some((o) => args.options.has(o)) || (process.env["KCE_API_URL"] ?? "") !== "";
}

interface Source {
  name: string;
  text: string;
}

/** Each `-f` source read once (standard input can only be read once). */
function readSources(files: string[]): Source[] {
  return files.map((file) => ({ name: file === "-" ? "stdin" : file, text: readSource(file) }));
}

function loadWorkloads(sources: Source[], args: ParsedArgs, daemonSetNodes: number): ParsedManifests {
  const out: ParsedManifests = { workloads: [], storageClasses: [], skipped: [] };
  for (const source of sources) {
    const parsed = parseManifests(source.text, source.name, {
      defaultNamespace: stringOption(args, "namespace") ?? "default",
      daemonSetNodes,
    });
    out.workloads.push(...parsed.workloads);
    out.storageClasses.push(...parsed.storageClasses);
    out.skipped.push(...parsed.skipped);
  }
  // Claims that name no class get the input's default StorageClass, as the cluster would give them.
  const fallback = out.storageClasses.find((c) => c.isDefault);
  if (fallback !== undefined) for (const w of out.workloads) for (const v of w.volumes) if (v.storageClass === "") v.storageClass = fallback.name;
  return out;
}

const API_PATH: Record<string, string> = {
  Deployment: "apis/apps/v1/namespaces/{ns}/deployments",
  StatefulSet: "apis/apps/v1/namespaces/{ns}/statefulsets",
  DaemonSet: "apis/apps/v1/namespaces/{ns}/daemonsets",
  ReplicaSet: "apis/apps/v1/namespaces/{ns}/replicasets",
  Job: "apis/batch/v1/namespaces/{ns}/jobs",
  CronJob: "apis/batch/v1/namespaces/{ns}/cronjobs",
  Pod: "api/v1/namespaces/{ns}/pods",
};

/**
 * The baseline "live": each manifest's workload as deployed now, read from the Kubernetes API and
 * priced exactly like the manifest (requests × replicas at the same rates). Absent means new.
 */
async function liveBaseline(workloads: Workload[], rates: EstimateRates, args: ParsedArgs, daemonSetNodes: number): Promise<Map<string, WorkloadCost>> {
  const out = new Map<string, WorkloadCost>();
  for (const w of workloads) {
    const path = `/${(API_PATH[w.kind] ?? "").replace("{ns}", encodeURIComponent(w.namespace))}/${encodeURIComponent(w.name)}`;
    const live = await kubeGet(endpointOptions(args), path, timeoutMs(args));
    if (live === undefined) continue;
    const parsed = parseManifests(JSON.stringify(live), `live ${w.kind} ${w.namespace}/${w.name}`, { defaultNamespace: w.namespace, daemonSetNodes });
    for (const lw of parsed.workloads) out.set(workloadKey(lw), priceWorkload(lw, rates));
  }
  return out;
}

/** Storage price per GiB-month of each class the workloads claim. */
function storageRates(workloads: Workload[], rates: EstimateRates): Record<string, number> {
  const out: Record<string, number> = {};
  for (const w of workloads) for (const v of w.volumes) out[v.storageClass] = rates.storageGiBMonth(v.storageClass);
  return out;
}

function columns(withBaselineCols: boolean): Array<Column<WorkloadCost>> {
  const cols: Array<Column<WorkloadCost>> = [
    { header: "KIND", kind: "text", value: (c) => c.kind },
    { header: "NAMESPACE", kind: "text", value: (c) => c.namespace },
    { header: "NAME", kind: "text", value: (c) => c.name },
    { header: "REPLICAS", kind: "count", value: (c) => (c.kind === "" ? undefined : c.replicas) },
    { header: "CPU", kind: "text", value: (c) => String(Number(c.cpuCores.toFixed(3))) },
    { header: "MEMORY", kind: "text", value: (c) => `${Number(c.memoryGiB.toFixed(2))} GiB` },
    { header: "GPU", kind: "count", value: (c) => c.gpus },
    { header: "STORAGE", kind: "text", value: (c) => (c.storageGiB > 0 ? `${Number(c.storageGiB.toFixed(2))} GiB` : "") },
    { header: "STORAGE $/MONTH", kind: "money", value: (c) => (c.storageGiB > 0 ? c.storageMonthlyCost : undefined) },
    { header: "$/HOUR", kind: "money", value: (c) => c.hourlyCost },
    { header: "$/MONTH", kind: "money", value: (c) => c.monthlyCost },
  ];
  if (withBaselineCols) {
    cols.push({ header: "BASELINE $/MONTH", kind: "money", value: (c) => c.baselineMonthlyCost });
    cols.push({ header: "CHANGE $/MONTH", kind: "money", value: (c) => c.changeMonthlyCost });
  }
  return cols;
}

function summary(check: CostCheck): string {
  const pct = check.increasePct === undefined ? "" : ` (${Number.isFinite(check.increasePct) ? `${check.increasePct >= 0 ? "+" : ""}${check.increasePct.toFixed(1)} %` : "new"})`;
  const head =
    check.baselineMonthlyCost === undefined
      ? `monthly cost: $${check.monthlyCost.toFixed(2)}`
      : `monthly cost: $${check.monthlyCost.toFixed(2)} vs baseline $${check.baselineMonthlyCost.toFixed(2)}: ${check.increaseUsd >= 0 ? "+" : "-"}$${Math.abs(check.increaseUsd).toFixed(2)}${pct}`;
  if (check.failed) return `${head}\nFAIL: ${check.reasons.join("; ")}\n`;
  const limits = [check.failOverUsd === undefined ? "" : `$${check.failOverUsd}`, check.failOverPct === undefined ? "" : `${check.failOverPct} %`].filter((x) => x !== "");
  return `${head}${limits.length > 0 ? `\nOK: within the limit (${limits.join(", ")})` : ""}\n`;
}

/** `kubectl cost estimate -f FILE`: what manifests cost per month, optionally against a baseline, with CI limits. */
export async function runEstimate(args: ParsedArgs, write: (s: string) => void): Promise<number> {
  const files = args.lists.get("filename") ?? [];
  if (files.length === 0) throw new UsageError("kubectl cost estimate needs -f FILE (or -f - for standard input)");
  const format = outputFormat(args);
  const failOverPct = numberOption(args, "fail-over-pct", 0);
  const failOverUsd = numberOption(args, "fail-over-usd", 0);
  const baselineArg = stringOption(args, "baseline");
  if (failOverPct !== undefined && baselineArg === undefined) throw new UsageError("--fail-over-pct compares with a baseline: add --baseline FILE or --baseline live");
  const capacity = stringOption(args, "capacity-type") ?? "on-demand";
  if (capacity !== "on-demand" && capacity !== "spot") throw new UsageError("--capacity-type must be on-demand or spot");

  let rates: EstimateRates;
  let average: AverageRates | undefined;
  const notes: string[] = [];
  const instanceType = stringOption(args, "instance-type");
  const provider = stringOption(args, "provider") ?? "aws";
  const connected = connectionConfigured(args) || baselineArg === "live";
  const endpoint = connected ? endpointFor(args) : undefined;
  // StorageClasses come from the manifests themselves; DaemonSet replicas need the node count first.
  const sources = readSources(files);
  const classes = storageClassConfig(loadWorkloads(sources, args, 1).storageClasses);
  if (instanceType !== undefined) {
    rates = instanceRates(instanceType, provider, stringOption(args, "region") ?? DEFAULT_REGION[provider] ?? "us-east-1", (capacity === "spot" ? "SPOT" : "ON_DEMAND"), classes);
  } else if (endpoint !== undefined) {
    try {
      average = ((await endpoint.get("/rates", new URLSearchParams(), timeoutMs(args))) as { average: AverageRates }).average;
      rates = average.nodes > 0 ? clusterRates(average, endpoint.describe, classes, provider) : defaultRates(classes, provider);
      if (average.nodes === 0) notes.push(`the cluster reports no nodes yet (${endpoint.describe}); using default rates`);
    } catch (error) {
      if (!(error instanceof ApiUnreachableError)) throw error;
      notes.push(`${error.message}; using default rates`);
      rates = defaultRates(classes, provider);
    }
  } else {
    rates = defaultRates(classes, provider);
  }
  const daemonSetNodes = numberOption(args, "nodes", 1) ?? (average !== undefined && average.nodes > 0 ? average.nodes : 1);
  const { workloads, skipped } = loadWorkloads(sources, args, daemonSetNodes);
  let costs = workloads.map((w) => priceWorkload(w, rates));
  if (baselineArg !== undefined) {
    const baseline = new Map<string, { kind: string; namespace: string; name: string; monthlyCost: number }>();
    if (baselineArg === "live") {
      for (const [k, v] of await liveBaseline(workloads, rates, args, daemonSetNodes)) baseline.set(k, v);
    } else {
      for (const w of loadWorkloads(readSources([baselineArg]), args, daemonSetNodes).workloads) baseline.set(workloadKey(w), priceWorkload(w, rates));
    }
    costs = withBaseline(costs, baseline);
  }
  const check = checkCost(costs, baselineArg !== undefined, failOverUsd, failOverPct);
  if (skipped.length > 0) notes.push(`not workloads, not priced: ${skipped.join(", ")}`);

  if (format === "json" || format === "yaml") {
    write(renderStructured(format, { rates: { cpuCoreHour: rates.cpuCoreHour, ramGiBHour: rates.ramGiBHour, gpuHour: rates.gpuHour, storageGiBMonth: storageRates(workloads, rates), source: rates.source }, workloads: costs, check, notes }));
  } else if (format === "csv") {
    const fields = ["kind", "namespace", "name", "replicas", "cpuCores", "memoryGiB", "gpus", "storageGiB", "storageMonthlyCost", "hourlyCost", "monthlyCost", "baselineMonthlyCost", "changeMonthlyCost"];
    write(renderCsv(fields, costs as unknown as Array<Record<string, unknown>>));
  } else {
    const total: WorkloadCost = {
      kind: "TOTAL", namespace: "", name: "", replicas: 0,
      cpuCores: costs.reduce((s, c) => s + c.cpuCores, 0), memoryGiB: costs.reduce((s, c) => s + c.memoryGiB, 0), gpus: costs.reduce((s, c) => s + c.gpus, 0),
      storageGiB: costs.reduce((s, c) => s + c.storageGiB, 0), storageMonthlyCost: costs.reduce((s, c) => s + c.storageMonthlyCost, 0),
      hourlyCost: costs.reduce((s, c) => s + c.hourlyCost, 0), monthlyCost: check.monthlyCost,
      baselineMonthlyCost: check.baselineMonthlyCost, changeMonthlyCost: check.baselineMonthlyCost === undefined ? undefined : check.increaseUsd, notes: [],
    };
    const cols = columns(baselineArg !== undefined);
    const replicas = cols[3];
    if (replicas !== undefined) cols[3] = { ...replicas, value: (c) => (c === total ? undefined : c.replicas) };
    write(renderTable(cols, costs, total));
    const storageNote = Object.entries(storageRates(workloads, rates)).map(([c, r]) => `${c === "" ? "(default class)" : c} $${r.toFixed(4)}/GiB-month`).join(", ");
    write(`prices: ${rates.source}: $${rates.cpuCoreHour.toFixed(6)}/core-hour, $${rates.ramGiBHour.toFixed(6)}/GiB-hour${rates.node !== undefined && rates.node.gpus > 0 ? `, $${rates.gpuHour.toFixed(6)}/GPU-hour` : ""}${storageNote === "" ? "" : `; storage ${storageNote}`} (${HOURS_PER_MONTH} h/month)\n`);
    for (const c of costs) for (const n of c.notes) write(`note: ${c.kind} ${c.namespace}/${c.name}: ${n}\n`);
    for (const n of notes) write(`note: ${n}\n`);
    write(summary(check));
  }
  return check.failed ? EXIT_OVER_BUDGET : 0;
}
