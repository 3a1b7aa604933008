import type { CostTotals, RollupDimension, RollupRow } from "../model/events.ts";
import { TOTAL_FIELDS } from "../model/cost-totals.ts";
import { rowKey } from "../processors/rollup/row-keys.ts";

/** The numbers of a packed row, in column order: the CostTotals fields (model/cost-totals.ts), then podCount. */
export const NUMBERS = [...TOTAL_FIELDS, "podCount"] as const satisfies ReadonlyArray<keyof CostTotals | "podCount">;
/** The strings of a packed row, in column order (interned ids). */
export const STRINGS = ["dimension", "namespace", "controllerKind", "controllerName", "labelKey", "labelValue", "pod", "podUid", "node"] as const satisfies ReadonlyArray<keyof RollupRow>;
/** Numbers and strings per row. */
export const N = NUMBERS.length;
export const S = STRINGS.length;
/** The dimensions in the order a window's rows are grouped. */
export const DIMENSIONS: readonly RollupDimension[] = ["namespace", "controller", "label", "pod"];

type NumberName = (typeof NUMBERS)[number];
type StringName = (typeof STRINGS)[number];

/** A number's offset within its row. */
export const NUM = Object.fromEntries(NUMBERS.map((k, i) => [k, i])) as Record<NumberName, number>;
/** A string id's offset within its row. */
export const STR = Object.fromEntries(STRINGS.map((k, i) => [k, i])) as Record<StringName, number>;
/** How many numbers of a row are CostTotals (they come first). */
export const TOTALS = NUM.podCount;

/** A window's rows, column-packed (see compact-rows.ts). */
export interface RowColumns {
  numbers: Float64Array;
  strings: Int32Array;
  labelIds: Int32Array;
  ranges: Int32Array;
}

/** The rows [start, end) of one dimension. */
export function dimensionRange(cols: RowColumns, dim: RollupDimension): { start: number; end: number } {
  const d = DIMENSIONS.indexOf(dim);
  return { start: cols.ranges[2 * d] as number, end: cols.ranges[2 * d + 1] as number };
}

/** Sums kept in column order (`TOTALS` numbers) as CostTotals. */
export function totalsOf(sums: Float64Array): CostTotals {
  const out = {} as CostTotals;
  for (let c = 0; c < TOTALS; c++) out[NUMBERS[c] as keyof CostTotals] = sums[c] as number;
  return out;
}

/** Adds CostTotals into sums kept in column order. */
export function addToSums(sums: Float64Array, t: CostTotals): void {
  for (let c = 0; c < TOTALS; c++) sums[c] = (sums[c] as number) + t[NUMBERS[c] as keyof CostTotals];
}

/** A row's identity within its window: pods by uid, the other dimensions by what they aggregate over. */
export function rowIdentity(r: Pick<RollupRow, "dimension" | "namespace" | "controllerKind" | "controllerName" | "labelKey" | "labelValue" | "podUid">): string {
  return r.dimension === "pod" ? `pod\u0000${r.podUid}` : rowKey(r.dimension, r.namespace, r.controllerKind, r.controllerName, r.labelKey, r.labelValue).key;
}
