import type { CostTotals } from "./events.ts";

/** The CostTotals fields in column order (the query API's packed rows use the same order, then podCount). */
export const TOTAL_FIELDS = [
  "podHours", "cpuCoreHours", "cpuCoreRequestHours", "cpuCoreUsageHours", "ramByteHours", "ramByteRequestHours", "ramByteUsageHours", "gpuHours",
  "cpuCost", "ramCost", "gpuCost", "pvCost", "networkCost", "totalCost", "realisedSavings", "potentialSavings",
] as const satisfies ReadonlyArray<keyof CostTotals>;

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

/** Adds `b` into `a`, field by field. */
export function addTotals(a: CostTotals, b: CostTotals): void {
  for (const f of TOTAL_FIELDS) a[f] += b[f];
}

/** Numbers per slot. */
export const T = TOTAL_FIELDS.length;
/** Offsets within a slot of the fields storage corrections change. */
export const PV_COST = TOTAL_FIELDS.indexOf("pvCost");
export const TOTAL_COST = TOTAL_FIELDS.indexOf("totalCost");

/**
 * Rows of CostTotals in one growable Float64Array, a slot per row (`T` numbers from `slot × T`): 128 bytes a row,
 * where a CostTotals object is an object plus sixteen boxed numbers (~330 bytes) and its additions allocate.
 * Slots are never freed; the owner drops the whole table with its window.
 */
export class TotalsColumns {
  private data: Float64Array;
  private count = 0;

  constructor(capacity = 16) {
    this.data = new Float64Array(Math.max(1, capacity) * T);
  }

  get size(): number {
    return this.count;
  }

  /** The numbers themselves (valid until the next `push`): slot `i`'s fields at [i × T, i × T + T). */
  get values(): Float64Array {
    return this.data;
  }

  /** A new slot of zeros; returns its index. */
  push(): number {
    if ((this.count + 1) * T > this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    return this.count++;
  }

  /** Adds slot `fromSlot` of `from` (a table's `values`, or any array in this layout) into `slot`. */
  add(slot: number, from: Float64Array, fromSlot: number): void {
    const d = this.data;
    const at = slot * T;
    const src = fromSlot * T;
    for (let c = 0; c < T; c++) d[at + c] = (d[at + c] as number) + (from[src + c] as number);
  }

  /** A storage correction: pvCost and totalCost both change by `cost` (may be negative). */
  addStorage(slot: number, cost: number): void {
    const d = this.data;
    d[slot * T + PV_COST] = (d[slot * T + PV_COST] as number) + cost;
    d[slot * T + TOTAL_COST] = (d[slot * T + TOTAL_COST] as number) + cost;
  }

  /** Slot `slot` as a CostTotals object (a copy). */
  totals(slot: number): CostTotals {
    return totalsAt(this.data, slot);
  }

  /** Writes a CostTotals object into `slot`. */
  set(slot: number, t: CostTotals): void {
    const d = this.data;
    for (let c = 0; c < T; c++) d[slot * T + c] = t[TOTAL_FIELDS[c] as keyof CostTotals];
  }
}

/** Slot `slot` of numbers in this layout as a CostTotals object. */
export function totalsAt(values: Float64Array, slot: number): CostTotals {
  return totalsFrom(values, slot * T);
}

/** The T numbers from element `n` of `values` (TOTAL_FIELDS order) as a CostTotals object. */
export function totalsFrom(values: Float64Array, n: number): CostTotals {
  return {
    podHours: values[n] as number,
    cpuCoreHours: values[n + 1] as number,
    cpuCoreRequestHours: values[n + 2] as number,
    cpuCoreUsageHours: values[n + 3] as number,
    ramByteHours: values[n + 4] as number,
    ramByteRequestHours: values[n + 5] as number,
    ramByteUsageHours: values[n + 6] as number,
    gpuHours: values[n + 7] as number,
    cpuCost: values[n + 8] as number,
    ramCost: values[n + 9] as number,
    gpuCost: values[n + 10] as number,
    pvCost: values[n + 11] as number,
    networkCost: values[n + 12] as number,
    totalCost: values[n + 13] as number,
    realisedSavings: values[n + 14] as number,
    potentialSavings: values[n + 15] as number,
  };
}
