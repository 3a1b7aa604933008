import { describe, expect, it } from "vitest";
import { validateConfig } from "../config/load.ts";
import { readPriceSnapshot, SnapshotPriceBook } from "./snapshot/snapshot.ts";
import { splitNodePrice } from "./split.ts";
import type { NodePriceQuery } from "./types.ts";

const config = validateConfig({});
const defaults = config.pricing.defaults;
const book = new SnapshotPriceBook(readPriceSnapshot(), config.pricing);
const query = (overrides: Partial<NodePriceQuery>): NodePriceQuery => ({
  provider: "aws", region: "us-east-1", zone: "us-east-1a", instanceType: "m5.xlarge", capacityType: "ON_DEMAND", cpuCores: 4, memoryGiB: 16, gpus: 0, ...overrides,
});

describe("price split (OpenCost-compatible)", () => {
  it("splits by the default CPU:RAM ratio and adds back up to the node price", () => {
    const rates = splitNodePrice(0.192, { cpuCores: 4, memoryGiB: 16, gpus: 0 }, defaults);
    expect(rates.cpuCoreHour / rates.ramGiBHour).toBeCloseTo(0.031611 / 0.004237, 12);
    expect(4 * rates.cpuCoreHour + 16 * rates.ramGiBHour).toBeCloseTo(0.192, 15);
  });

  it("never zeroes CPU or RAM on a GPU node: the GPUs get the gap to the same shape without GPUs", () => {
    const rates = splitNodePrice(0.526, { cpuCores: 4, memoryGiB: 16, gpus: 1 }, defaults); // g4dn.xlarge
    expect(rates.cpuCoreHour).toBeCloseTo(defaults.cpuCoreHour, 15);
    expect(rates.ramGiBHour).toBeCloseTo(defaults.ramGiBHour, 15);
    expect(rates.gpuHour).toBeCloseTo(0.526 - 4 * 0.031611 - 16 * 0.004237, 12);
    expect(4 * rates.cpuCoreHour + 16 * rates.ramGiBHour + rates.gpuHour).toBeCloseTo(0.526, 12);
  });

  it("weighs GPUs at the default rate when the gap is too small to be the GPUs' price, and uses a known GPU list price", () => {
    const cheap = splitNodePrice(0.3, { cpuCores: 8, memoryGiB: 32, gpus: 1 }, defaults);
    expect(cheap.cpuCoreHour).toBeGreaterThan(0);
    expect(cheap.gpuHour / cheap.cpuCoreHour).toBeCloseTo(0.95 / 0.031611, 9);
    expect(8 * cheap.cpuCoreHour + 32 * cheap.ramGiBHour + cheap.gpuHour).toBeCloseTo(0.3, 12);
    const listed = splitNodePrice(3.673385, { cpuCores: 12, memoryGiB: 85, gpus: 1 }, defaults, { gpuListHour: 2.933908 }); // a2-highgpu-1g
    expect(listed.gpuHour).toBeCloseTo(2.933908, 6);
    expect(12 * listed.cpuCoreHour + 85 * listed.ramGiBHour + listed.gpuHour).toBeCloseTo(3.673385, 12);
  });

  it("weighs a spot node by the spot default rates", () => {
    const rates = splitNodePrice(0.2, { cpuCores: 4, memoryGiB: 16, gpus: 1 }, defaults, { spot: true });
    expect(rates.cpuCoreHour).toBeCloseTo(defaults.spotCpuCoreHour, 15);
    expect(4 * rates.cpuCoreHour + 16 * rates.ramGiBHour + rates.gpuHour).toBeCloseTo(0.2, 12);
  });
});

