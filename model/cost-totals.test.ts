import { describe, expect, it } from "vitest";
import { addTotals, emptyTotals, T, TOTAL_FIELDS, totalsAt, TotalsColumns } from "./cost-totals.ts";
import type { CostTotals } from "./events.ts";

const distinct = (base: number): CostTotals => Object.fromEntries(TOTAL_FIELDS.map((f, i) => [f, base + i])) as unknown as CostTotals;

describe("totals in columns", () => {
  it("reads each field from its own column, in TOTAL_FIELDS order", () => {
    const values = new Float64Array(2 * T).map((_, i) => i);
    expect(totalsAt(values, 1)).toEqual(distinct(T));
    expect(Object.keys(emptyTotals()).sort()).toEqual([...TOTAL_FIELDS].sort());
  });

  it("adds slots, grows without losing what it holds, and applies storage corrections to pvCost and totalCost", () => {
    const cols = new TotalsColumns(1);
    const slots = Array.from({ length: 40 }, () => cols.push());
    expect(slots).toEqual(Array.from({ length: 40 }, (_, i) => i));
    const source = new Float64Array(T).map((_, i) => i + 1);
    for (const s of slots) cols.add(s, source, 0);
    cols.add(39, source, 0);
    cols.addStorage(0, 2.5);
    expect(cols.totals(39)).toEqual(Object.fromEntries(TOTAL_FIELDS.map((f, i) => [f, 2 * (i + 1)])));
    const first = cols.totals(0);
    expect(first.pvCost).toBe(12 + 2.5);
    expect(first.totalCost).toBe(14 + 2.5);
    expect(first.cpuCost).toBe(9);
    cols.set(5, distinct(100));
    expect(cols.totals(5)).toEqual(distinct(100));
    const sum = emptyTotals();
    addTotals(sum, distinct(1));
    addTotals(sum, distinct(1));
    expect(sum).toEqual(Object.fromEntries(TOTAL_FIELDS.map((f, i) => [f, 2 * (1 + i)])));
  });
});
