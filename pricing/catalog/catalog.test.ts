/**
 * The offline catalog against every recorded price list in ../shared/reference/pricing (all entries,
 * not a sample), and the split over every type it lists. The reference folder sits beside the
 * project's root, as on every machine the project is built on (CI included).
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { validateConfig } from "../../config/load.ts";
import { onDemandOffer, parseOffer, storageOffer } from "../aws/offers.ts";
import { defaultsFor } from "../defaults.ts";
import { readPriceSnapshot, SnapshotPriceBook } from "../snapshot/snapshot.ts";
import { splitNodePrice } from "../split.ts";
import { shippedCatalog } from "./catalog.ts";
import { recordedMismatches, type RecordedPrices } from "./recorded.ts";

const REFERENCE = fileURLToPath(new URL("../../../shared/reference/pricing/", import.meta.url));
const pricing = validateConfig({}).pricing;
const book = new SnapshotPriceBook(readPriceSnapshot(), pricing);
const catalog = shippedCatalog();

function reference<T>(path: string): T {
  const file = `${REFERENCE}${path}`;
  if (!existsSync(file)) throw new Error(`${file} is missing: the reference price lists live in shared/reference beside the project's root`);
  return JSON.parse(readFileSync(file, "utf8")) as T;
}

const mismatches = (provider: string, table: RecordedPrices) => recordedMismatches(book, catalog, provider, table);

describe("offline catalog = every recorded price list", () => {
  it("AWS: all 1,367 us-east-1 types, AWS China (CNY) and GovCloud", () => {
    let total = 0;
    for (const f of ["ondemand_prices_aws.json", "ondemand_prices_aws_cn.json", "ondemand_prices_aws_us_gov.json"]) {
      const { checked, wrong } = mismatches("aws", reference<{ prices: Record<string, Record<string, number>> }>(`aws/${f}`).prices);
      expect(wrong).toEqual([]);
      total += checked;
    }
    expect(total).toBe(1367 + 316 + 549 + 770);
    expect(book.nodePrice({ provider: "aws", region: "cn-north-1", zone: "", instanceType: "c5.large", capacityType: "ON_DEMAND", cpuCores: 2, memoryGiB: 4, gpus: 0 }).currency).toBe("CNY");
  });

  it("Azure: every size of the 10 recorded regions", () => {
    const { checked, wrong } = mismatches("azure", reference<{ prices: { initialOnDemandPrices: Record<string, Record<string, number>> } }>("azure/vm_ondemand_prices_subset.json").prices.initialOnDemandPrices);
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(15_000);
  });

  it("GCP: the recorded A2 core, RAM and A100 SKUs add up to the catalog's a2-highgpu-1g; non-USD SKUs are not USD", () => {
    interface Sku { description: string; pricingInfo: Array<{ pricingExpression: { tieredRates: Array<{ unitPrice: { currencyCode: string; units: string; nanos: number } }> } }> }
    const skus = reference<{ skus: Sku[] }>("gcp/skus.json").skus;
    const usd = (d: string): number => {
      const u = skus.find((s) => s.description.startsWith(d))?.pricingInfo[0]?.pricingExpression.tieredRates.at(-1)?.unitPrice;
      expect(u?.currencyCode).toBe("USD");
      return Number(u?.units ?? NaN) + (u?.nanos ?? NaN) / 1e9;
    };
    const fromSkus = 12 * usd("A2 Instance Core") + 85 * usd("A2 Instance Ram") + usd("Nvidia Tesla A100 GPU");
    const p = book.nodePrice({ provider: "gcp", region: "us-central1", zone: "", instanceType: "a2-highgpu-1g", capacityType: "ON_DEMAND", cpuCores: 12, memoryGiB: 85, gpus: 1 });
    expect(p.hourlyCost).toBeCloseTo(fromSkus, 6);
    expect(skus.filter((s) => /^(E2|T2D)/.test(s.description)).every((s) => s.pricingInfo[0]?.pricingExpression.tieredRates.at(-1)?.unitPrice.currencyCode !== "USD")).toBe(true);
  });

  it("AWS Price List traps, in both item orders: Capacity Block $0, upfront fee under OnDemand, CNY storage", () => {
    const items = (f: string): string[] => Object.values(reference<{ products: Record<string, unknown>; terms: { OnDemand: Record<string, unknown> } }>(`aws/${f}`).products).map((product) => {
      const raw = reference<{ terms: { OnDemand: Record<string, unknown> } }>(`aws/${f}`);
      const sku = (product as { sku: string }).sku;
      return JSON.stringify({ product, terms: { OnDemand: raw.terms.OnDemand[sku] ?? {} } });
    });
    const p4d = items("pricelist_us-east-1_p4d_capacityblock.json").filter((i) => i.includes('"instanceType":"p4d.24xlarge"'));
    expect(p4d.length).toBeGreaterThan(1);
    for (const order of [p4d, [...p4d].reverse()]) {
      const first = order.map((i) => onDemandOffer(parseOffer(i))).find((o) => o !== undefined);
      expect(first?.hourly).toBe(32.7726);
    }
    const m5 = items("pricelist_us-east-2_m5.large_gp3.json").filter((i) => i.includes('"instanceType":"m5.large"'));
    expect(m5.map((i) => onDemandOffer(parseOffer(i))).filter((o) => o !== undefined)).toEqual([]);
    const cny = items("pricelist_cn-northwest-1_gp3.json").map((i) => storageOffer(parseOffer(i)));
    expect(cny.filter((o) => o !== undefined)).toEqual([]); // no USD price: never read as USD
  });
});

describe("the split over every type the catalog lists", () => {
  it("gives CPU, RAM and each GPU a positive rate that adds back to the price (1e-9), on-demand and spot", () => {
    let checked = 0;
    const bad: string[] = [];
    for (const provider of ["aws", "azure", "gcp"]) {
      const defaults = defaultsFor(pricing, provider);
      for (const region of catalog.regions(provider)) {
        for (const type of catalog.instanceTypes(provider, region)) {
          const e = catalog.lookup(provider, region, type);
          if (e?.shape === undefined || e.onDemand <= 0) continue;
          const [cpuCores, memoryGiB, gpus] = e.shape;
          for (const [price, spot] of [[e.onDemand, false], [e.spot ?? 0, true]] as const) {
            if (price <= 0) continue;
            const r = splitNodePrice(price, { cpuCores, memoryGiB, gpus }, defaults, { spot });
            const sum = cpuCores * r.cpuCoreHour + memoryGiB * r.ramGiBHour + gpus * r.gpuHour;
            checked++;
            if (!(r.cpuCoreHour > 0 && r.ramGiBHour > 0 && (gpus === 0 || r.gpuHour > 0)) || Math.abs(sum - price) > 1e-9 * Math.max(1, price)) bad.push(`${provider} ${region} ${type}`);
          }
        }
      }
    }
    expect(bad).toEqual([]);
    expect(checked).toBeGreaterThan(60_000);
  });
});
