import type { CostTotals } from "../model/events.ts";
import { emptyTotals } from "../model/cost-totals.ts";
import { IDLE, idleTarget } from "./aggregate.ts";
import { Groups, mergeProperties, PodScan, type Group, type PodSavings } from "./allocation-groups.ts";
import type { Filter } from "./filter.ts";
import type { RollupIndex, StoredWindow } from "./rollup-index.ts";
import { addToSums, NUM, totalsOf } from "./row-layout.ts";
import { rfc3339, type TimeRange } from "./window.ts";

export { IDLE } from "./aggregate.ts";

export interface AllocationQuery {
  range: TimeRange;
  aggregate: string[];
  filter: Filter;
  idle: boolean;
  shareIdle: boolean;
  /** One idle allocation per cluster (`<cluster>/__idle__`), or per node with `idleByNode`; otherwise one `__idle__` (OpenCost's default). */
  splitIdle?: boolean;
  idleByNode?: boolean;
}

/** A PV's share of an allocation, keyed `cluster=<c>:name=<pv>` as OpenCost's PVKey marshals it. */
export interface PVAllocation {
  byteHours: number;
  cost: number;
}

/**
 * One allocation in OpenCost's shape (core/pkg/opencost/allocation_json.go AllocationJSON, every field,
 * so Go clients that decode into opencost.Allocation get the same numbers), plus podCount and savings.
 * Money in the pipeline's currency over the allocation's own span (`start`–`end`, `minutes`).
 */
export interface Allocation {
  name: string;
  properties: Record<string, string | Record<string, string>>;
  window: { start: string; end: string };
  start: string;
  end: string;
  minutes: number;
  podCount: number;
  cpuCores: number;
  cpuCoreRequestAverage: number;
  cpuCoreLimitAverage: number;
  cpuCoreUsageAverage: number;
  cpuCoreHours: number;
  cpuCost: number;
  cpuCostAdjustment: number;
  cpuCostIdle: number;
  cpuEfficiency: number;
  gpuCount: number;
  gpuHours: number;
  gpuCost: number;
  gpuCostAdjustment: number;
  gpuCostIdle: number;
  gpuEfficiency: number;
  networkTransferBytes: number;
  networkReceiveBytes: number;
  networkCost: number;
  networkCrossZoneCost: number;
  networkCrossRegionCost: number;
  networkInternetCost: number;
  networkCostAdjustment: number;
  loadBalancerCost: number;
  loadBalancerCostAdjustment: number;
  pvBytes: number;
  pvByteHours: number;
  pvCost: number;
  /** One entry per cluster holding the allocation's storage cost (the rollups keep storage per row, not per volume). */
  pvs: Record<string, PVAllocation> | null;
  pvCostAdjustment: number;
  ramBytes: number;
  ramByteRequestAverage: number;
  ramByteLimitAverage: number;
  ramByteUsageAverage: number;
  ramByteHours: number;
  ramCost: number;
  ramCostAdjustment: number;
  ramCostIdle: number;
  ramEfficiency: number;
  externalCost: number;
  sharedCost: number;
  totalCost: number;
  totalEfficiency: number;
  rawAllocationOnly: null;
  lbAllocations: null;
  gpuAllocation: null;
  /** Extensions: spot savings realised / possible on this allocation's share of its nodes (USD). */
  realisedSavings: number;
  potentialSavings: number;
}

const ratio = (a: number, b: number): number => (b > 0 ? a / b : a > 0 ? 1 : 0);

/** OpenCost's efficiencies: usage ÷ request per resource, and their average weighted by CPU and RAM cost. */
export function efficiencyOf(t: CostTotals): { cpu: number; ram: number; total: number } {
  const cpu = ratio(t.cpuCoreUsageHours, t.cpuCoreRequestHours);
  const ram = ratio(t.ramByteUsageHours, t.ramByteRequestHours);
  const compute = t.cpuCost + t.ramCost;
  return { cpu, ram, total: compute > 0 ? (cpu * t.cpuCost + ram * t.ramCost) / compute : 0 };
}

