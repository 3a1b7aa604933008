import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { nodeRates } from "../../processors/pricer/cost-model.ts";
import { describe, expect, it } from "vitest";
import { validateConfig } from "../../config/load.ts";
import { tempDir } from "../../testkit/tempdir.ts";
import { createPriceBook } from "../index.ts";
import type { NodePriceQuery } from "../types.ts";
import { PriceSheetError, readPriceSheet } from "./sheet.ts";

const q = (instanceType: string, extra: Partial<NodePriceQuery> = {}): NodePriceQuery => ({ provider: "aws", region: "us-east-1", zone: "us-east-1a", instanceType, capacityType: "ON_DEMAND", cpuCores: 4, memoryGiB: 16, gpus: 0, ...extra });

function sheet(name: string, text: string): string {
  const path = join(tempDir("kce-sheet-"), name);
  writeFileSync(path, text);
  return path;
}

const book = (file: string) => createPriceBook(validateConfig({ pricing: { provider: "custom", customFile: file } }).pricing);

describe("custom price sheets", () => {
  it("prices whole nodes, then per-resource rates, from YAML", () => {
    const b = book(sheet("p.yaml", "rates: { cpuCoreHour: 0.02, ramGiBHour: 0.003, gpuHour: 0.8, storageGiBMonth: 0.05 }\nnodes:\n  - { instanceType: m5.xlarge, hourly: 0.15, spotHourly: 0.05 }\n  - { instanceType: m5.xlarge, region: eu-west-1, hourly: 0.17 }\n"));
    expect(b.nodePrice(q("m5.xlarge"))).toMatchObject({ hourlyCost: 0.15, source: "custom" });
    expect(b.nodePrice(q("m5.xlarge", { capacityType: "SPOT" })).hourlyCost).toBe(0.05);
    expect(b.nodePrice(q("m5.xlarge", { region: "eu-west-1" })).hourlyCost).toBe(0.17);
    expect(b.nodePrice(q("bare-metal-64", { cpuCores: 64, memoryGiB: 256, gpus: 2 })).hourlyCost).toBeCloseTo(64 * 0.02 + 256 * 0.003 + 2 * 0.8, 12);
    expect(b.storagePrice({ provider: "aws", region: "us-east-1", storageClass: "gp3" })).toMatchObject({ gibMonthlyRate: 0.05, source: "custom" });
  });

  it("takes a discount off list prices from CSV", () => {
    const b = book(sheet("p.csv", "kind,instanceType,region,price\ndiscountPct,,,25\nnode,c5.xlarge,,0.12\nspotNode,c5.xlarge,,0.04\n"));
    expect(b.nodePrice(q("m5.xlarge"))).toMatchObject({ hourlyCost: 0.192 * 0.75, source: "custom" });
    expect(b.nodePrice(q("c5.xlarge", { capacityType: "SPOT" })).hourlyCost).toBe(0.04);
  });

  it("names the row and column of a bad CSV entry, and the key of a bad YAML one", () => {
    expect(() => readPriceSheet(sheet("a.csv", "kind,instanceType,region,price\nnode,m5.large,,abc\n"))).toThrow(/a\.csv line 2, column price: "abc" is not a non-negative number/);
    expect(() => readPriceSheet(sheet("b.csv", "kind,instanceType,region,price\nnode,,,0.1\n"))).toThrow(/b\.csv line 2, column instanceType: required/);
    expect(() => readPriceSheet(sheet("c.csv", "kind,instanceType,region,price\nlicense,,,3\n"))).toThrow(/c\.csv line 2, column kind: "license" is not one of/);
    expect(() => readPriceSheet(sheet("d.csv", "kind,type,price\n"))).toThrow(/d\.csv line 1: missing column instanceType/);
    expect(() => readPriceSheet(sheet("e.yaml", "nodes:\n  - { instanceType: m5.large, hourly: -1 }\n"))).toThrow(PriceSheetError);
    expect(() => readPriceSheet(sheet("f.yaml", "rates: { cpuHour: 1 }\n"))).toThrow(/f\.yaml: rates: unknown key cpuHour/);
    expect(() => validateConfig({ pricing: { provider: "custom" } })).toThrow(/pricing\.customFile: is required/);
  });
});

