import type { CostTotals, RollupRow } from "../model/events.ts";
import { addTotals, emptyTotals } from "../processors/rollup/delta.ts";
import type { Filter, FilterTarget } from "./filter.ts";
import type { RollupIndex } from "./rollup-index.ts";
import type { TimeRange } from "./window.ts";

export const IDLE = "__idle__";
export const UNALLOCATED = "__unallocated__";

export interface AllocationQuery {
  range: TimeRange;
  aggregate: string[];
  filter: Filter;
  idle: boolean;
  shareIdle: boolean;
}

/** One allocation in OpenCost's shape (plus podCount). Money in USD over the window. */
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
  cpuCoreUsageAverage: number;
  cpuCoreHours: number;
  cpuCost: number;
  cpuEfficiency: number;
  gpuHours: number;
  gpuCost: number;
  ramBytes: number;
  ramByteRequestAverage: number;
  ramByteUsageAverage: number;
  ramByteHours: number;
  ramCost: number;
  ramEfficiency: number;
  pvCost: number;
  networkCost: number;
  sharedCost: number;
  totalCost: number;
  totalEfficiency: number;
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
}

function aggregateValue(t: FilterTarget, dim: string): string {
  switch (dim) {
    case "cluster":
      return t.cluster;
    case "node":
      return t.node;
    case "namespace":
      return t.namespace;
    case "controllerKind":
      return t.controllerKind === "" ? UNALLOCATED : t.controllerKind;
    case "controller":
      return t.controllerName === "" ? UNALLOCATED : `${t.controllerKind.toLowerCase()}:${t.controllerName}`;
    case "pod":
      return `${t.namespace}/${t.pod}`;
    default: {
      const key = dim.slice("label:".length);
      const v = t.labels[key];
      return v === undefined || v === "" ? UNALLOCATED : `${key}=${v}`;
    }
  }
}

const PROPERTY_OF: ReadonlyArray<readonly [string, (t: FilterTarget) => string]> = [
  ["cluster", (t) => t.cluster],
  ["node", (t) => t.node],
  ["namespace", (t) => t.namespace],
  ["controllerKind", (t) => t.controllerKind],
  ["controller", (t) => t.controllerName],
  ["pod", (t) => t.pod],
];

const PROPERTY_READERS = new Map(PROPERTY_OF);

function groupFor(groups: Map<string, Group>, key: string): Group {
  let g = groups.get(key);
  if (g === undefined) {
    g = { key, properties: new Map(), labels: undefined, totals: emptyTotals(), pods: new Set(), members: 0, computeByCluster: new Map() };
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

function podTarget(cluster: string, row: RollupRow): FilterTarget {
  return { cluster, node: row.node, namespace: row.namespace, controllerKind: row.controllerKind, controllerName: row.controllerName, pod: row.pod, labels: row.labels };
}

const ratio = (a: number, b: number): number => (b > 0 ? a / b : a > 0 ? 1 : 0);

function toAllocation(g: Group, covered: TimeRange): Allocation {
  const hours = Math.max(1e-9, (covered.endMs - covered.startMs) / 3_600_000);
  const t = g.totals;
  const cpuEfficiency = ratio(t.cpuCoreUsageHours, t.cpuCoreRequestHours);
  const ramEfficiency = ratio(t.ramByteUsageHours, t.ramByteRequestHours);
  const computeCost = t.cpuCost + t.ramCost;
  const properties: Record<string, string | Record<string, string>> = {};
  for (const [k, v] of g.properties) if (v !== undefined) properties[k] = v;
  if (g.labels !== undefined && Object.keys(g.labels).length > 0) properties["labels"] = g.labels;
  const start = new Date(covered.startMs).toISOString();
  const end = new Date(covered.endMs).toISOString();
  return {
    name: g.key,
    properties,
    window: { start, end },
    start,
    end,
    minutes: (covered.endMs - covered.startMs) / 60_000,
    podCount: g.pods.size,
    cpuCores: t.cpuCoreHours / hours,
    cpuCoreRequestAverage: t.cpuCoreRequestHours / hours,
    cpuCoreUsageAverage: t.cpuCoreUsageHours / hours,
    cpuCoreHours: t.cpuCoreHours,
    cpuCost: t.cpuCost,
    cpuEfficiency,
    gpuHours: t.gpuHours,
    gpuCost: t.gpuCost,
    ramBytes: t.ramByteHours / hours,
    ramByteRequestAverage: t.ramByteRequestHours / hours,
    ramByteUsageAverage: t.ramByteUsageHours / hours,
    ramByteHours: t.ramByteHours,
    ramCost: t.ramCost,
    ramEfficiency,
    pvCost: t.pvCost,
    networkCost: t.networkCost,
    sharedCost: 0,
    totalCost: t.totalCost,
    totalEfficiency: computeCost > 0 ? (cpuEfficiency * t.cpuCost + ramEfficiency * t.ramCost) / computeCost : 0,
    realisedSavings: t.realisedSavings,
    potentialSavings: t.potentialSavings,
  };
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
  const idle = new Map<string, { name: string; totals: CostTotals; cluster: string; node: string }>();
  for (const window of plan.windows) {
    const podSavings = new Map<string, { realised: number; potential: number }>();
    for (const row of window.rows) {
      if (row.dimension !== "pod") continue;
      const s = podSavings.get(row.node) ?? { realised: 0, potential: 0 };
      s.realised += row.realisedSavings;
      s.potential += row.potentialSavings;
      podSavings.set(row.node, s);
      const target = podTarget(window.cluster, row);
      if (!q.filter(target)) continue;
      let key = aggregateValue(target, q.aggregate[0] ?? "pod");
      for (let i = 1; i < q.aggregate.length; i++) key += "/" + aggregateValue(target, q.aggregate[i] ?? "pod");
      const g = groupFor(groups, key);
      mergeProperties(g, target);
      addTotals(g.totals, row);
      g.pods.add(row.podUid);
      g.computeByCluster.set(window.cluster, (g.computeByCluster.get(window.cluster) ?? 0) + row.cpuCost + row.ramCost + row.gpuCost);
    }
    if (!q.idle && !q.shareIdle) continue;
    for (const node of window.nodes) {
      const target: FilterTarget = { cluster: window.cluster, node: node.node, namespace: IDLE, controllerKind: "", controllerName: "", pod: IDLE, labels: {} };
      if (!q.filter(target)) continue;
      const parts = q.aggregate.flatMap((dim) => (dim === "cluster" ? [window.cluster] : dim === "node" ? [node.node] : []));
      const name = [...parts, IDLE].join("/");
      const key = `${window.cluster}\u0000${node.node}\u0000${name}`;
      const entry = idle.get(key) ?? { name, totals: emptyTotals(), cluster: window.cluster, node: node.node };
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
      g.totals.totalCost += entry.totals.totalCost * share;
      g.totals.realisedSavings += entry.totals.realisedSavings * share;
      g.totals.potentialSavings += entry.totals.potentialSavings * share;
    }
  }
}
