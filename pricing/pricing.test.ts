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

  it("gives GPUs their default rate first", () => {
    const rates = splitNodePrice(0.526, { cpuCores: 4, memoryGiB: 16, gpus: 1 }, defaults);
    expect(rates.gpuHour).toBeCloseTo(0.526, 15); // the GPU rate (0.95) is capped at the node price
    const big = splitNodePrice(3.06, { cpuCores: 8, memoryGiB: 61, gpus: 1 }, defaults);
    expect(big.gpuHour).toBe(0.95);
    expect(8 * big.cpuCoreHour + 61 * big.ramGiBHour + big.gpuHour).toBeCloseTo(3.06, 12);
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

describe("family ratios for unlisted sizes", () => {
  it("prices an unlisted size of a listed family by vCPUs, then falls back to OpenCost defaults", async () => {
    const { familyOf, readPriceSnapshot: read, SnapshotPriceBook: Book } = await import("./snapshot/snapshot.ts");
    const { validateConfig } = await import("../config/load.ts");
    const pricing = validateConfig({}).pricing;
    const book = new Book(read(), pricing);
    const q = { provider: "aws", region: "us-east-1", zone: "us-east-1a", instanceType: "m5.4xlarge", capacityType: "ON_DEMAND" as const, cpuCores: 16, memoryGiB: 64, gpus: 0 };
    expect(book.nodePrice(q)).toMatchObject({ source: "snapshot-family" });
    expect(book.nodePrice(q).hourlyCost).toBeCloseTo(0.768, 9);
    expect(book.nodePrice({ ...q, instanceType: "x9z.large" }).source).toBe("opencost-default");
    expect([familyOf("aws", "m5.xlarge"), familyOf("gcp", "n2-standard-4"), familyOf("azure", "Standard_D4s_v5")]).toEqual(["m5", "n2-standard", "Standard_Ds_v5"]);
  });
});
