import type { RollupRow } from "../model/events.ts";
import { N, NUMBERS } from "./row-layout.ts";

/** A row's new numbers, by the identity of the row they belong to (for `CompactRows.overwrite`). */
export interface RowNumbers {
  identity: string;
  numbers: Float64Array;
}

/**
 * The newest numbers of a window's updated rows, one slot per row identity: the row as first seen (its strings and
 * labels, which do not change) and, in one growing Float64Array, its latest numbers and their rev. A later update of
 * the same row writes numbers only, so the decoded update is garbage at once instead of being kept (at 60× a real
 * cluster's rate every row of an hour is updated every second, and keeping each update's objects for the ~30 s until
 * a revision covers them made V8's old space grow).
 */
export class RowSlots {
  private readonly slots = new Map<string, number>();
  private readonly identities: string[] = [];
  private readonly first: RollupRow[] = [];
  private numbers = new Float64Array(64 * N);
  /** Rev of each slot's numbers; 0 when a revision holds them (nothing pending). */
  private revs = new Float64Array(64);
  private live = 0;

  get pending(): number {
    return this.live;
  }

  /** Keeps the row's numbers if they are newer than the slot's; returns the slot, or -1 if they are not. */
  keep(identity: string, rev: number, row: RollupRow): number {
    let s = this.slots.get(identity);
    if (s === undefined) {
      s = this.identities.push(identity) - 1;
      this.first.push(row);
      this.slots.set(identity, s);
      this.grow(s + 1);
    }
    const held = this.revs[s] as number;
    if (held >= rev) return -1;
    if (held === 0) this.live++;
    this.revs[s] = rev;
    for (let c = 0; c < N; c++) this.numbers[s * N + c] = row[NUMBERS[c] as (typeof NUMBERS)[number]];
    return s;
  }

  /** Forgets the numbers a revision at `rev` already holds. */
  drop(rev: number): void {
    for (let s = 0; s < this.identities.length; s++) {
      const held = this.revs[s] as number;
      if (held !== 0 && held <= rev) {
        this.revs[s] = 0;
        this.live--;
      }
    }
  }

  /** The slots with numbers pending. */
  *pendingSlots(): Generator<number> {
    for (let s = 0; s < this.identities.length; s++) if ((this.revs[s] as number) !== 0) yield s;
  }

  isPending(s: number): boolean {
    return (this.revs[s] as number) !== 0;
  }

  numbersOf(s: number): RowNumbers {
    return { identity: this.identities[s] as string, numbers: this.numbers.subarray(s * N, s * N + N) };
  }

  /** The whole row of a slot: as first seen, with its newest numbers. */
  rowOf(s: number): RollupRow {
    const row = { ...(this.first[s] as RollupRow) };
    for (let c = 0; c < N; c++) row[NUMBERS[c] as (typeof NUMBERS)[number]] = this.numbers[s * N + c] as number;
    return row;
  }

  identityOf(s: number): string {
    return this.identities[s] as string;
  }

  private grow(slots: number): void {
    if (slots <= this.revs.length) return;
    const size = Math.max(slots, this.revs.length * 2);
    const numbers = new Float64Array(size * N);
    numbers.set(this.numbers);
    this.numbers = numbers;
    const revs = new Float64Array(size);
    revs.set(this.revs);
    this.revs = revs;
  }
}
