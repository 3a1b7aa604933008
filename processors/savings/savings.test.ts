import { describe, expect, it } from "vitest";
import { readPriceSnapshot, SnapshotPriceBook } from "../../pricing/snapshot/snapshot.ts";
import { defaultConfig, GiB, nodeInfo, podUsage, usageSnapshot } from "../../testkit/fixtures.ts";
import { priceSnapshot } from "../pricer/cost-model.ts";
import { IDLE_NAMESPACE, savingsFor } from "./savings.ts";

const config = defaultConfig();
const book = new SnapshotPriceBook(readPriceSnapshot(), config.pricing);

describe("spot savings", () => {
  const pods = [podUsage({ namespace: "a", uid: "1" }), podUsage({ namespace: "b", uid: "2", cpuRequestCores: 1 })];

  it("realises (on-demand − spot) × hours on spot nodes, split by cost share incl. idle", () => {
    const spot = nodeInfo({ instanceType: "m5.large", capacityType: "SPOT", cpuCores: 2, memoryBytes: 8 * GiB });
    const report = savingsFor(priceSnapshot(usageSnapshot({ nodeInfo: spot, pods, windowSeconds: 3600, windowStartMs: 1_699_999_200_000 }), book, config.pricing, 0));
    expect(report.realisedSavings).toBeCloseTo(0.096 - 0.0365, 15);
    expect(report.potentialSavings).toBe(0);
    const sum = report.byNamespace.reduce((s, n) => s + n.realisedSavings, 0);
    expect(sum).toBeCloseTo(report.realisedSavings, 15);
    expect(report.byNamespace.map((n) => n.namespace).sort()).toEqual(["a", "b", IDLE_NAMESPACE].sort());
  });

  it("reports potential savings for on-demand nodes with a known spot price", () => {
    const report = savingsFor(priceSnapshot(usageSnapshot({ pods, windowSeconds: 3600, windowStartMs: 1_699_999_200_000 }), book, config.pricing, 0));
    expect(report.realisedSavings).toBe(0);
    expect(report.potentialSavings).toBeCloseTo(0.192 - 0.073, 15);
  });

  it("claims nothing for nodes of unknown capacity type", () => {
    const unknown = nodeInfo({ capacityType: "UNKNOWN" });
    const report = savingsFor(priceSnapshot(usageSnapshot({ nodeInfo: unknown, pods }), book, config.pricing, 0));
    expect(report.realisedSavings + report.potentialSavings).toBe(0);
    expect(report.byNamespace).toEqual([]);
  });
});
