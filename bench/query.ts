import { DirColumnFiles } from "../api/column-files.ts";
import { parseFilter } from "../api/filter.ts";
import { computeAllocations } from "../api/allocation.ts";
import { RollupIndex } from "../api/rollup-index.ts";
import { DAY_MS, HOUR_MS } from "../api/window.ts";
import type { CostRollup, RollupRow } from "../model/events.ts";
import { collectGarbage, fmt, percentile, timeRuns } from "./stats.ts";

const NAMESPACES = ["production", "staging", "ml-training", "dev", "monitoring", "kube-system", "data", "web", "search", "payments"];

export function podRows(pods: number, nodes: number, hours: number): RollupRow[] {
  return Array.from({ length: pods }, (_, i) => {
    const cost = 0.01 * hours * (1 + (i % 7));
    return {
      dimension: "pod", namespace: NAMESPACES[i % NAMESPACES.length] ?? "default", controllerKind: "Deployment", controllerName: `app-${i % 500}`,
      labelKey: "", labelValue: "", pod: `app-${i % 500}-7d9f8b6c5d-${i}`, podUid: `uid-${i}`, node: `node-${i % nodes}`, labels: { team: `team-${i % 12}` }, podCount: 1,
      podHours: hours, cpuCoreHours: 0.25 * hours, cpuCoreRequestHours: 0.25 * hours, cpuCoreUsageHours: 0.1 * hours, ramByteHours: 2 ** 29 * hours,
      ramByteRequestHours: 2 ** 29 * hours, ramByteUsageHours: 2 ** 28 * hours, gpuHours: 0, cpuCost: cost * 0.7, ramCost: cost * 0.3, gpuCost: 0,
      pvCost: 0, networkCost: 0, totalCost: cost, realisedSavings: cost * 0.1, potentialSavings: 0,
    };
  });
}

/** The namespace rows a rollup carries beside its pod rows (the pod rows summed per namespace). */
export function namespaceRows(pods: readonly RollupRow[]): RollupRow[] {
  const out = new Map<string, RollupRow>();
  for (const p of pods) {
    const r = out.get(p.namespace) ?? { ...p, dimension: "namespace", controllerKind: "", controllerName: "", pod: "", podUid: "", node: "", labels: {}, podCount: 0, podHours: 0, cpuCoreHours: 0, cpuCoreRequestHours: 0, cpuCoreUsageHours: 0, ramByteHours: 0, ramByteRequestHours: 0, ramByteUsageHours: 0, gpuHours: 0, cpuCost: 0, ramCost: 0, gpuCost: 0, pvCost: 0, networkCost: 0, totalCost: 0, realisedSavings: 0, potentialSavings: 0 };
    for (const k of ["podHours", "cpuCoreHours", "cpuCoreRequestHours", "cpuCoreUsageHours", "ramByteHours", "ramByteRequestHours", "ramByteUsageHours", "gpuHours", "cpuCost", "ramCost", "gpuCost", "pvCost", "networkCost", "totalCost", "realisedSavings", "potentialSavings"] as const) r[k] += p[k];
    r.podCount += 1;
    out.set(p.namespace, r);
  }
  return [...out.values()];
}

export function rollup(resolution: "1h" | "1d", start: number, rows: RollupRow[], nodes: number): CostRollup {
  const size = resolution === "1h" ? HOUR_MS : DAY_MS;
  return {
    resolution, cluster: "bench", windowStartMs: start, windowEndMs: start + size, rev: 1, final: true, snapshotCount: 1, part: 0, parts: 1, rows, volumes: [],
    nodes: Array.from({ length: nodes }, (_, n) => ({
      node: `node-${n}`, providerId: `aws:///us-east-1a/i-${n}`, instanceType: "m5.xlarge", capacityType: "ON_DEMAND", region: "us-east-1", hours: size / HOUR_MS, nodeCost: 1, cpuCost: 0.7, ramCost: 0.3,
      gpuCost: 0, podComputeCost: 0.8, idleCost: 0.2, idleCpuCost: 0.14, idleRamCost: 0.06, idleGpuCost: 0, overcommitCost: 0, pvCost: 0, realisedSavings: 0, potentialSavings: 0,
    })),
  };
}

