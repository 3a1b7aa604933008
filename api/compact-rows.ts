import type { CostTotals, RollupDimension, RollupRow } from "../model/events.ts";
import { Interner, labelsKey } from "./interner.ts";

/** The numbers of a row, in column order. */
const NUMBERS = [
  "podHours", "cpuCoreHours", "cpuCoreRequestHours", "cpuCoreUsageHours", "ramByteHours", "ramByteRequestHours", "ramByteUsageHours", "gpuHours",
  "cpuCost", "ramCost", "gpuCost", "pvCost", "networkCost", "totalCost", "realisedSavings", "potentialSavings", "podCount",
] as const satisfies ReadonlyArray<keyof CostTotals | "podCount">;
/** The strings of a row, in column order (interned: one copy per distinct value across every window). */
const STRINGS = ["dimension", "namespace", "controllerKind", "controllerName", "labelKey", "labelValue", "pod", "podUid", "node"] as const satisfies ReadonlyArray<keyof RollupRow>;
const N = NUMBERS.length;
const S = STRINGS.length;
const DIMENSIONS: readonly RollupDimension[] = ["namespace", "controller", "label", "pod"];

/** Where the query API's windows intern their strings and label sets. */
export interface RowPools {
  strings: Interner<string>;
  labels: Interner<Readonly<Record<string, string>>>;
}

export function rowPools(): RowPools {
  return { strings: new Interner<string>(), labels: new Interner<Readonly<Record<string, string>>>() };
}

/**
 * A window's rollup rows, column-packed: 17 numbers in one Float64Array, 9 interned strings and a label
 * set id in Int32Arrays, rows grouped by dimension — about 180 bytes a row instead of the ~600 of a row
 * object with its own strings. Rows are read back as fresh objects (their label sets shared and frozen).
 */
export class CompactRows implements Iterable<RollupRow> {
  private readonly numbers: Float64Array;
  private readonly strings: Int32Array;
  private readonly labelIds: Int32Array;
  /** Row ranges per dimension: [start, end) in DIMENSIONS order. */
  private readonly ranges: Int32Array;
  private readonly pools: RowPools;
  private released = false;

  constructor(rows: readonly RollupRow[], pools: RowPools) {
    this.pools = pools;
    const n = rows.length;
    this.numbers = new Float64Array(n * N);
    this.strings = new Int32Array(n * S);
    this.labelIds = new Int32Array(n);
    this.ranges = new Int32Array(DIMENSIONS.length * 2);
    let at = 0;
    DIMENSIONS.forEach((dim, d) => {
      this.ranges[2 * d] = at;
      for (const row of rows) if (row.dimension === dim) this.put(at++, row);
      this.ranges[2 * d + 1] = at;
    });
    if (at !== n) throw new Error(`rollup rows of an unknown dimension: ${rows.find((r) => !DIMENSIONS.includes(r.dimension))?.dimension}`);
  }

  private put(i: number, row: RollupRow): void {
    for (let c = 0; c < N; c++) this.numbers[i * N + c] = row[NUMBERS[c] as (typeof NUMBERS)[number]];
    for (let c = 0; c < S; c++) {
      const s = row[STRINGS[c] as (typeof STRINGS)[number]];
      this.strings[i * S + c] = this.pools.strings.intern(s, () => s);
    }
    const labels = row.labels;
    this.labelIds[i] = this.pools.labels.intern(labelsKey(labels), () => Object.freeze({ ...labels }));
  }

  get length(): number {
    return this.labelIds.length;
  }

  /** The row at `i`, as a new object. */
  row(i: number): RollupRow {
    const num = this.numbers;
    const str = this.strings;
    const pool = this.pools.strings;
    const n = i * N;
    const s = i * S;
    return {
      dimension: pool.get(str[s] as number) as RollupDimension,
      namespace: pool.get(str[s + 1] as number),
      controllerKind: pool.get(str[s + 2] as number),
      controllerName: pool.get(str[s + 3] as number),
      labelKey: pool.get(str[s + 4] as number),
      labelValue: pool.get(str[s + 5] as number),
      pod: pool.get(str[s + 6] as number),
      podUid: pool.get(str[s + 7] as number),
      node: pool.get(str[s + 8] as number),
      labels: this.pools.labels.get(this.labelIds[i] as number) as Record<string, string>,
      podHours: num[n] as number,
      cpuCoreHours: num[n + 1] as number,
      cpuCoreRequestHours: num[n + 2] as number,
      cpuCoreUsageHours: num[n + 3] as number,
      ramByteHours: num[n + 4] as number,
      ramByteRequestHours: num[n + 5] as number,
      ramByteUsageHours: num[n + 6] as number,
      gpuHours: num[n + 7] as number,
      cpuCost: num[n + 8] as number,
      ramCost: num[n + 9] as number,
      gpuCost: num[n + 10] as number,
      pvCost: num[n + 11] as number,
      networkCost: num[n + 12] as number,
      totalCost: num[n + 13] as number,
      realisedSavings: num[n + 14] as number,
      potentialSavings: num[n + 15] as number,
      podCount: num[n + 16] as number,
    };
  }

  /** The rows of one dimension (pod rows for allocations, namespace rows for summaries). */
  *ofDimension(dim: RollupDimension): IterableIterator<RollupRow> {
    const d = DIMENSIONS.indexOf(dim);
    const end = this.ranges[2 * d + 1] as number;
    for (let i = this.ranges[2 * d] as number; i < end; i++) yield this.row(i);
  }

  *[Symbol.iterator](): IterableIterator<RollupRow> {
    for (let i = 0; i < this.length; i++) yield this.row(i);
  }

  /** Gives the interned values back (the window is being replaced or dropped); once. */
  release(): void {
    if (this.released) return;
    this.released = true;
    for (const id of this.strings) this.pools.strings.release(id);
    for (const id of this.labelIds) this.pools.labels.release(id);
  }
}
