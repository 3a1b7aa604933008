import { fileURLToPath } from "node:url";
import { Registry } from "prom-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { validateConfig } from "../../config/load.ts";
import { machineShape } from "../../pricing/gcp/shapes.ts";
import { createPriceBook, type ManagedPriceBook } from "../../pricing/index.ts";
import type { NodePriceQuery } from "../../pricing/types.ts";
import { nodeRates } from "../../processors/pricer/cost-model.ts";
import { startGcpStandIn, type GcpStandIn } from "../../testkit/gcp-standin.ts";

/** GCE prices through the real @google-cloud/billing client (REST transport) against a catalog stand-in. */
const SKUS = fileURLToPath(new URL("../fixtures/pricing/gcp/skus.json", import.meta.url));
let standIn: GcpStandIn;
let book: ManagedPriceBook;

const q = (machineType: string, capacityType: NodePriceQuery["capacityType"] = "ON_DEMAND"): NodePriceQuery => ({ provider: "gcp", region: "us-central1", zone: "us-central1-a", instanceType: machineType, capacityType, cpuCores: 4, memoryGiB: 15.6, gpus: 0 });
const refresh = (b: ManagedPriceBook) => (b as unknown as { refreshNow(): Promise<void> }).refreshNow();

beforeAll(async () => {
  standIn = await startGcpStandIn(SKUS);
  process.env["GCP_STANDIN_API_KEY"] = "fake-key";
});
afterAll(async () => {
  delete process.env["GCP_STANDIN_API_KEY"];
  await standIn?.close();
});
afterEach(async () => {
  await book?.stop?.();
});

