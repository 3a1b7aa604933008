import type { CostRollup, RollupRow } from "../../model/events.ts";

/** A revision's or live update's fields other than its rows and part numbers. */
export type RollupHead = Omit<CostRollup, "rows" | "part" | "parts">;

/** Rows of one kind as a length and a reader, so pod rows can be made one part at a time. */
export interface RowSource {
  readonly length: number;
  at(i: number): RollupRow;
}

/**
 * The parts of a window revision: messages of at most `maxRows` rows (NATS messages are limited to 1 MiB by default).
 * Part 0 carries every aggregate row (namespace, controller, label) and the node and volume rows, so readers that need
 * no pod rows can use part 0 alone; pod rows fill the parts in order. Every part carries the same rev and `parts`.
 * Pod rows are read from `pods` only as each part is made.
 */
export function* partsOf(head: RollupHead, aggregates: readonly RollupRow[], pods: RowSource, maxRows: number): Generator<CostRollup> {
  const firstRoom = Math.max(0, maxRows - aggregates.length);
  const parts = 1 + Math.ceil(Math.max(0, pods.length - firstRoom) / maxRows);
  const podRows = (from: number, to: number): RollupRow[] => {
    const out: RollupRow[] = [];
    for (let i = from; i < Math.min(to, pods.length); i++) out.push(pods.at(i));
    return out;
  };
  for (let part = 0; part < parts; part++) {
    const rows = part === 0 ? [...aggregates, ...podRows(0, firstRoom)] : podRows(firstRoom + (part - 1) * maxRows, firstRoom + part * maxRows);
    yield { ...head, part, parts, rows, nodes: part === 0 ? head.nodes : [], volumes: part === 0 ? head.volumes : [] };
  }
}

/** Splits a whole revision into its parts (see partsOf). */
export function splitRollup(rollup: CostRollup, maxRows: number): CostRollup[] {
  const aggregates = rollup.rows.filter((r) => r.dimension !== "pod");
  const pods = rollup.rows.filter((r) => r.dimension === "pod");
  return [...partsOf(rollup, aggregates, { length: pods.length, at: (i) => pods[i] as RollupRow }, maxRows)];
}

interface Pending {
  rev: number;
  parts: Map<number, CostRollup>;
  completedRev: number;
}

/**
 * Reassembles window revisions from their parts, for every rollup reader. A revision is complete
 * when parts 0..parts-1 of the same rev have arrived; parts of older revisions (left in the stream
 * when a newer revision needed fewer parts, or a publish was cut short) are ignored.
 */
export class RollupAssembler {
  private readonly pending = new Map<string, Pending>();

  /** Adds one message; returns the whole revision when this message completes it. */
  add(r: CostRollup): CostRollup | undefined {
    const key = `${r.resolution}|${r.cluster}|${r.windowStartMs}`;
    let p = this.pending.get(key);
    if (p === undefined) {
      p = { rev: r.rev, parts: new Map(), completedRev: -1 };
      this.pending.set(key, p);
    }
    if (r.rev <= p.completedRev || r.rev < p.rev) return undefined;
    if (r.rev > p.rev) {
      p.rev = r.rev;
      p.parts.clear();
    }
    p.parts.set(r.part, r);
    if (p.parts.size < r.parts) return undefined;
    const ordered = [...p.parts.values()].sort((a, b) => a.part - b.part);
    p.parts.clear();
    p.completedRev = r.rev;
    return {
      ...r,
      part: 0,
      parts: 1,
      rows: ordered.flatMap((x) => x.rows),
      nodes: ordered.flatMap((x) => x.nodes),
      volumes: ordered.flatMap((x) => x.volumes),
    };
  }

  /** Forgets windows that ended before `beforeMs`. */
  forget(beforeMs: number): void {
    for (const [key, p] of this.pending) {
      const any = p.parts.values().next().value;
      const end = any?.windowEndMs ?? Number(key.split("|")[2] ?? 0);
      if (end < beforeMs) this.pending.delete(key);
    }
  }
}
