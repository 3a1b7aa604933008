import { fileURLToPath } from "node:url";
import { Registry } from "prom-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { validateConfig } from "../../config/load.ts";
import { createPriceBook, type ManagedPriceBook } from "../../pricing/index.ts";
import { armComputeClient, listVmSizes } from "../../pricing/azure/sizes.ts";
import { CircuitBreaker } from "../../pricing/engine/breaker.ts";
import { PricingCaller, pricingCallCounter } from "../../pricing/engine/call.ts";
import { TokenBucket } from "../../pricing/engine/limiter.ts";
import { exportPrices } from "../../pricing/export.ts";
import { readPriceSnapshot } from "../../pricing/snapshot/snapshot.ts";
import type { NodePriceQuery } from "../../pricing/types.ts";
import { priceSnapshot } from "../../processors/pricer/cost-model.ts";
import { GiB, nodeInfo, usageSnapshot } from "../../testkit/fixtures.ts";
import { startAzureStandIn, type AzureStandIn } from "../../testkit/azure-standin.ts";

/** Azure VM prices from a stand-in of the Retail Prices API (its JSON pages, NextPageLink paging). */
const ITEMS = fileURLToPath(new URL("../fixtures/pricing/azure/retail-items.json", import.meta.url));
const SKUS = fileURLToPath(new URL("../fixtures/pricing/azure/resource-skus.json", import.meta.url));
let standIn: AzureStandIn;
let book: ManagedPriceBook;

const q = (size: string, capacityType: NodePriceQuery["capacityType"] = "ON_DEMAND"): NodePriceQuery => ({ provider: "azure", region: "eastus", zone: "eastus-1", instanceType: size, capacityType, cpuCores: 4, memoryGiB: 16, gpus: 0 });
const refresh = (b: ManagedPriceBook) => (b as unknown as { refreshNow(): Promise<void> }).refreshNow();

function makeBook(): ManagedPriceBook {
  const config = validateConfig({ pricing: { provider: "azure", azure: { retailPricesUrl: standIn.url }, api: { backoffBaseMs: 20, backoffMaxMs: 100, refreshEverySeconds: 3600 } } });
  return createPriceBook(config.pricing, { registry: new Registry() });
}

beforeAll(async () => {
  standIn = await startAzureStandIn(ITEMS, SKUS);
});
afterAll(async () => {
  await standIn?.close();
});
afterEach(async () => {
  await book?.stop?.();
});

