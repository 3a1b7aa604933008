import type { RollupDimension, RollupRow } from "../model/events.ts";
import { totalsFrom } from "../model/cost-totals.ts";
import { labelsKey } from "../model/labels-key.ts";
import { Interner } from "../model/interner.ts";
import { DIMENSIONS, dimensionRange, N, NUMBERS, rowIdentity, S, STR, STRINGS, type RowColumns } from "./row-layout.ts";

export type { RowColumns } from "./row-layout.ts";

/** Where the query API's windows intern their strings and label sets. */
export interface RowPools {
  strings: Interner<string>;
  labels: Interner<Readonly<Record<string, string>>>;
}

export function rowPools(): RowPools {
  return { strings: new Interner<string>(), labels: new Interner<Readonly<Record<string, string>>>() };
}

/**
 * Packs a window's rollup rows into columns (layout in row-layout.ts): 17 numbers a row in one Float64Array,
 * 9 string ids and a label-set id in Int32Arrays (ids into the index's pools), rows grouped by dimension
 * (`ranges`: [start, end) per dimension) — 180 bytes a row instead of the ~600 of a row object with its own
 * strings. Interns the strings and label sets (one reference each, given back by releaseIds).
 */
export function packRows(rows: readonly RollupRow[], pools: RowPools): RowColumns {
  const n = rows.length;
  const cols: RowColumns = { numbers: new Float64Array(n * N), strings: new Int32Array(n * S), labelIds: new Int32Array(n), ranges: new Int32Array(DIMENSIONS.length * 2) };
  let at = 0;
  DIMENSIONS.forEach((dim, d) => {
    cols.ranges[2 * d] = at;
    for (const row of rows) if (row.dimension === dim) putRow(cols, at++, row, pools);
    cols.ranges[2 * d + 1] = at;
  });
  if (at !== n) throw new Error(`rollup rows of an unknown dimension: ${rows.find((r) => !DIMENSIONS.includes(r.dimension))?.dimension}`);
  return cols;
}

/** Writes a row into slot `i` of columns (its strings and label set interned: one reference each). */
export function putRow(cols: Pick<RowColumns, "numbers" | "strings" | "labelIds">, i: number, row: RollupRow, pools: RowPools): void {
  for (let c = 0; c < N; c++) cols.numbers[i * N + c] = row[NUMBERS[c] as (typeof NUMBERS)[number]];
  for (let c = 0; c < S; c++) {
    const s = row[STRINGS[c] as (typeof STRINGS)[number]];
    cols.strings[i * S + c] = pools.strings.intern(s, () => s);
  }
  const labels = row.labels;
  cols.labelIds[i] = pools.labels.intern(labelsKey(labels), () => Object.freeze({ ...labels }));
}

/** Gives a window's interned strings and label sets back (it is being replaced or dropped), by their ids. */
export function releaseIds(strings: Int32Array, labelIds: Int32Array, pools: RowPools): void {
  for (const id of strings) pools.strings.release(id);
  for (const id of labelIds) pools.labels.release(id);
}

const HEADER_INTS = 4 + DIMENSIONS.length * 2;
const FORMAT = 1;

/** The columns as the pieces of one file: a header of Int32s (format, rows, numbers and strings per row, ranges), then the three columns. */
export function columnChunks(cols: RowColumns): Uint8Array[] {
  const n = cols.labelIds.length;
  const header = new Int32Array([FORMAT, n, N, S, ...cols.ranges]);
  return [header, cols.numbers, cols.strings, cols.labelIds].map((a) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
}

/** Where a file written from columnChunks keeps the string and label-set ids of its `n` rows: [offset, length) in bytes. */
function idsRange(n: number): { offset: number; length: number } {
  return { offset: HEADER_INTS * 4 + n * N * 8, length: n * S * 4 + n * 4 };
}

/** The columns of a file written from columnChunks; the ids refer to the pools the writer used. */
export function decodeColumns(buf: Buffer): RowColumns {
  // Typed-array views need aligned offsets; a buffer read from a file normally starts at 0.
  const bytes = buf.byteOffset % 8 === 0 ? buf : Buffer.from(buf);
  const ints = (offset: number, length: number) => new Int32Array(bytes.buffer, bytes.byteOffset + offset, length);
  const header = ints(0, HEADER_INTS);
  const [format, n = 0, numbers, strings] = header;
  if (format !== FORMAT || numbers !== N || strings !== S) throw new Error(`row columns of another layout (format ${format}, ${numbers} numbers, ${strings} strings a row)`);
  const h = HEADER_INTS * 4;
  // The same property order as packRows' object: one shape for both, so code reading either stays monomorphic.
  return {
    numbers: new Float64Array(bytes.buffer, bytes.byteOffset + h, n * N),
    strings: ints(h + n * N * 8, n * S),
    labelIds: ints(h + n * N * 8 + n * S * 4, n),
    ranges: header.slice(4),
  };
}

/** The row at `i` of a window's columns, as a new object (its label set shared and frozen). */
export function rowAt(cols: Pick<RowColumns, "numbers" | "strings" | "labelIds">, pools: RowPools, i: number): RollupRow {
  const num = cols.numbers;
  const str = cols.strings;
  const pool = pools.strings;
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
    labels: pools.labels.get(cols.labelIds[i] as number),
    ...totalsFrom(num, n),
    podCount: num[n + 16] as number,
  };
}

