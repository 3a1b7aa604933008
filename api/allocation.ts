import { UNMOUNTED, type CostTotals, type RollupRow } from "../model/events.ts";
import { addTotals, emptyTotals } from "../processors/rollup/delta.ts";
import type { Filter, FilterTarget } from "./filter.ts";
import type { RollupIndex } from "./rollup-index.ts";
import { rfc3339, type TimeRange } from "./window.ts";

export const IDLE = "__idle__";
export const UNALLOCATED = "__unallocated__";

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

interface Group {
  key: string;
  properties: Map<string, string | undefined>;
  labels: Record<string, string> | undefined;
  totals: CostTotals;
  pods: Set<string>;
  members: number;
  /** Compute cost per cluster, for sharing idle by weight. */
  computeByCluster: Map<string, number>;
  /** Storage cost per cluster (`pvs`), created on the first storage cost. */
  pvByCluster: Map<string, number> | undefined;
  /** Where the members were active (activeSpan over their windows). */
  firstMs: number;
  lastMs: number;
  /** Idle shared into the group (shareIdle), per resource: OpenCost's *CostIdle fields. */
  sharedIdle?: { cpu: number; ram: number; gpu: number };
}

/** OpenCost's controller-kind dimensions: the controller's name for that kind, `__unallocated__` for others. */
const KIND_DIMENSIONS: Record<string, string> = { deployment: "deployment", statefulset: "statefulset", daemonset: "daemonset", job: "job" };

export function aggregateValue(t: FilterTarget, dim: string): string {
  switch (dim) {
    case "cluster":
      return t.cluster;
    case "node":
      return t.node;
    case "namespace":
      return t.namespace;
    case "controllerKind":
      return t.controllerKind === "" ? UNALLOCATED : t.controllerKind.toLowerCase();
    case "controller":
      return t.controllerName === "" ? UNALLOCATED : `${t.controllerKind.toLowerCase()}:${t.controllerName}`;
    case "pod":
      // OpenCost names pod allocations by the pod alone (kubectl-cost splits names on "/").
      return t.pod;
    default: {
      const kind = KIND_DIMENSIONS[dim];
      if (kind !== undefined) return t.controllerKind.toLowerCase() === kind && t.controllerName !== "" ? t.controllerName : UNALLOCATED;
      const key = dim.slice("label:".length);
      const v = t.labels[key];
      return v === undefined || v === "" ? UNALLOCATED : v;
    }
  }
}

const PROPERTY_OF: ReadonlyArray<readonly [string, (t: FilterTarget) => string]> = [
  ["cluster", (t) => t.cluster],
  ["node", (t) => t.node],
  ["namespace", (t) => t.namespace],
  // Raw here (compared per row); lower-cased once per allocation in toAllocation.
  ["controllerKind", (t) => t.controllerKind],
  ["controller", (t) => t.controllerName],
  ["pod", (t) => t.pod],
];

const PROPERTY_READERS = new Map(PROPERTY_OF);

function groupFor(groups: Map<string, Group>, key: string): Group {
  let g = groups.get(key);
  if (g === undefined) {
    g = { key, properties: new Map(), labels: undefined, totals: emptyTotals(), pods: new Set(), members: 0, computeByCluster: new Map(), pvByCluster: undefined, firstMs: Infinity, lastMs: -Infinity };
    groups.set(key, g);
  }
  return g;
}

/** Keeps a property only while every member agrees on it (as OpenCost does). */
function mergeProperties(g: Group, t: FilterTarget): void {
  const first = g.members === 0;
  g.members += 1;
  if (first) {
    for (const [name, read] of PROPERTY_OF) {
      const v = read(t);
      if (v !== "") g.properties.set(name, v);
    }
    g.labels = { ...t.labels };
    return;
  }
  for (const [name, value] of g.properties) if (value !== undefined) {
    const read = PROPERTY_READERS.get(name);
    if (read !== undefined && read(t) !== value) g.properties.set(name, undefined);
  }
  const labels = g.labels;
  if (labels !== undefined) for (const k in labels) if (t.labels[k] !== labels[k]) delete labels[k];
}

/** An allocation's name: its values of the aggregate dimensions joined with "/" (OpenCost's naming). */
export function aggregateKey(t: FilterTarget, aggregate: readonly string[]): string {
  let key = aggregateValue(t, aggregate[0] ?? "pod");
  for (let i = 1; i < aggregate.length; i++) key += "/" + aggregateValue(t, aggregate[i] ?? "pod");
  return key;
}

/** What a filter sees of a node's idle cost: namespace and pod `__idle__`. */
export function idleTarget(cluster: string, node: string): FilterTarget {
  return { cluster, node, namespace: IDLE, controllerKind: "", controllerName: "", pod: IDLE, labels: {} };
}

export function podTarget(cluster: string, row: RollupRow): FilterTarget {
  return { cluster, node: row.node, namespace: row.namespace, controllerKind: row.controllerKind, controllerName: row.controllerName, pod: row.pod, labels: row.labels };
}

const ratio = (a: number, b: number): number => (b > 0 ? a / b : a > 0 ? 1 : 0);

/** OpenCost's efficiencies: usage ÷ request per resource, and their average weighted by CPU and RAM cost. */
export function efficiencyOf(t: CostTotals): { cpu: number; ram: number; total: number } {
  const cpu = ratio(t.cpuCoreUsageHours, t.cpuCoreRequestHours);
  const ram = ratio(t.ramByteUsageHours, t.ramByteRequestHours);
  const compute = t.cpuCost + t.ramCost;
  return { cpu, ram, total: compute > 0 ? (cpu * t.cpuCost + ram * t.ramCost) / compute : 0 };
}