describe("Azure prices from the Retail Prices API", () => {
  it("takes the Linux pay-as-you-go meter, not Windows, Spot or reservations, and the Linux Spot meter for spot nodes", async () => {
    standIn.pageSize = 2;
    standIn.throttleNext = 1;
    book = makeBook();
    book.nodePrice(q("Standard_D4s_v5"));
    book.nodePrice(q("Standard_D4s_v5", "SPOT"));
    await refresh(book);
    expect(book.nodePrice(q("Standard_D4s_v5"))).toMatchObject({ hourlyCost: 0.192, source: "azure-retail-prices" });
    expect(book.nodePrice(q("Standard_D4s_v5", "SPOT"))).toMatchObject({ hourlyCost: 0.03456, onDemandHourlyCost: 0.192, source: "azure-retail-prices" });
    // Paged (2 items a page), one throttled answer retried, and the filter as the API wants it.
    const first = decodeURIComponent(standIn.calls[1] ?? "");
    expect(first).toContain("serviceName eq 'Virtual Machines' and armRegionName eq 'eastus' and armSkuName eq 'Standard_D4s_v5' and priceType eq 'Consumption'");
    expect(standIn.calls.some((c) => c.includes("%24skip=2") || c.includes("$skip=2"))).toBe(true);
  });

  it("prices managed disks per GiB-month from their 128 GiB tiers", async () => {
    book = makeBook();
    book.storagePrice({ provider: "azure", region: "eastus", storageClass: "managed-csi-premium" });
    await refresh(book);
    const premium = book.storagePrice({ provider: "azure", region: "eastus", storageClass: "managed-csi-premium" });
    expect(premium.source).toBe("azure-retail-prices");
    expect(premium.gibMonthlyRate).toBeCloseTo(19.71 / 128, 12);
    expect(book.storagePrice({ provider: "azure", region: "eastus", storageClass: "managed-csi" }).gibMonthlyRate).toBeCloseTo(9.6 / 128, 12);
  });

  it("charges each managed disk its size tier's own monthly price (P4, P10, P30), not a per-GiB rate; a tier not listed at the P10 rate per GiB", async () => {
    book = makeBook();
    const config = validateConfig({ pricing: { provider: "azure" } });
    book.storagePrice({ provider: "azure", region: "eastus", storageClass: "managed-csi-premium" });
    await refresh(book);
    const premium = book.storagePrice({ provider: "azure", region: "eastus", storageClass: "managed-csi-premium" });
    // Every "<tier> LRS Disk" monthly meter, ascending; "Disk Mount" and per-operation meters are not tiers.
    expect(premium.tiers).toEqual([[32, 5.28], [128, 19.71], [1024, 135.17]]);
    const azure = nodeInfo({ provider: "azure", region: "eastus", zone: "eastus-1", instanceType: "Standard_D4s_v5", cpuCores: 4, memoryBytes: 16 * GiB });
    const disk = (gib: number) => ({ pvName: `pv-${gib}`, volumeId: `d-${gib}`, storageClass: "managed-csi-premium", capacityBytes: gib * GiB, claimNamespace: "a", claimName: `c-${gib}`, usedBytes: 0 });
    const priced = priceSnapshot(usageSnapshot({ nodeInfo: azure, windowSeconds: 3600, windowStartMs: 1_699_999_200_000, pods: [], volumes: [disk(20), disk(100), disk(600), disk(2000)] }), book, config.pricing, 0);
    // 2,000 GiB is past the largest tier this region lists here (P30): its tier size (P40, 2,048 GiB) at the P10 rate per GiB.
    expect(priced.volumes.map((v) => v.monthlyCost)).toEqual([5.28, 19.71, 135.17, 2048 * (19.71 / 128)]);
    for (const v of priced.volumes) expect(v.windowCost).toBeCloseTo(v.monthlyCost / 730, 12);
    // A zone-redundant disk has its own tier prices.
    const zrs = validateConfig({ pricing: { provider: "azure", azure: { retailPricesUrl: standIn.url }, storageClasses: { "premium-zrs": { volumeType: "Premium_ZRS" } } } });
    await book.stop?.();
    book = createPriceBook(zrs.pricing, { registry: new Registry() });
    book.storagePrice({ provider: "azure", region: "eastus", storageClass: "premium-zrs" });
    await refresh(book);
    expect(book.storagePrice({ provider: "azure", region: "eastus", storageClass: "premium-zrs" })).toMatchObject({ gibMonthlyRate: 29.57 / 128, tiers: [[128, 29.57]] });
  });

  it("reads VM sizes from the Resource SKUs API through the real @azure/arm-compute client, page by page", async () => {
    const config = validateConfig({ pricing: { provider: "azure", azure: { retailPricesUrl: standIn.url, subscriptionId: "00000000-0000-0000-0000-000000000001", armEndpoint: standIn.url.replace("/api/retail/prices", "") } } });
    const result = await exportPrices("azure", config.pricing, readPriceSnapshot());
    expect(result.snapshot.nodes.find((n) => n.provider === "azure" && n.instanceType === "Standard_D4s_v5")).toMatchObject({ onDemand: 0.192, vcpu: 4, memoryGiB: 16, spot: 0.03456 });
    const client = await armComputeClient({ subscriptionId: "s", endpoint: standIn.url.replace("/api/retail/prices", "") });
    const caller = new PricingCaller("azure", new TokenBucket(100), new CircuitBreaker(5, 1000), { maxAttempts: 1, backoffBaseMs: 10, backoffMaxMs: 10 }, pricingCallCounter(new Registry()));
    const sizes = await listVmSizes(client, "southcentralus", caller);
    expect(sizes.size).toBe(20);
    expect(sizes.get("Standard_A0")).toEqual({ vcpu: 1, memoryGiB: 0.75, gpus: 0 });
    expect(standIn.calls.filter((c) => c.includes("Microsoft.Compute/skus")).length).toBeGreaterThanOrEqual(3);
  });

  it("falls back to the snapshot for a size the API does not know", async () => {
    book = makeBook();
    book.nodePrice(q("Standard_Z99"));
    await refresh(book);
    expect(book.nodePrice(q("Standard_Z99")).source).not.toBe("azure-retail-prices");
  });
});