/** Query latency of /allocation's computation for a 7-day window over `pods` pods (index in memory). */
export async function benchQuery(pods = 10_000, nodes = 100): Promise<string[]> {
  const now = Date.now();
  const index = new RollupIndex({ hourlyRetentionHours: 48, dailyRetentionDays: 35 });
  // Heap and ArrayBuffers together: the index keeps its rows in typed arrays.
  const used = () => process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  const heapBefore = used();
  const hourRows = podRows(pods, nodes, 1);
  const dayRows = podRows(pods, nodes, 24);
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  for (let d = 1; d <= 8; d++) index.apply(rollup("1d", today - d * DAY_MS, dayRows.map((r) => ({ ...r })), nodes));
  for (let h = 0; h < 48; h++) index.apply(rollup("1h", Math.floor(now / HOUR_MS) * HOUR_MS - h * HOUR_MS, hourRows.map((r) => ({ ...r })), nodes));
  const heapMb = (used() - heapBefore) / 2 ** 20;
  const run = (aggregate: string[], filter: string | null) => () =>
    computeAllocations(index, { range: { startMs: now - 7 * DAY_MS, endMs: now }, aggregate, filter: parseFilter(filter), idle: true, shareIdle: false }, now);
  const rows: string[] = [`/allocation over 7 days at ${pods} pods (${nodes} nodes; index of 48 hourly + 8 daily windows ≈ ${heapMb.toFixed(0)} MB of heap and array buffers, before a collection):`];
  for (const [label, aggregate, filter] of [
    ["aggregate=namespace", ["namespace"], null],
    ["aggregate=controller", ["namespace", "controller"], null],
    ["aggregate=pod", ["pod"], null],
    ["aggregate=label:team, filter namespace", ["label:team"], 'namespace:"production"'],
  ] as const) {
    const times = await timeRuns(20, 3, run([...aggregate], filter));
    rows.push(`  ${label.padEnd(40)} p50 ${fmt(percentile(times, 50)).padStart(9)}  p99 ${fmt(percentile(times, 99)).padStart(9)}`);
  }
  return rows;
}

/**
 * `/allocation` over 7, 30 and 90 days at `pods` pods (issue 16): 90 daily and 48 hourly windows, those older
 * than `api.memoryHours` (6) spilled to column files as the API keeps them, beside the same index all in memory.
 * Prints the memory each index holds (after a collection) and the latency per aggregate.
 */
export async function benchLongWindows(pods = 10_000, nodes = 100): Promise<string[]> {
  const now = Date.now();
  const files = new DirColumnFiles("");
  const build = (spill: boolean): { index: RollupIndex; mb: number } => {
    collectGarbage();
    const before = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
    const index = new RollupIndex({ hourlyRetentionHours: 48, dailyRetentionDays: 91, ...(spill ? { memoryHours: 6, files } : {}), now: () => now });
    const hourRows = podRows(pods, nodes, 1);
    const dayRows = podRows(pods, nodes, 24);
    const today = Math.floor(now / DAY_MS) * DAY_MS;
    for (let d = 1; d <= 90; d++) index.apply(rollup("1d", today - d * DAY_MS, [...dayRows, ...namespaceRows(dayRows)].map((r) => ({ ...r })), nodes));
    for (let h = 0; h < 48; h++) index.apply(rollup("1h", Math.floor(now / HOUR_MS) * HOUR_MS - h * HOUR_MS, [...hourRows, ...namespaceRows(hourRows)].map((r) => ({ ...r })), nodes));
    collectGarbage();
    return { index, mb: (process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers - before) / 2 ** 20 };
  };
  const lines = ["| index | memory held | window | namespace p50 / p99 | controller p50 / p99 | pod p50 / p99 | label:team p50 / p99 | pod, JSON body p50 / p99 |", "|---|---|---|---|---|---|---|---|"];
  try {
    for (const spill of [true, false]) {
      const { index, mb } = build(spill);
      for (const days of [7, 30, 90]) {
        const cells: string[] = [];
        const query = (aggregate: string[]) => computeAllocations(index, { range: { startMs: now - days * DAY_MS, endMs: now }, aggregate, filter: parseFilter(null), idle: true, shareIdle: false }, now);
        for (const aggregate of [["namespace"], ["namespace", "controller"], ["pod"], ["label:team"]]) {
          const times = await timeRuns(days === 90 ? 5 : 10, 1, () => query(aggregate));
          cells.push(`${fmt(percentile(times, 50))} / ${fmt(percentile(times, 99))}`);
        }
        // The pod answer as the server sends it: OpenCost's envelope, serialized (10,001 allocations, ~9 MB of JSON).
        const body = await timeRuns(days === 90 ? 5 : 10, 1, () => JSON.stringify({ code: 200, status: "success", data: [Object.fromEntries(query(["pod"]).allocations.map((a) => [a.name, a]))] }));
        cells.push(`${fmt(percentile(body, 50))} / ${fmt(percentile(body, 99))}`);
        lines.push(`| ${spill ? "memoryHours 6, older windows in column files" : "all in memory"} | ${mb.toFixed(0)} MB | ${days} d | ${cells.join(" | ")} |`);
      }
      index.prune(now + 400 * DAY_MS);
    }
  } finally {
    files.close();
  }
  return [`/allocation over long windows at ${pods.toLocaleString("en-US")} pods (90 daily + 48 hourly windows of ${nodes} nodes):`, "", ...lines];
}