function toAllocation(g: Group, covered: TimeRange): Allocation {
  // The allocation's own span (OpenCost: from its first to its last observation).
  const { startMs, endMs } = spanWithin(covered, g.firstMs, g.lastMs);
  const hours = Math.max(1e-9, (endMs - startMs) / 3_600_000);
  const t = g.totals;
  const { cpu: cpuEfficiency, ram: ramEfficiency, total: totalEfficiency } = efficiencyOf(t);
  const properties: Record<string, string | Record<string, string>> = {};
  for (const [k, v] of g.properties) if (v !== undefined) properties[k] = k === "controllerKind" ? v.toLowerCase() : v;
  if (g.labels !== undefined && Object.keys(g.labels).length > 0) properties["labels"] = g.labels;
  const pvs = Object.fromEntries([...(g.pvByCluster ?? [])].filter(([, cost]) => cost !== 0).map(([cluster, cost]) => [`cluster=${cluster}:name=${STORAGE_KEY}`, { byteHours: 0, cost }]));
  return {
    name: g.key,
    properties,
    window: { start: rfc3339(covered.startMs), end: rfc3339(covered.endMs) },
    start: rfc3339(startMs),
    end: rfc3339(endMs),
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
  const groups = new Map<string, Group>();
  const idle = new Map<string, { name: string; totals: CostTotals; cluster: string; node: string; firstMs: number; lastMs: number }>();
  for (const window of plan.windows) {
    const podSavings = new Map<string, { realised: number; potential: number }>();
    for (const row of window.rows.ofDimension("pod")) {
      const s = podSavings.get(row.node) ?? { realised: 0, potential: 0 };
      s.realised += row.realisedSavings;
      s.potential += row.potentialSavings;
      podSavings.set(row.node, s);
      const target = podTarget(window.cluster, row);
      if (!q.filter(target)) continue;
      const g = groupFor(groups, aggregateKey(target, q.aggregate));
      mergeProperties(g, target);
      addTotals(g.totals, row);
      if (row.pod !== UNMOUNTED) g.pods.add(row.podUid);
      g.computeByCluster.set(window.cluster, (g.computeByCluster.get(window.cluster) ?? 0) + row.cpuCost + row.ramCost + row.gpuCost);
      if (row.pvCost !== 0) {
        g.pvByCluster ??= new Map();
        g.pvByCluster.set(window.cluster, (g.pvByCluster.get(window.cluster) ?? 0) + row.pvCost);
      }
      const span = activeSpan(window, row.podHours, plan.covered.endMs);
      g.firstMs = Math.min(g.firstMs, span.startMs);
      g.lastMs = Math.max(g.lastMs, span.endMs);
    }
    if (!q.idle && !q.shareIdle) continue;
    for (const node of window.nodes) {
      if (!q.filter(idleTarget(window.cluster, node.node))) continue;
      const name = q.idleByNode === true ? `${node.node}/${IDLE}` : q.splitIdle === true ? `${window.cluster}/${IDLE}` : IDLE;
      const key = `${window.cluster}\u0000${node.node}\u0000${name}`;
      const span = activeSpan(window, node.hours, plan.covered.endMs);
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
  if (q.shareIdle) shareIdle(groups, idle);
  else if (q.idle) {
    for (const entry of idle.values()) {
      const g = groupFor(groups, entry.name);
      mergeProperties(g, { cluster: entry.cluster, node: entry.node, namespace: "", controllerKind: "", controllerName: "", pod: "", labels: {} });
      addTotals(g.totals, entry.totals);
      g.firstMs = Math.min(g.firstMs, entry.firstMs);
      g.lastMs = Math.max(g.lastMs, entry.lastMs);
    }
  }
  return { covered: plan.covered, allocations: [...groups.values()].map((g) => toAllocation(g, plan.covered)).sort((a, b) => b.totalCost - a.totalCost) };
}

function shareIdle(groups: Map<string, Group>, idle: Map<string, { totals: CostTotals; cluster: string }>): void {
  const computeByCluster = new Map<string, number>();
  for (const g of groups.values()) for (const [c, v] of g.computeByCluster) computeByCluster.set(c, (computeByCluster.get(c) ?? 0) + v);
  for (const entry of idle.values()) {
    const total = computeByCluster.get(entry.cluster) ?? 0;
    if (total <= 0) continue;
    for (const g of groups.values()) {
      const share = (g.computeByCluster.get(entry.cluster) ?? 0) / total;
      if (share <= 0) continue;
      g.totals.cpuCost += entry.totals.cpuCost * share;
      g.totals.ramCost += entry.totals.ramCost * share;
      g.totals.gpuCost += entry.totals.gpuCost * share;
      g.sharedIdle ??= { cpu: 0, ram: 0, gpu: 0 };
      g.sharedIdle.cpu += entry.totals.cpuCost * share;
      g.sharedIdle.ram += entry.totals.ramCost * share;
      g.sharedIdle.gpu += entry.totals.gpuCost * share;
      g.totals.totalCost += entry.totals.totalCost * share;
      g.totals.realisedSavings += entry.totals.realisedSavings * share;
      g.totals.potentialSavings += entry.totals.potentialSavings * share;
    }
  }
}