describe("custom prices as users write them", () => {
  const OPENCOST = new URL("../../../shared/reference/pricing/opencost-configs/", import.meta.url);
  const rates = (file: string, query: NodePriceQuery) => {
    const pricing = validateConfig({ pricing: { provider: "custom", customFile: file } }).pricing;
    const price = createPriceBook(pricing).nodePrice(query);
    return { price, rates: nodeRates(price, query, query.capacityType, pricing, query.provider) };
  };

  it("uses per-resource rates as given, never re-split by the default ratio (4 vCPU / 32 GiB node)", () => {
    const { price, rates: r } = rates(sheet("r.yaml", "rates: { cpuCoreHour: 0.05, ramGiBHour: 0.001 }\n"), q("onprem", { memoryGiB: 32 }));
    expect(r).toEqual({ cpuCoreHour: 0.05, ramGiBHour: 0.001, gpuHour: 0 });
    expect(price.hourlyCost).toBeCloseTo(4 * 0.05 + 32 * 0.001, 15);
  });

  it("reads monthly rates (730 h) and refuses a rate given both ways", () => {
    const { rates: r } = rates(sheet("m.yaml", "rates: { cpuCoreMonth: 20, ramGiBMonth: 4, gpuMonth: 500, storageGiBMonth: 0.1 }\n"), q("gpu-box", { gpus: 1 }));
    expect(r.cpuCoreHour).toBeCloseTo(20 / 730, 15);
    expect(r.ramGiBHour).toBeCloseTo(4 / 730, 15);
    expect(r.gpuHour).toBeCloseTo(500 / 730, 15);
    expect(() => readPriceSheet(sheet("n.yaml", "rates: { cpuCoreMonth: 20, cpuCoreHour: 0.03 }\n"))).toThrow(/cpuCoreMonth and rates\.cpuCoreHour are the same rate/);
  });

  it("prices a GPU node from its list price when the sheet has no GPU rate, instead of a free GPU", () => {
    const { price } = rates(sheet("g.yaml", "rates: { cpuCoreHour: 0.05, ramGiBHour: 0.001 }\n"), q("g4dn.xlarge", { gpus: 1 }));
    expect(price).toMatchObject({ hourlyCost: 0.526, source: "snapshot" });
  });

  it("reads OpenCost's JSON configs as they are (hourly CPU/RAM/GPU, storage per GiB-hour)", () => {
    const file = fileURLToPath(new URL("default.json", OPENCOST));
    const s = readPriceSheet(file);
    expect(s.rates).toMatchObject({ cpuCoreHour: 0.031611, ramGiBHour: 0.004237, gpuHour: 0.95, spotCpuCoreHour: 0.006655, spotRamGiBHour: 0.000892, egressGiB: 0.12 });
    expect(s.rates.storageGiBMonth).toBeCloseTo(0.04, 9);
    for (const f of ["aws.json", "azure.json", "gcp.json", "alibaba.json"]) expect(readPriceSheet(fileURLToPath(new URL(f, OPENCOST))).rates.cpuCoreHour).toBeGreaterThan(0);
  });

  it("reads OpenCost's pricing_schema.csv layout: nodes by name, provider id or type, PVs by name or class", () => {
    const path = (f: string) => fileURLToPath(new URL(f, OPENCOST));
    const byName = createPriceBook(validateConfig({ pricing: { provider: "custom", customFile: path("pricing_schema.csv") } }).pricing);
    expect(byName.nodePrice(q("n1-standard-2", { provider: "gcp", nodeName: "gke-standard-cluster-1-pool-1-91dc432d-cg69" }))).toMatchObject({ hourlyCost: 0.1337, source: "custom" });
    expect(byName.nodePrice(q("n1-standard-2", { provider: "gcp", nodeName: "other" })).source).not.toBe("custom");
    expect(readPriceSheet(path("pricing_schema.csv")).warnings.join("\n")).toMatch(/gpu price for nvidia.com\/gpu_type=Quadro_RTX_4000 is not applied/);
    const byRegion = createPriceBook(validateConfig({ pricing: { provider: "custom", customFile: path("pricing_schema_region.csv") } }).pricing);
    const id = "gke-standard-cluster-1-pool-1-91dc432d-cg69";
    expect(byRegion.nodePrice(q("x", { providerId: id, region: "regiontwo" })).hourlyCost).toBe(0.1338);
    expect(byRegion.nodePrice(q("x", { providerId: id, region: "elsewhere" })).hourlyCost).toBe(0.1339);
    const azure = createPriceBook(validateConfig({ pricing: { provider: "custom", customFile: path("pricing_schema_case.csv") } }).pricing);
    const vm = "/subscriptions/123a7sd-asd-1234-578a9-123abcdef/resourceGroups/CASE_12_STAGE_TEST7/providers/Microsoft.Compute/virtualMachineScaleSets/vmss-agent-worker0-12stagetest7-ezggnore/virtualMachines/7";
    expect(azure.nodePrice(q("Standard_F32s_v2", { provider: "azure", region: "eastus2", providerId: vm })).hourlyCost).toBe(0.13370357);
    expect(azure.nodePrice(q("Standard_F32s_v2", { provider: "azure", region: "eastus2", providerId: "another-vm" })).source).toBe("snapshot");
    const pv = createPriceBook(validateConfig({ pricing: { provider: "custom", customFile: path("pricing_schema_pv.csv") } }).pricing);
    expect(pv.storagePrice({ provider: "gcp", region: "r", storageClass: "standard", pvName: "pvc-08e1f205-d7a9-4430-90fc-7b3965a18c4d" }).gibMonthlyRate).toBeCloseTo(0.1337 * 730, 9);
    const sc = createPriceBook(validateConfig({ pricing: { provider: "custom", customFile: path("pricing_schema_pv_storageclass.csv") } }).pricing);
    expect(sc.storagePrice({ provider: "gcp", region: "r", storageClass: "storageClass0" }).gibMonthlyRate).toBeCloseTo(0.1338 * 730, 9);
    for (const f of ["pricing_schema_mixed_gpu_ondemand.csv", "pricing_schema_special_char.csv"]) expect(readPriceSheet(path(f)).warnings.length).toBeGreaterThan(0);
  });

  it("prices a spot node of a whole-node price without a spot price at the list's spot ratio, in the sheet's currency", () => {
    const b = book(sheet("n.yaml", "currency: EUR\nnodes:\n  - { instanceType: m5.xlarge, hourly: 0.18 }\n"));
    const p = b.nodePrice(q("m5.xlarge", { capacityType: "SPOT" }));
    expect(p.hourlyCost).toBeCloseTo((0.18 * 0.073) / 0.192, 12); // the snapshot's m5.xlarge: spot 0.073 of 0.192
    expect(p.currency).toBe("EUR");
  });

  it("keeps the sheet's currency on its prices so the pricer converts or refuses them", () => {
    const b = book(sheet("eur.yaml", "currency: EUR\nrates: { cpuCoreHour: 0.03, ramGiBHour: 0.004 }\n"));
    expect(b.nodePrice(q("onprem")).currency).toBe("EUR");
  });
});
