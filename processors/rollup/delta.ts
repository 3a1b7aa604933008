import type { PodCost, PricedSnapshot } from "../../model/events.ts";
import { T, TotalsColumns } from "../../model/cost-totals.ts";
import { nodeSavings, savingsDenominator } from "../savings/savings.ts";
import { Canon, type PodInfo } from "./canon.ts";
import type { RowKey } from "./row-keys.ts";

/**
 * One snapshot's contribution, computed once and added to each of its 1m, 1h and 1d windows. Totals are in the
 * TotalsColumns layout (`T` numbers a slot): `podTotals` slot i is `pods[i]`, `rowTotals` slot j is `rows[j]`.
 */
export interface SnapshotDelta {
  /** The distinct namespace/controller/label rows the snapshot's pods count in. */
  rows: RowKey[];
  rowTotals: Float64Array;
  /** The snapshot's pods, in its order (the storage ledger finds them by index). */
  pods: PodInfo[];
  podTotals: Float64Array;
  podComputeCost: number;
  /** The node's whole savings in this snapshot (idle share included). */
  realisedSavings: number;
  potentialSavings: number;
}

/** Writes a pod's totals into slot `i` of `out` (field order: model/cost-totals.ts). */
function writePodTotals(out: Float64Array, i: number, pod: PodCost, realisedPerCost: number, potentialPerCost: number): void {
  const compute = pod.cpuCost + pod.ramCost + pod.gpuCost;
  const n = i * T;
  out[n] = pod.runningSeconds / 3600;
  out[n + 1] = pod.cpuCoreHours;
  out[n + 2] = pod.cpuCoreRequestHours;
  out[n + 3] = pod.cpuCoreUsageHours;
  out[n + 4] = pod.ramByteHours;
  out[n + 5] = pod.ramByteRequestHours;
  out[n + 6] = pod.ramByteUsageHours;
  out[n + 7] = pod.gpuHours;
  out[n + 8] = pod.cpuCost;
  out[n + 9] = pod.ramCost;
  out[n + 10] = pod.gpuCost;
  out[n + 11] = pod.pvCost;
  out[n + 12] = pod.networkCost;
  out[n + 13] = pod.totalCost;
  out[n + 14] = compute * realisedPerCost;
  out[n + 15] = compute * potentialPerCost;
}

/**
 * Sums a snapshot's pods per row (namespace, controller, labels). Who each pod is comes from `canon` (one shared
 * PodInfo per pod while it stays the same), so a pod seen before costs two map lookups, not a dozen new strings.
 */
export function snapshotDelta(priced: PricedSnapshot, labelKeys: readonly string[], canon: Canon = new Canon()): SnapshotDelta {
  const count = priced.pods.length;
  const pods: PodInfo[] = new Array<PodInfo>(count);
  const podTotals = new Float64Array(count * T);
  const rows: RowKey[] = [];
  const rowAt = new Map<string, number>();
  const rowTotals = new TotalsColumns(Math.max(8, count));
  let podComputeCost = 0;
  const node = nodeSavings(priced);
  const denominator = savingsDenominator(priced);
  const realised = denominator > 0 ? node.realised / denominator : 0;
  const potential = denominator > 0 ? node.potential / denominator : 0;
  for (let i = 0; i < count; i++) {
    const pod = priced.pods[i] as PodCost;
    podComputeCost += pod.cpuCost + pod.ramCost + pod.gpuCost;
    writePodTotals(podTotals, i, pod, realised, potential);
    const info = canon.pod(pod, priced.node, labelKeys);
    pods[i] = info;
    for (const k of info.rowKeys) {
      let j = rowAt.get(k.key);
      if (j === undefined) {
        j = rowTotals.push();
        rows.push(k);
        rowAt.set(k.key, j);
      }
      rowTotals.add(j, podTotals, i);
    }
  }
  return { rows, rowTotals: rowTotals.values, pods, podTotals, podComputeCost, realisedSavings: node.realised, potentialSavings: node.potential };
}
