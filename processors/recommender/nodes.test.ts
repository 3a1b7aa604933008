import { describe, expect, it } from "vitest";
import type { NodeRate } from "../../api/rates.ts";
import { shippedCatalog } from "../../pricing/catalog/catalog.ts";
import { rightSizeNodes } from "./nodes.ts";

const node = (over: Partial<NodeRate>): NodeRate => ({
  cluster: "prod", node: "n1", provider: "aws", instanceType: "m5.2xlarge", capacityType: "ON_DEMAND", region: "us-east-1", cpuCores: 8, memoryGiB: 32, gpus: 0,
  hourlyCost: 0.384, cpuCoreHourlyRate: 0.03, ramGiBHourlyRate: 0.004, gpuHourlyRate: 0, priceSource: "snapshot", seenAtMs: 0, cpuRequestedCores: 1.5, memoryRequestedGiB: 5, idleHourlyCost: 0.3, totalHourlyCost: 0.384, priceAsOfMs: 0, ...over,
});

describe("node right-sizing from the price book", () => {
  const catalog = shippedCatalog();
  const cfg = { underusedPct: 50, headroomPct: 20 };

  it("offers the cheapest shapes that still hold the scheduled requests, in the node's family and in any", () => {
    const [rec] = rightSizeNodes([node({})], catalog, cfg);
    // 1.5 cores and 5 GiB requested (+20 %): m5.large (2 vCPU, 8 GiB, $0.096/h) holds them.
    expect(rec?.sameFamily).toMatchObject({ instanceType: "m5.large", vcpus: 2, memoryGiB: 8, hourlyUsd: 0.096 });
    expect(rec?.sameFamily?.monthlySavingsUsd).toBeCloseTo((0.384 - 0.096) * 730, 9);
    expect(rec?.anyFamily?.hourlyUsd).toBeLessThanOrEqual(0.096);
    expect(rec?.anyFamily?.vcpus).toBeGreaterThanOrEqual(1.8);
    expect(rec?.anyFamily?.memoryGiB).toBeGreaterThanOrEqual(6);
    expect(rec?.requestedPct).toBeCloseTo(18.75, 9);
  });

  it("leaves busy nodes alone, and keeps GPUs", () => {
    expect(rightSizeNodes([node({ cpuRequestedCores: 6 })], catalog, cfg)).toEqual([]);
    const [gpu] = rightSizeNodes([node({ instanceType: "g4dn.4xlarge", cpuCores: 16, memoryGiB: 64, gpus: 1, hourlyCost: 1.204, cpuRequestedCores: 2, memoryRequestedGiB: 8 })], catalog, cfg);
    expect(gpu?.sameFamily?.instanceType).toBe("g4dn.xlarge");
    expect(gpu?.anyFamily === undefined || (catalog.shape("aws", gpu.anyFamily.instanceType)?.[2] ?? 0) >= 1).toBe(true);
  });
});