function toAllocation(g: Group, clusters: readonly string[], covered: TimeRange, stamp: (ms: number) => string): Allocation {
  // The allocation's own span (OpenCost: from its first to its last observation).
  const { startMs, endMs } = spanWithin(covered, g.firstMs, g.lastMs);
  const hours = Math.max(1e-9, (endMs - startMs) / 3_600_000);
  const t = totalsOf(g.sums);
  const { cpu: cpuEfficiency, ram: ramEfficiency, total: totalEfficiency } = efficiencyOf(t);
  const properties: Record<string, string | Record<string, string>> = {};
  for (const [k, v] of g.properties) if (v !== undefined) properties[k] = k === "controllerKind" ? v.toLowerCase() : v;
  if (g.labels !== undefined && Object.keys(g.labels).length > 0) properties["labels"] = g.labels;
  const pvs: Record<string, PVAllocation> = {};
  g.pv.forEach((cost, i) => {
    if (cost !== 0) pvs[`cluster=${clusters[i]}:name=${STORAGE_KEY}`] = { byteHours: 0, cost };
  });
  return {
    name: g.key,
    properties,
    window: { start: stamp(covered.startMs), end: stamp(covered.endMs) },
    start: stamp(startMs),
    end: stamp(endMs),
    minutes: (endMs - startMs) / 60_000,
    podCount: g.pods.size,
    cpuCores: t.cpuCoreHours / hours,
    cpuCoreRequestAverage: t.cpuCoreRequestHours / hours,
    cpuCoreLimitAverage: 0,
    cpuCoreUsageAverage: t.cpuCoreUsageHours / hours,
    cpuCoreHours: t.cpuCoreHours,
    cpuCost: t.cpuCost,
    cpuCostAdjustment: 0,
    cpuCostIdle: g.sharedIdle?.cpu ?? 0,
    cpuEfficiency,
    gpuCount: t.gpuHours / hours,
    gpuHours: t.gpuHours,
    gpuCost: t.gpuCost,
    gpuCostAdjustment: 0,
    gpuCostIdle: g.sharedIdle?.gpu ?? 0,
    gpuEfficiency: 0,
    networkTransferBytes: 0,
    networkReceiveBytes: 0,
    networkCost: t.networkCost,
    networkCrossZoneCost: 0,
    networkCrossRegionCost: 0,
    networkInternetCost: 0,
    networkCostAdjustment: 0,
    loadBalancerCost: 0,
    loadBalancerCostAdjustment: 0,
    pvBytes: 0,
    pvByteHours: 0,
    pvCost: t.pvCost,
    pvs: Object.keys(pvs).length > 0 ? pvs : null,
    pvCostAdjustment: 0,
    ramBytes: t.ramByteHours / hours,
    ramByteRequestAverage: t.ramByteRequestHours / hours,
    ramByteLimitAverage: 0,
    ramByteUsageAverage: t.ramByteUsageHours / hours,
    ramByteHours: t.ramByteHours,
    ramCost: t.ramCost,
    ramCostAdjustment: 0,
    ramCostIdle: g.sharedIdle?.ram ?? 0,
    ramEfficiency,
    externalCost: 0,
    sharedCost: 0,
    totalCost: t.totalCost,
    totalEfficiency,
    rawAllocationOnly: null,
    lbAllocations: null,
    gpuAllocation: null,
    realisedSavings: t.realisedSavings,
    potentialSavings: t.potentialSavings,
  };
}

/** The PV name under which an allocation's storage cost is listed in `pvs` (one entry per cluster). */
export const STORAGE_KEY = "__storage__";

/** An observed span clipped to what a query covers, in whole seconds (the RFC 3339 times clients compute minutes from). */
export function spanWithin(covered: TimeRange, firstMs: number, lastMs: number): { startMs: number; endMs: number } {
  const startMs = Math.floor(Math.max(covered.startMs, Number.isFinite(firstMs) ? firstMs : covered.startMs) / 1000) * 1000;
  const endMs = Math.max(startMs, Math.floor(Math.min(covered.endMs, Number.isFinite(lastMs) ? lastMs : covered.endMs) / 1000) * 1000);
  return { startMs, endMs };
}

/**
 * Where in a window a row was active: its running hours there, placed at the window's end (or at the
 * query's end for the window still open). Exact in length for one pod per window; a pod that started 30 s
 * ago spans 30 s, not the hour, so a monthly rate projected from it (kubectl-cost: cost × 43,200 ÷ minutes) is right.
 */
export function activeSpan(window: { windowStartMs: number; windowEndMs: number }, hours: number, coveredEndMs: number): { startMs: number; endMs: number } {
  const endMs = Math.min(window.windowEndMs, coveredEndMs);
  return { startMs: Math.max(window.windowStartMs, endMs - hours * 3_600_000), endMs };
}

export interface AllocationSet {
  covered: TimeRange;
  allocations: Allocation[];
}

/**
 * Allocations for one time range: pod rows of the covering windows, filtered, grouped by the
 * aggregate dimensions; idle from the node rows as `__idle__` (per cluster or node when those are
 * aggregated), or shared into the allocations by their compute cost when `shareIdle`.
 */