/** A window's rows as the query API reads them, wherever they are kept. */
export interface WindowRows extends Iterable<RollupRow> {
  readonly length: number;
  /** The rows of one dimension (pod rows for allocations, namespace rows for summaries). */
  ofDimension(dim: RollupDimension): Iterable<RollupRow>;
  /** The packed columns themselves (read from the file when spilled), for scans that need no row objects. */
  columns(): RowColumns;
  /** Gives the interned values (and any file) back: the window is being replaced or dropped. Once. */
  release(): void;
}

function* rowsOf(cols: RowColumns, pools: RowPools, dim?: RollupDimension): IterableIterator<RollupRow> {
  const { start, end } = dim === undefined ? { start: 0, end: cols.labelIds.length } : dimensionRange(cols, dim);
  for (let i = start; i < end; i++) yield rowAt(cols, pools, i);
}

/** Rows held in memory, column-packed. */
export class CompactRows implements WindowRows {
  private readonly packed: RowColumns;
  private readonly pools: RowPools;
  private released = false;
  /** Row index by identity (`rowIdentity`), built the first time rows are overwritten. */
  private positions: Map<string, number> | undefined;

  constructor(rows: readonly RollupRow[], pools: RowPools) {
    this.pools = pools;
    this.packed = packRows(rows, pools);
  }

  get length(): number {
    return this.packed.labelIds.length;
  }

  columns(): RowColumns {
    return this.packed;
  }

  ofDimension(dim: RollupDimension): IterableIterator<RollupRow> {
    return rowsOf(this.packed, this.pools, dim);
  }

  [Symbol.iterator](): IterableIterator<RollupRow> {
    return rowsOf(this.packed, this.pools);
  }

  /**
   * Writes the numbers of rows this window already holds (same identity; their strings and labels do not change) in
   * place. If any row is new, changes nothing and returns false: the window must be packed afresh.
   */
  overwrite(rows: Iterable<RollupRow>): boolean {
    const at = (this.positions ??= this.identities());
    const targets: Array<[number, RollupRow]> = [];
    for (const row of rows) {
      const i = at.get(rowIdentity(row));
      if (i === undefined) return false;
      targets.push([i, row]);
    }
    const num = this.packed.numbers;
    for (const [i, row] of targets) for (let c = 0; c < N; c++) num[i * N + c] = row[NUMBERS[c] as (typeof NUMBERS)[number]];
    return true;
  }

  private identities(): Map<string, number> {
    const out = new Map<string, number>();
    const str = this.packed.strings;
    const pool = this.pools.strings;
    const text = (i: number, c: number) => pool.get(str[i * S + c] as number);
    for (let i = 0; i < this.length; i++) {
      const identity = rowIdentity({
        dimension: text(i, STR.dimension) as RollupDimension,
        namespace: text(i, STR.namespace),
        controllerKind: text(i, STR.controllerKind),
        controllerName: text(i, STR.controllerName),
        labelKey: text(i, STR.labelKey),
        labelValue: text(i, STR.labelValue),
        podUid: text(i, STR.podUid),
      });
      out.set(identity, i);
    }
    return out;
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.positions = undefined;
    releaseIds(this.packed.strings, this.packed.labelIds, this.pools);
  }
}

/** Where spilled columns are kept: a file per window, read back whole when a query needs the window. */
export interface ColumnFiles {
  /** Writes the pieces one after another (no copy into one buffer). */
  write(name: string, chunks: readonly Uint8Array[]): void;
  read(name: string): Buffer;
  /** `length` bytes from `offset`, in a buffer the files reuse: valid until the next readRange. */
  readRange(name: string, offset: number, length: number): Buffer;
  remove(name: string): void;
}

/**
 * Rows kept on disk (as columnChunks lays them out), their strings still interned in memory: a
 * query reads the window's file (one read, no parsing: the columns are the file's bytes) and lets it go.
 */
export class SpilledRows implements WindowRows {
  readonly length: number;
  private readonly name: string;
  private readonly files: ColumnFiles;
  private readonly pools: RowPools;
  private released = false;

  /** Writes `rows`' columns to `files` under `name`; the interned references move to this object. */
  constructor(rows: CompactRows, name: string, files: ColumnFiles, pools: RowPools) {
    files.write(name, columnChunks(rows.columns()));
    this.length = rows.length;
    this.name = name;
    this.files = files;
    this.pools = pools;
  }

  columns(): RowColumns {
    return decodeColumns(this.files.read(this.name));
  }

  ofDimension(dim: RollupDimension): IterableIterator<RollupRow> {
    return rowsOf(this.columns(), this.pools, dim);
  }

  [Symbol.iterator](): IterableIterator<RollupRow> {
    return rowsOf(this.columns(), this.pools);
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    // Only the ids are needed, read into the files' reusable buffer: a window replaced while the stream is
    // replayed would otherwise read its whole file into a new buffer each time.
    const { offset, length } = idsRange(this.length);
    const ids = this.files.readRange(this.name, offset, length);
    const all = new Int32Array(ids.buffer, ids.byteOffset, length / 4);
    releaseIds(all.subarray(0, this.length * S), all.subarray(this.length * S), this.pools);
    this.files.remove(this.name);
  }
}
