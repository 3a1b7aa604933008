import type { CostRollup, NodeRollupRow, RollupRow } from "../model/events.ts";
import { putRow, releaseIds, rowAt, type RowPools } from "./compact-rows.ts";
import { N, NUMBERS, rowIdentity, S } from "./row-layout.ts";

interface Versioned<T> {
  rev: number;
  value: T;
}

/** Live rows packed as a window's rows are (row-layout.ts), with the rev each row's numbers are from. */
class LiveRows {
  numbers: Float64Array;
  strings: Int32Array;
  labelIds: Int32Array;
  revs: Float64Array;
  count = 0;

  constructor(capacity: number) {
    this.numbers = new Float64Array(capacity * N);
    this.strings = new Int32Array(capacity * S);
    this.labelIds = new Int32Array(capacity);
    this.revs = new Float64Array(capacity);
  }

  /** A new slot (grown by doubling). */
  push(): number {
    if (this.count === this.revs.length) {
      const grow = <A extends Float64Array | Int32Array>(a: A, make: (n: number) => A): A => {
        const b = make(a.length * 2);
        b.set(a);
        return b;
      };
      this.numbers = grow(this.numbers, (n) => new Float64Array(n));
      this.strings = grow(this.strings, (n) => new Int32Array(n));
      this.labelIds = grow(this.labelIds, (n) => new Int32Array(n));
      this.revs = grow(this.revs, (n) => new Float64Array(n));
    }
    return this.count++;
  }
}

/**
 * The live updates of one open window the index has not yet seen in a revision. An update carries the rows that
 * changed since the rollup's previous revision or update, with their totals so far (absolute values), so each row
 * keeps only its newest value, and a revision drops what it already holds (every value up to its own rev). Rows are
 * kept packed, their strings interned in the index's pools (a row's strings never change within its window: only
 * its numbers do): at 100,000 pods the decoded rows held ~97 MB, these ~20 — until the window is final or dropped.
 */
export class LiveWindow {
  private readonly pools: RowPools;
  private rows = new LiveRows(64);
  /** Slot by row identity (`rowIdentity`). */
  private readonly slots = new Map<string, number>();
  private readonly nodes = new Map<string, Versioned<NodeRollupRow>>();
  /** The rev of the revision the index holds for this window (0: none yet). */
  baseRev: number;
  /** Updates arrived since the window was last rebuilt with them. */
  dirty = false;
  /** Slots updated since they were last laid over the window held, and whether that window is new (all must be laid). */
  private readonly unlaid = { rows: new Set<number>(), all: true };
  private newest: CostRollup;
  readonly cluster: string;
  readonly windowStartMs: number;

  constructor(first: CostRollup, baseRev: number, pools: RowPools) {
    this.pools = pools;
    this.newest = { ...first, rows: [], nodes: [] };
    this.cluster = first.cluster;
    this.windowStartMs = first.windowStartMs;
    this.baseRev = baseRev;
  }

  get empty(): boolean {
    if (this.nodes.size > 0) return false;
    for (let slot = 0; slot < this.rows.count; slot++) if (this.isLive(slot)) return false;
    return true;
  }

  add(u: CostRollup): void {
    if (u.rev <= this.baseRev) return;
    const live = this.rows;
    for (const row of u.rows) {
      const identity = rowIdentity(row);
      let slot = this.slots.get(identity);
      if (slot === undefined) {
        slot = live.push();
        this.slots.set(identity, slot);
        putRow(this.rows, slot, row, this.pools);
      } else {
        if ((live.revs[slot] as number) >= u.rev) continue;
        for (let c = 0; c < N; c++) live.numbers[slot * N + c] = row[NUMBERS[c] as (typeof NUMBERS)[number]];
      }
      this.rows.revs[slot] = u.rev;
      this.unlaid.rows.add(slot);
    }
    for (const node of u.nodes) keepNewer(this.nodes, node.node, u.rev, node);
    if (u.rev >= this.newest.rev) this.newest = { ...u, rows: [], nodes: [] };
    this.dirty = true;
  }

  /**
   * A revision at `rev` holds every value up to it: those are no longer laid (a row is live while its rev is newer
   * than `baseRev`), newer ones stay to be laid over it. Rows keep their slots and interned strings until the window
   * is dropped: the next update of the same rows only writes numbers (re-interning 100,000 rows after every revision
   * took ~0.5 s).
   */
  covered(rev: number): void {
    this.baseRev = Math.max(this.baseRev, rev);
    for (const [k, v] of this.nodes) if (v.rev <= rev) this.nodes.delete(k);
    // The index holds that revision now: what is left must all be laid over it.
    this.unlaid.rows.clear();
    this.unlaid.all = true;
    this.dirty = !this.empty;
  }

  private isLive(slot: number): boolean {
    return (this.rows.revs[slot] as number) > this.baseRev;
  }

  /** The rows to lay over the window held in place: those updated since the last lay, or all after a new revision. */
  rowsToLay(): RollupRow[] {
    const slots = this.unlaid.all ? [...this.slots.values()].filter((slot) => this.isLive(slot)) : [...this.unlaid.rows];
    return slots.map((slot) => rowAt(this.rows, this.pools, slot));
  }

  /**
   * What the window's head becomes with these updates: the newest rev and snapshot count, and its node rows with the
   * updated ones laid over them (a few per node; all of them each time).
   */
  head(base: Pick<CostRollup, "rev" | "snapshotCount" | "nodes">): Pick<CostRollup, "rev" | "snapshotCount" | "nodes"> {
    const nodes = new Map(base.nodes.map((n) => [n.node, n]));
    for (const [k, v] of this.nodes) nodes.set(k, v.value);
    return { rev: Math.max(base.rev, this.newest.rev), snapshotCount: Math.max(base.snapshotCount, this.newest.snapshotCount), nodes: [...nodes.values()] };
  }

  /** Marks every update laid over the window held. */
  laid(): void {
    this.unlaid.rows.clear();
    this.unlaid.all = false;
    this.dirty = false;
  }

  /** The window with these updates laid over `base` (the revision held, or nothing yet). */
  over(base: Omit<CostRollup, "rows"> & { rows: Iterable<RollupRow> } | undefined): CostRollup {
    const rows = new Map<string, RollupRow>();
    for (const row of base?.rows ?? []) rows.set(rowIdentity(row), row);
    for (const [k, slot] of this.slots) if (this.isLive(slot)) rows.set(k, rowAt(this.rows, this.pools, slot));
    const head = base ?? this.newest;
    this.laid();
    return { ...head, ...this.head(head), final: false, part: 0, parts: 1, rows: [...rows.values()], volumes: base?.volumes ?? [] };
  }

  /** Gives the interned strings back: the window is dropped. */
  release(): void {
    const r = this.rows;
    releaseIds(r.strings.subarray(0, r.count * S), r.labelIds.subarray(0, r.count), this.pools);
    this.rows = new LiveRows(1);
    this.slots.clear();
  }
}

/** Keeps `value` if it is newer than the one held; says whether it did. */
function keepNewer<T>(map: Map<string, Versioned<T>>, key: string, rev: number, value: T): boolean {
  const known = map.get(key);
  if (known !== undefined && known.rev >= rev) return false;
  map.set(key, { rev, value });
  return true;
}
