import { writeFileSync } from "node:fs";
import { join } from "node:path";
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
