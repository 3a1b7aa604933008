import { describe, expect, it } from "vitest";
import { Sketch } from "./sketch.ts";

describe("sketch", () => {
  it("answers quantiles within 2.5 % of the exact ones, in a few buckets, and merges by adding", () => {
    const values = Array.from({ length: 10_000 }, (_, i) => 0.05 + ((i * 7919) % 10_000) / 10_000); // 0.05 … 1.05 cores
    const a = new Sketch();
    const b = new Sketch();
    values.forEach((v, i) => (i % 2 === 0 ? a : b).add(v));
    a.merge(b);
    const sorted = [...values].sort((x, y) => x - y);
    for (const q of [0.5, 0.9, 0.95, 0.99]) {
      const exact = sorted[Math.floor(q * (sorted.length - 1))] ?? 0;
      expect(Math.abs(a.quantile(q) / exact - 1)).toBeLessThan(0.025);
    }
    expect(a.count).toBe(10_000);
    expect(a.max).toBeCloseTo(Math.max(...values), 12);
    expect(a.buckets).toBeLessThan(70);
  });

  it("keeps zeros and ignores what is not a usage", () => {
    const s = new Sketch();
    for (let i = 0; i < 90; i++) s.add(0);
    for (let i = 0; i < 10; i++) s.add(2);
    s.add(Number.NaN);
    s.add(-1);
    expect(s.count).toBe(100);
    expect(s.quantile(0.5)).toBe(0);
    expect(s.quantile(0.95)).toBeCloseTo(2, 1);
  });
});
