import { describe, expect, it } from "vitest";
import type { Allocation } from "../../api/allocation.ts";
import { MONTH_MINUTES, monthly, toRecords } from "./report.ts";

/** Only the fields toRecords reads. */
const allocation = (name: string, totalCost: number, minutes: number, properties: Record<string, string> = {}): Allocation =>
  ({ name, totalCost, minutes, properties, podCount: 0, cpuCost: 0, ramCost: 0, gpuCost: 0, pvCost: 0, networkCost: 0, cpuCoreHours: 0, ramByteHours: 0, cpuEfficiency: 0, ramEfficiency: 0, totalEfficiency: 0, window: { start: "", end: "" } }) as unknown as Allocation;

describe("kubectl cost records", () => {
  it("projects a node's pods and idle over the node's own minutes, also for a node with no pods", () => {
    const records = toRecords("node", [
      allocation("busy", 2, 30, { node: "busy" }), // pods ran 30 of the node's 60 minutes
      allocation("busy/__idle__", 1, 60),
      allocation("empty/__idle__", 4, 120), // a node no pod ran on: all idle
    ]);
    const busy = records.find((r) => r.node === "busy");
    const empty = records.find((r) => r.node === "empty");
    expect(busy?.totalCost).toBe(3);
    expect(busy?.monthlyRate).toBeCloseTo((3 * MONTH_MINUTES) / 60, 12);
    expect(empty?.monthlyRate).toBeCloseTo((4 * MONTH_MINUTES) / 120, 12);
    expect(monthly(empty ?? records[0]!).totalCost).toBeCloseTo(empty?.monthlyRate ?? NaN, 12); // the table shows the same
  });

  it("keeps a plain __idle__ as a row of its own", () => {
    const [idle] = toRecords("namespace", [allocation("__idle__", 5, 60)]);
    expect(idle?.namespace).toBe("__idle__");
    expect(idle?.monthlyRate).toBeCloseTo((5 * MONTH_MINUTES) / 60, 12);
  });
});
