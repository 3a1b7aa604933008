import { describe, expect, it } from "vitest";
import { readPriceSnapshot, SnapshotPriceBook } from "../snapshot/snapshot.ts";
import { priceSnapshot } from "../../processors/pricer/cost-model.ts";
import { defaultConfig, GiB, nodeInfo, usageSnapshot } from "../../testkit/fixtures.ts";
import { azureBilledGiB } from "./disk-tiers.ts";

describe("Azure managed disks are billed by size tier", () => {
  it("rounds a disk up to its tier, for Premium SSD, Standard SSD and Standard HDD", () => {
    expect(azureBilledGiB("Premium_LRS", 100)).toBe(128); // P10
    expect(azureBilledGiB("Premium_LRS", 128)).toBe(128);
    expect(azureBilledGiB("Premium_LRS", 129)).toBe(256); // P15
    expect(azureBilledGiB("StandardSSD_LRS", 1)).toBe(4); // E1
    expect(azureBilledGiB("StandardSSD_ZRS", 1000)).toBe(1024); // E30
    expect(azureBilledGiB("Standard_LRS", 10)).toBe(32); // S4, the smallest HDD tier
    expect(azureBilledGiB("Premium_LRS", 32767)).toBe(32767); // P80
    // Per-GiB SKUs and disks beyond the largest tier are billed as provisioned.
    expect(azureBilledGiB("PremiumV2_LRS", 100)).toBe(100);
    expect(azureBilledGiB("UltraSSD_LRS", 100)).toBe(100);
    expect(azureBilledGiB("Premium_LRS", 40000)).toBe(40000);
  });

  it("charges a 100 GiB Premium SSD (managed-csi-premium) as a P10 in the pricer; custom sheets and other clouds as provisioned", () => {
    const config = defaultConfig();
    const book = new SnapshotPriceBook(readPriceSnapshot(), config.pricing);
    const volume = { pvName: "pvc-1", volumeId: "/subscriptions/s/resourceGroups/r/providers/Microsoft.Compute/disks/d", storageClass: "managed-csi-premium", capacityBytes: 100 * GiB, claimNamespace: "a", claimName: "data", usedBytes: 0 };
    const azure = nodeInfo({ provider: "azure", region: "eastus", zone: "eastus-1", instanceType: "Standard_D4s_v5", cpuCores: 4, memoryBytes: 16 * GiB });
    const priced = priceSnapshot(usageSnapshot({ nodeInfo: azure, windowSeconds: 3600, windowStartMs: 1_699_999_200_000, pods: [], volumes: [volume] }), book, config.pricing, 0);
    const v = priced.volumes[0];
    expect(v?.monthlyCost).toBeCloseTo(128 * 0.154, 12);
    expect((v?.gibMonthlyRate ?? 0) * 100).toBeCloseTo(v?.monthlyCost ?? NaN, 12); // capacity × published rate = cost
    const aws = priceSnapshot(usageSnapshot({ windowSeconds: 3600, windowStartMs: 1_699_999_200_000, pods: [], volumes: [{ ...volume, storageClass: "gp3" }] }), book, config.pricing, 0);
    expect(aws.volumes[0]?.monthlyCost).toBeCloseTo(100 * (aws.volumes[0]?.gibMonthlyRate ?? NaN), 12);
  });
});
