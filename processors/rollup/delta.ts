import type { CostTotals, PodCost, PricedSnapshot } from "../../model/events.ts";
import { nodeSavings, savingsDenominator } from "../savings/savings.ts";
import type { Canon } from "./canon.ts";
import { rowKeysOf, type RowKey } from "./row-keys.ts";

export const emptyTotals = (): CostTotals => ({
  podHours: 0,
  cpuCoreHours: 0,
  cpuCoreRequestHours: 0,
  cpuCoreUsageHours: 0,
  ramByteHours: 0,
  ramByteRequestHours: 0,
  ramByteUsageHours: 0,
  gpuHours: 0,
  cpuCost: 0,
  ramCost: 0,
  gpuCost: 0,
  pvCost: 0,
  networkCost: 0,
  totalCost: 0,
  realisedSavings: 0,
  potentialSavings: 0,
});

/** Adds `b` into `a`. Written out field by field: this is the rollup's hottest loop. */
export function addTotals(a: CostTotals, b: CostTotals): void {
  a.podHours += b.podHours;
  a.cpuCoreHours += b.cpuCoreHours;
  a.cpuCoreRequestHours += b.cpuCoreRequestHours;
  a.cpuCoreUsageHours += b.cpuCoreUsageHours;
  a.ramByteHours += b.ramByteHours;
  a.ramByteRequestHours += b.ramByteRequestHours;
  a.ramByteUsageHours += b.ramByteUsageHours;
  a.gpuHours += b.gpuHours;
  a.cpuCost += b.cpuCost;
  a.ramCost += b.ramCost;
  a.gpuCost += b.gpuCost;
  a.pvCost += b.pvCost;
  a.networkCost += b.networkCost;
  a.totalCost += b.totalCost;
  a.realisedSavings += b.realisedSavings;
  a.potentialSavings += b.potentialSavings;
}

function podTotals(pod: PodCost, savingsPerCost: { realised: number; potential: number }): CostTotals {
  const compute = pod.cpuCost + pod.ramCost + pod.gpuCost;
  return {
    podHours: pod.runningSeconds / 3600,
    cpuCoreHours: pod.cpuCoreHours,
    cpuCoreRequestHours: pod.cpuCoreRequestHours,
    cpuCoreUsageHours: pod.cpuCoreUsageHours,
    ramByteHours: pod.ramByteHours,
    ramByteRequestHours: pod.ramByteRequestHours,
    ramByteUsageHours: pod.ramByteUsageHours,
    gpuHours: pod.gpuHours,
    cpuCost: pod.cpuCost,
    ramCost: pod.ramCost,
    gpuCost: pod.gpuCost,
    pvCost: pod.pvCost,
    networkCost: pod.networkCost,
    totalCost: pod.totalCost,
    realisedSavings: compute * savingsPerCost.realised,
    potentialSavings: compute * savingsPerCost.potential,
  };
}

/** A pod as a rollup row: who it is, where it ran, which rows it counts in, what it cost. */
export interface PodRow {
  uid: string;
  pod: string;
  namespace: string;
  controllerKind: string;
  controllerName: string;
  node: string;
  labels: Record<string, string>;
  /** Keys of the namespace/controller/label rows this pod belongs to (distinct pod counts). */
  keys: string[];
  totals: CostTotals;
}

/** One snapshot's contribution, computed once and added to each of its 1m, 1h and 1d windows. */
export interface SnapshotDelta {
  rows: Map<string, { key: RowKey; totals: CostTotals }>;
  pods: PodRow[];
  podComputeCost: number;
  /** The node's whole savings in this snapshot (idle share included). */
  realisedSavings: number;
  potentialSavings: number;
}

function pick(labels: Record<string, string>, keys: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of keys) {
    const v = labels[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
}

/** Sums a snapshot's pods per row (namespace, controller, labels); with `canon`, the pod rows' strings, key lists and label sets are shared copies. */
export function snapshotDelta(priced: PricedSnapshot, labelKeys: readonly string[], canon?: Canon): SnapshotDelta {
  const rows = new Map<string, { key: RowKey; totals: CostTotals }>();
  const pods: PodRow[] = [];
  let podComputeCost = 0;
  const node = nodeSavings(priced);
  const denominator = savingsDenominator(priced);
  const perCost = denominator > 0 ? { realised: node.realised / denominator, potential: node.potential / denominator } : { realised: 0, potential: 0 };
  for (const pod of priced.pods) {
    podComputeCost += pod.cpuCost + pod.ramCost + pod.gpuCost;
    const totals = podTotals(pod, perCost);
    const keys = rowKeysOf(pod, labelKeys);
    for (const k of keys) {
      let row = rows.get(k.key);
      if (row === undefined) {
        row = { key: k, totals: emptyTotals() };
        rows.set(k.key, row);
      }
      addTotals(row.totals, totals);
    }
    const labels = pick(pod.labels, labelKeys);
    const rowKeys = keys.map((k) => k.key);
    const c = (v: string) => (canon === undefined ? v : canon.string(v));
    pods.push({
      uid: c(pod.uid),
      pod: c(pod.name),
      namespace: c(pod.namespace),
      controllerKind: c(pod.controllerKind),
      controllerName: c(pod.controllerName),
      node: c(priced.node),
      labels: canon === undefined ? labels : canon.labels(labels),
      keys: canon === undefined ? rowKeys : canon.list(rowKeys),
      totals,
    });
  }
  return { rows, pods, podComputeCost, realisedSavings: node.realised, potentialSavings: node.potential };
}