describe("snapshot price book", () => {
  it("prices listed types from the snapshot, on-demand and spot", () => {
    expect(book.nodePrice(query({})).hourlyCost).toBe(0.192);
    const spot = book.nodePrice(query({ instanceType: "m5.large", capacityType: "SPOT" }));
    expect(spot).toMatchObject({ hourlyCost: 0.0365, onDemandHourlyCost: 0.096, spotHourlyCost: 0.0365, source: "snapshot" });
    expect(book.nodePrice(query({ provider: "gcp", region: "us-central1", instanceType: "n2-standard-4" })).hourlyCost).toBe(0.194236);
    expect(book.nodePrice(query({ provider: "azure", region: "eastus", instanceType: "Standard_D4s_v5" })).hourlyCost).toBe(0.192);
  });

  it("falls back to OpenCost default rates for unknown types, spot rates for spot nodes", () => {
    const od = book.nodePrice(query({ instanceType: "x9.huge", cpuCores: 8, memoryGiB: 32 }));
    expect(od.source).toBe("opencost-default");
    expect(od.hourlyCost).toBeCloseTo(8 * 0.031611 + 32 * 0.004237, 15);
    const spot = book.nodePrice(query({ instanceType: "x9.huge", cpuCores: 8, memoryGiB: 32, capacityType: "SPOT" }));
    expect(spot.hourlyCost).toBeCloseTo(8 * 0.006655 + 32 * 0.000892, 15);
  });

  it("prices storage by class, well-known names, config, or the default", () => {
    expect(book.storagePrice({ provider: "aws", region: "us-east-1", storageClass: "gp3" })).toMatchObject({ gibMonthlyRate: 0.08, source: "snapshot" });
    expect(book.storagePrice({ provider: "gcp", region: "us-central1", storageClass: "standard-rwo" }).gibMonthlyRate).toBe(0.1);
    expect(book.storagePrice({ provider: "aws", region: "us-east-1", storageClass: "fancy" })).toMatchObject({ gibMonthlyRate: 0.04, source: "opencost-default" });
    const custom = new SnapshotPriceBook(readPriceSnapshot(), validateConfig({ pricing: { storageClasses: { fancy: { volumeType: "gp2" } } } }).pricing);
    expect(custom.storagePrice({ provider: "aws", region: "us-east-1", storageClass: "fancy" }).gibMonthlyRate).toBe(0.1);
  });

  it("names its sources for every entry", () => {
    const snap = readPriceSnapshot();
    for (const n of snap.nodes) expect(snap.sources[n.onDemandSource]).toBeDefined();
    expect(snap.nodes.map((n) => n.instanceType)).toEqual(
      expect.arrayContaining(["m5.large", "m5.xlarge", "c5.xlarge", "r5.xlarge", "t3.medium", "e2-standard-4", "n2-standard-4", "Standard_D4s_v5"]),
    );
  });
});

describe("family fits for unlisted sizes", () => {
  it("prices an unlisted size of a listed family from its siblings, then falls back to OpenCost defaults", async () => {
    const { familyOf } = await import("./snapshot/snapshot.ts");
    const q = { provider: "aws", region: "us-east-1", zone: "us-east-1a", instanceType: "m5.5xlarge", capacityType: "ON_DEMAND" as const, cpuCores: 20, memoryGiB: 80, gpus: 0 };
    expect(book.nodePrice(q)).toMatchObject({ source: "snapshot-family" });
    expect(book.nodePrice(q).hourlyCost).toBeCloseTo(0.96, 9); // m5 sizes are 0.048 per vCPU
    expect(book.nodePrice({ ...q, instanceType: "x9z.large" }).source).toBe("opencost-default");
    expect([familyOf("aws", "m5.xlarge"), familyOf("gcp", "n2-standard-4"), familyOf("azure", "Standard_D4s_v5")]).toEqual(["m5", "n2-standard", "Standard_Ds_v5"]);
  });

  it("fits burstable families by memory, not vCPUs (t3 sizes differ only in memory)", async () => {
    const { familyEstimate } = await import("./catalog/family.ts");
    // t3 list prices in us-east-1 without t3.nano: 2 vCPUs each up to large, then 4 and 8.
    const t3 = [[2, 1, 0.0104], [2, 2, 0.0208], [2, 4, 0.0416], [2, 8, 0.0832], [4, 16, 0.1664], [8, 32, 0.3328]].map(([vcpu, memoryGiB, price]) => ({ vcpu: vcpu ?? 0, memoryGiB: memoryGiB ?? 0, price: price ?? 0 }));
    expect(familyEstimate(t3, { vcpu: 2, memoryGiB: 0.5 }, defaults)).toBeCloseTo(0.0052, 6);
  });
});
