import { describe, expect, it } from "vitest";
import type { RollupRow } from "../model/events.ts";
import { emptyTotals } from "../processors/rollup/delta.ts";
import { RowSlots } from "./row-slots.ts";
import { N, NUM } from "./row-layout.ts";

const row = (uid: string, totalCost: number): RollupRow => ({
  dimension: "pod", namespace: "ns", controllerKind: "", controllerName: "", labelKey: "", labelValue: "", pod: uid, podUid: uid, node: "n", labels: { team: "a" }, podCount: 1, ...emptyTotals(), totalCost,
});

describe("row slots of live updates", () => {
  it("keep each row's newest numbers, past the first allocation, and forget what a revision holds", () => {
    const slots = new RowSlots();
    for (let i = 0; i < 200; i++) expect(slots.keep(`p${i}`, 10, row(`p${i}`, i))).toBe(i);
    expect(slots.keep("p5", 9, row("p5", -1))).toBe(-1); // older: ignored
    expect(slots.keep("p5", 11, row("p5", 50))).toBe(5);
    expect(slots.pending).toBe(200);
    expect(slots.rowOf(5)).toEqual(row("p5", 50));
    expect(slots.rowOf(199)).toEqual(row("p199", 199));
    expect(slots.numbersOf(7).numbers).toHaveLength(N);
    expect(slots.numbersOf(7).numbers[NUM.totalCost]).toBe(7);
    slots.drop(10);
    expect(slots.pending).toBe(1);
    expect([...slots.pendingSlots()]).toEqual([5]);
    // A slot whose numbers were dropped takes newer ones again.
    expect(slots.keep("p6", 12, row("p6", 60))).toBe(6);
    expect(slots.pending).toBe(2);
  });
});