describe("GCP prices from the Cloud Billing Catalog", () => {
  it("prices a machine type as vCPUs × core rate + GiB × RAM rate, on-demand and spot, across pages", async () => {
    standIn.pageSize = 3;
    standIn.throttleNext = 1;
    const config = validateConfig({ pricing: { provider: "gcp", gcp: { endpoint: standIn.endpoint, apiKeyEnv: "GCP_STANDIN_API_KEY" }, api: { backoffBaseMs: 20, backoffMaxMs: 100, refreshEverySeconds: 3600 } } });
    book = createPriceBook(config.pricing, { registry: new Registry() });
    book.nodePrice(q("n2-standard-4"));
    book.nodePrice(q("n2-standard-4", "SPOT"));
    await refresh(book);
    // n2-standard-4 in us-central1: 4 × 0.031611 + 16 × 0.004237 = 0.194236 $/h, Google's list price.
    expect(book.nodePrice(q("n2-standard-4"))).toMatchObject({ source: "gcp-billing-catalog" });
    expect(book.nodePrice(q("n2-standard-4")).hourlyCost).toBeCloseTo(0.194236, 9);
    expect(book.nodePrice(q("n2-standard-4", "SPOT")).hourlyCost).toBeCloseTo(4 * 0.00765 + 16 * 0.001025, 9);
    expect(standIn.calls.filter((c) => c.startsWith("/v1/services/6F81-5844-456A/skus")).length).toBeGreaterThanOrEqual(5);
    // Zonal persistent disks from the same catalog; the regional PD SKU does not count.
    book.storagePrice({ provider: "gcp", region: "us-central1", storageClass: "standard-rwo" });
    await refresh(book);
    expect(book.storagePrice({ provider: "gcp", region: "us-central1", storageClass: "standard-rwo" })).toMatchObject({ gibMonthlyRate: 0.1, source: "gcp-billing-catalog" });
    expect(book.storagePrice({ provider: "gcp", region: "us-central1", storageClass: "standard" }).gibMonthlyRate).toBe(0.04);
  });

  it("prices accelerator-optimized types as core + RAM + their GPUs at the GPU SKU's price, and splits with that GPU price", async () => {
    const config = validateConfig({ pricing: { provider: "gcp", gcp: { endpoint: standIn.endpoint, apiKeyEnv: "GCP_STANDIN_API_KEY" }, api: { refreshEverySeconds: 3600 } } });
    book = createPriceBook(config.pricing, { registry: new Registry() });
    const a2 = { ...q("a2-highgpu-1g"), cpuCores: 12, memoryGiB: 85, gpus: 1 };
    const g2 = { ...q("g2-standard-4"), gpus: 1 };
    book.nodePrice(a2);
    book.nodePrice(g2);
    await refresh(book);
    // 12 × 0.031611 (A2 core) + 85 × 0.004237 (A2 RAM) + 1 × 2.933908 (A100 GPU) = 3.673385 $/h, Google's list price of a2-highgpu-1g.
    const price = book.nodePrice(a2);
    expect(price.source).toBe("gcp-billing-catalog");
    expect(price.gpuListHour).toBeCloseTo(2.933908, 9);
    expect(price.hourlyCost).toBeCloseTo(3.673385, 9);
    const rates = nodeRates(price, { cpuCores: 12, memoryGiB: 85, gpus: 1 }, "ON_DEMAND", config.pricing, "gcp");
    expect(rates.gpuHour).toBeCloseTo(2.933908, 9);
    expect(rates.cpuCoreHour * 12 + rates.ramGiBHour * 85 + rates.gpuHour).toBeCloseTo(3.673385, 9);
    // No L4 SKU in this catalog: the type is not priced from core and RAM alone (the offline book answers).
    expect(book.nodePrice(g2).source).not.toBe("gcp-billing-catalog");
  });

  it("prices GPUs attached to an N1 node (GKE's accelerator label) by their own SKU, fetched in the same refresh as the machine", async () => {
    const config = validateConfig({ pricing: { provider: "gcp", gcp: { endpoint: standIn.endpoint, apiKeyEnv: "GCP_STANDIN_API_KEY" }, api: { refreshEverySeconds: 3600 } } });
    book = createPriceBook(config.pricing, { registry: new Registry() });
    const n1 = { ...q("n1-standard-4"), cpuCores: 4, memoryGiB: 15, gpus: 2, gpuType: "nvidia-tesla-t4" };
    expect(book.nodePrice(n1).source).not.toBe("gcp-billing-catalog");
    await refresh(book);
    // 4 × 0.031611 + 15 × 0.004237 (N1 core and RAM) + 2 × 0.35 (T4 GPU SKU).
    const price = book.nodePrice(n1);
    expect(price.source).toBe("gcp-billing-catalog");
    expect(price.hourlyCost).toBeCloseTo(4 * 0.031611 + 15 * 0.004237 + 2 * 0.35, 9);
    expect(price.gpuListHour).toBeCloseTo(0.35, 9);
    const rates = nodeRates(price, { cpuCores: 4, memoryGiB: 15, gpus: 2 }, "ON_DEMAND", config.pricing, "gcp");
    expect(rates.gpuHour).toBeCloseTo(0.35, 9);
    expect(rates.cpuCoreHour).toBeGreaterThan(0);
    // The same machine without the label is the machine alone; an unknown accelerator keeps the offline answer.
    expect(book.nodePrice({ ...n1, gpus: 0, gpuType: "" }).hourlyCost).toBeCloseTo(4 * 0.031611 + 15 * 0.004237, 9);
    const unknown = { ...n1, gpuType: "nvidia-future-9000" };
    book.nodePrice(unknown);
    await refresh(book);
    expect(book.nodePrice(unknown).source).not.toBe("gcp-billing-catalog");
  });

  it("knows the documented machine shapes", () => {
    expect(machineShape("n2-standard-4")).toEqual({ vcpu: 4, memoryGiB: 16 });
    expect(machineShape("n1-highmem-8")).toEqual({ vcpu: 8, memoryGiB: 52 });
    expect(machineShape("e2-medium")).toEqual({ vcpu: 1, memoryGiB: 4 }); // billed for 1 of its 2 burstable vCPUs
    expect(machineShape("n2-custom-6-20480")).toEqual({ vcpu: 6, memoryGiB: 20 });
    expect(machineShape("a3-megagpu-8g")).toEqual({ vcpu: 208, memoryGiB: 1872, gpus: 8 });
    expect(machineShape("x9-weird-1")).toBeUndefined();
  });
});