export function computeAllocations(index: RollupIndex, q: AllocationQuery, nowMs: number): AllocationSet {
  const plan = index.plan(q.range, nowMs);
  const groups = new Groups(plan.windows.map((w) => w.cluster));
  const scan = new PodScan(groups, index.pools, q, plan.covered.endMs);
  const withIdle = q.idle || q.shareIdle;
  const idle = new Map<string, IdleEntry>();
  for (const window of plan.windows) {
    const podSavings = scan.add(window, withIdle);
    if (podSavings !== undefined) addIdle(idle, window, podSavings, q, plan.covered.endMs);
  }
  if (q.shareIdle) shareIdle(groups, idle);
  else if (q.idle) {
    for (const entry of idle.values()) {
      const g = groups.get(entry.name);
      mergeProperties(g, { cluster: entry.cluster, node: entry.node, namespace: "", controllerKind: "", controllerName: "", pod: "", labels: {} });
      addToSums(g.sums, entry.totals);
      g.firstMs = Math.min(g.firstMs, entry.firstMs);
      g.lastMs = Math.max(g.lastMs, entry.lastMs);
    }
  }
  const stamp = stamps();
  return { covered: plan.covered, allocations: [...groups.byKey.values()].map((g) => toAllocation(g, groups.clusters, plan.covered, stamp)).sort((a, b) => b.totalCost - a.totalCost) };
}

/** rfc3339 remembered per query: thousands of allocations share a handful of start and end times. */
function stamps(): (ms: number) => string {
  const known = new Map<number, string>();
  return (ms) => {
    let s = known.get(ms);
    if (s === undefined) known.set(ms, (s = rfc3339(ms)));
    return s;
  };
}

/** A node's idle cost over the query (or its cluster's, or all nodes', as the entry's name says). */
interface IdleEntry {
  name: string;
  totals: CostTotals;
  cluster: string;
  node: string;
  firstMs: number;
  lastMs: number;
}

/** Adds a window's node rows to the idle entries: the node's idle cost, and the savings its pods did not take. */
function addIdle(idle: Map<string, IdleEntry>, window: StoredWindow, podSavings: Map<string, PodSavings>, q: AllocationQuery, coveredEndMs: number): void {
  for (const node of window.nodes) {
    if (!q.filter(idleTarget(window.cluster, node.node))) continue;
    const name = q.idleByNode === true ? `${node.node}/${IDLE}` : q.splitIdle === true ? `${window.cluster}/${IDLE}` : IDLE;
    const key = `${window.cluster}\u0000${node.node}\u0000${name}`;
    const span = activeSpan(window, node.hours, coveredEndMs);
    const entry = idle.get(key) ?? { name, totals: emptyTotals(), cluster: window.cluster, node: node.node, firstMs: span.startMs, lastMs: span.endMs };
    entry.firstMs = Math.min(entry.firstMs, span.startMs);
    entry.lastMs = Math.max(entry.lastMs, span.endMs);
    entry.totals.cpuCost += node.idleCpuCost;
    entry.totals.ramCost += node.idleRamCost;
    entry.totals.gpuCost += node.idleGpuCost;
    entry.totals.totalCost += node.idleCost;
    entry.totals.realisedSavings += node.realisedSavings - (podSavings.get(node.node)?.realised ?? 0);
    entry.totals.potentialSavings += node.potentialSavings - (podSavings.get(node.node)?.potential ?? 0);
    idle.set(key, entry);
  }
}

function shareIdle(groups: Groups, idle: Map<string, IdleEntry>): void {
  const computeByCluster = new Float64Array(groups.clusters.length);
  for (const g of groups.byKey.values()) g.compute.forEach((v, i) => (computeByCluster[i] = (computeByCluster[i] as number) + v));
  for (const entry of idle.values()) {
    const ci = groups.clusterAt(entry.cluster);
    const total = computeByCluster[ci] as number;
    if (total <= 0) continue;
    for (const g of groups.byKey.values()) {
      const share = (g.compute[ci] as number) / total;
      if (share <= 0) continue;
      const sums = g.sums;
      const add = (at: number, v: number) => (sums[at] = (sums[at] as number) + v * share);
      add(NUM.cpuCost, entry.totals.cpuCost);
      add(NUM.ramCost, entry.totals.ramCost);
      add(NUM.gpuCost, entry.totals.gpuCost);
      add(NUM.totalCost, entry.totals.totalCost);
      add(NUM.realisedSavings, entry.totals.realisedSavings);
      add(NUM.potentialSavings, entry.totals.potentialSavings);
      g.sharedIdle ??= { cpu: 0, ram: 0, gpu: 0 };
      g.sharedIdle.cpu += entry.totals.cpuCost * share;
      g.sharedIdle.ram += entry.totals.ramCost * share;
      g.sharedIdle.gpu += entry.totals.gpuCost * share;
    }
  }
}
