import type { CostRollup, NodeRollupRow, RollupRow } from "../model/events.ts";
import { rowKey } from "../processors/rollup/row-keys.ts";

/** A row's identity within its window: pods by uid, the other dimensions by what they aggregate over. */
export function rowIdentity(r: Pick<RollupRow, "dimension" | "namespace" | "controllerKind" | "controllerName" | "labelKey" | "labelValue" | "podUid">): string {
  return r.dimension === "pod" ? `pod\u0000${r.podUid}` : rowKey(r.dimension, r.namespace, r.controllerKind, r.controllerName, r.labelKey, r.labelValue).key;
}

interface Versioned<T> {
  rev: number;
  value: T;
}

/**
 * The live updates of one open window the index has not yet seen in a revision. An update carries the rows that
 * changed since the rollup's previous revision or update, with their totals so far (absolute values), so each row
 * keeps only its newest value, and a revision drops what it already holds (every value up to its own rev).
 */
export class LiveWindow {
  private readonly rows = new Map<string, Versioned<RollupRow>>();
  private readonly nodes = new Map<string, Versioned<NodeRollupRow>>();
  /** The rev of the revision the index holds for this window (0: none yet). */
  baseRev: number;
  /** Updates arrived since the window was last rebuilt with them. */
  dirty = false;
  /** Rows updated since they were last laid over the window held, and whether that window is new (all must be laid). */
  private readonly unlaid = { rows: new Set<string>(), all: true };
  private newest: CostRollup;
  readonly cluster: string;
  readonly windowStartMs: number;

  constructor(first: CostRollup, baseRev: number) {
    this.newest = { ...first, rows: [], nodes: [] };
    this.cluster = first.cluster;
    this.windowStartMs = first.windowStartMs;
    this.baseRev = baseRev;
  }

  get empty(): boolean {
    return this.rows.size + this.nodes.size === 0;
  }

  add(u: CostRollup): void {
    if (u.rev <= this.baseRev) return;
    for (const row of u.rows) {
      const identity = rowIdentity(row);
      if (keepNewer(this.rows, identity, u.rev, row)) this.unlaid.rows.add(identity);
    }
    for (const node of u.nodes) keepNewer(this.nodes, node.node, u.rev, node);
    if (u.rev >= this.newest.rev) this.newest = { ...u, rows: [], nodes: [] };
    this.dirty = true;
  }

  /** A revision at `rev` holds every value up to it: those are dropped, newer ones stay to be laid over it. */
  covered(rev: number): void {
    this.baseRev = Math.max(this.baseRev, rev);
    for (const [k, v] of this.rows) if (v.rev <= rev) this.rows.delete(k);
    for (const [k, v] of this.nodes) if (v.rev <= rev) this.nodes.delete(k);
    // The index holds that revision now: what is left must all be laid over it.
    this.unlaid.all = true;
    this.dirty = !this.empty;
  }

  /** The rows to lay over the window held in place: those updated since the last lay, or all after a new revision. */
  rowsToLay(): RollupRow[] {
    if (this.unlaid.all) return [...this.rows.values()].map((v) => v.value);
    return [...this.unlaid.rows].flatMap((k) => this.rows.get(k)?.value ?? []);
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
    for (const [k, v] of this.rows) rows.set(k, v.value);
    const head = base ?? this.newest;
    this.laid();
    return { ...head, ...this.head(head), final: false, part: 0, parts: 1, rows: [...rows.values()], volumes: base?.volumes ?? [] };
  }
}

/** Keeps `value` if it is newer than the one held; says whether it did. */
function keepNewer<T>(map: Map<string, Versioned<T>>, key: string, rev: number, value: T): boolean {
  const known = map.get(key);
  if (known !== undefined && known.rev >= rev) return false;
  map.set(key, { rev, value });
  return true;
}
