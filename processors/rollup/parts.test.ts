import { describe, expect, it } from "vitest";
import type { CostRollup, RollupRow } from "../../model/events.ts";
import { RollupAssembler, splitRollup } from "./parts.ts";

const row = (i: number): RollupRow => ({
  dimension: "pod", namespace: "ns", controllerKind: "", controllerName: "", labelKey: "", labelValue: "", pod: `p${i}`, podUid: `u${i}`, node: "n", labels: {}, podCount: 1,
  podHours: 1, cpuCoreHours: 0, cpuCoreRequestHours: 0, cpuCoreUsageHours: 0, ramByteHours: 0, ramByteRequestHours: 0, ramByteUsageHours: 0, gpuHours: 0,
  cpuCost: 0, ramCost: 0, gpuCost: 0, pvCost: 0, networkCost: 0, totalCost: i, realisedSavings: 0, potentialSavings: 0,
});
const rollup = (rev: number, rows: number): CostRollup => ({
  resolution: "1h", cluster: "c", windowStartMs: 0, windowEndMs: 3_600_000, rev, final: false, snapshotCount: 1, part: 0, parts: 1, volumes: [],
  rows: Array.from({ length: rows }, (_, i) => row(i)),
  nodes: [{ node: "n", providerId: "", instanceType: "m5.large", capacityType: "SPOT", region: "r", hours: 1, nodeCost: 1, cpuCost: 0, ramCost: 0, gpuCost: 0, podComputeCost: 0, idleCost: 0, idleCpuCost: 0, idleRamCost: 0, idleGpuCost: 0, overcommitCost: 0, pvCost: 0, realisedSavings: 0, potentialSavings: 0 }],
});

describe("rollup parts", () => {
  it("keeps aggregate and node rows in part 0", () => {
    const r = rollup(1, 25);
    r.rows.push({ ...row(99), dimension: "namespace", pod: "", podUid: "" });
    const parts = splitRollup(r, 10);
    expect(parts[0]?.rows.some((x) => x.dimension === "namespace")).toBe(true);
    expect(parts.flatMap((p) => p.rows)).toHaveLength(26);
    expect(parts.every((p) => p.rows.length <= 10)).toBe(true);
  });

  it("splits rows into parts with node rows in part 0, and reassembles them in any order", () => {
    const parts = splitRollup(rollup(5, 25), 10);
    expect(parts.map((p) => [p.part, p.parts, p.rows.length, p.nodes.length])).toEqual([[0, 3, 10, 1], [1, 3, 10, 0], [2, 3, 5, 0]]);
    const a = new RollupAssembler();
    expect(a.add(parts[2] as CostRollup)).toBeUndefined();
    expect(a.add(parts[0] as CostRollup)).toBeUndefined();
    const whole = a.add(parts[1] as CostRollup);
    expect(whole?.rows.map((r) => r.totalCost)).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect(whole?.nodes).toHaveLength(1);
  });

  it("ignores parts of older revisions left behind in a compacted stream", () => {
    const old = splitRollup(rollup(5, 25), 10);
    const next = splitRollup(rollup(6, 15), 10);
    const a = new RollupAssembler();
    // compacted stream order: the stale part 2 of rev 5 survives, then rev 6's parts
    expect(a.add(old[2] as CostRollup)).toBeUndefined();
    expect(a.add(next[0] as CostRollup)).toBeUndefined();
    expect(a.add(next[1] as CostRollup)?.rows).toHaveLength(15);
    expect(a.add(old[0] as CostRollup)).toBeUndefined();
  });
});
