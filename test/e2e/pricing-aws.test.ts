import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { exportPrices } from "../../pricing/export.ts";
import { readPriceSnapshot } from "../../pricing/snapshot/snapshot.ts";
import { tempDir } from "../../testkit/tempdir.ts";
import { Registry } from "prom-client";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { validateConfig } from "../../config/load.ts";
import { createPriceBook, type ManagedPriceBook } from "../../pricing/index.ts";
import type { NodePriceQuery } from "../../pricing/types.ts";
import { priceSnapshot } from "../../processors/pricer/cost-model.ts";
import { GiB, nodeInfo, usageSnapshot } from "../../testkit/fixtures.ts";
import { startAwsStandIn, type AwsStandIn } from "../../testkit/aws-standin.ts";
import { connect } from "@nats-io/transport-node";
import { natsSharedPrices } from "../../pricing/engine/shared.ts";
import { startNatsServer, waitFor } from "../../testkit/index.ts";

/**
 * The AWS adapter through the real @aws-sdk/client-pricing and @aws-sdk/client-ec2, pointed at a
 * local stand-in that answers in AWS's wire formats (JSON 1.1 and EC2 Query XML).
 */
const PRODUCTS = fileURLToPath(new URL("../fixtures/pricing/aws/products.json", import.meta.url));
let standIn: AwsStandIn;
let book: ManagedPriceBook;
let registry: Registry;
const saved: Record<string, string | undefined> = {};

const od = (instanceType: string, region = "us-east-1"): NodePriceQuery => ({ provider: "aws", region, zone: `${region}a`, instanceType, capacityType: "ON_DEMAND", cpuCores: 4, memoryGiB: 16, gpus: 0 });
const spot = (instanceType: string, zone = "us-east-1a"): NodePriceQuery => ({ ...od(instanceType), zone, capacityType: "SPOT" });

function makeBook(pricing: Record<string, unknown> = {}): ManagedPriceBook {
  registry = new Registry();
  const config = validateConfig({
    pricing: {
      provider: "aws",
      aws: { pricingEndpoint: standIn.url, ec2Endpoint: standIn.url },
      api: { maxAttempts: 3, backoffBaseMs: 20, backoffMaxMs: 100, refreshEverySeconds: 3600, ...((pricing["api"] as object | undefined) ?? {}) },
      ...pricing,
    },
  });
  return createPriceBook(config.pricing, { registry });
}

/** Looks the queries up (so they are wanted) and refreshes once. */
async function warm(b: ManagedPriceBook, ...queries: NodePriceQuery[]): Promise<void> {
  for (const q of queries) b.nodePrice(q);
  await (b as unknown as { refreshNow(): Promise<void> }).refreshNow();
}

beforeAll(async () => {
  // The SDKs' default credential chain: environment variables here (no IMDS, no files).
  for (const k of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION", "AWS_EC2_METADATA_DISABLED"]) saved[k] = process.env[k];
  process.env["AWS_ACCESS_KEY_ID"] = "test-key";
  process.env["AWS_SECRET_ACCESS_KEY"] = "test-secret";
  process.env["AWS_EC2_METADATA_DISABLED"] = "true";
  standIn = await startAwsStandIn(PRODUCTS);
});

afterAll(async () => {
  await standIn?.close();
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

beforeEach(async () => {
  await standIn.up();
  standIn.calls.length = 0;
  standIn.pageSize = 100;
  standIn.throttleNext = 0;
  standIn.garbage = false;
  standIn.spot = [
    { zone: "us-east-1a", instanceType: "m5.xlarge", price: 0.0712, timestamp: new Date(Date.now() - 60_000) },
    { zone: "us-east-1a", instanceType: "m5.xlarge", price: 0.0655, timestamp: new Date(Date.now() - 3_600_000) },
    { zone: "us-east-1b", instanceType: "m5.xlarge", price: 0.0698, timestamp: new Date(Date.now() - 60_000) },
  ];
});

afterEach(async () => {
  await book?.stop?.();
});

describe("AWS prices through the real SDKs against a stand-in", () => {
  it("prices known instance types exactly, with the request filters the issue asks for, and storage per GB-month", async () => {
    book = makeBook();
    const before = book.nodePrice(od("m5.xlarge"));
    expect(before.source).toBe("snapshot");
    await warm(book, od("m5.xlarge"));
    const price = book.nodePrice(od("m5.xlarge"));
    expect(price).toMatchObject({ hourlyCost: 0.192, onDemandHourlyCost: 0.192, source: "aws-pricing-api" });
    const filters = JSON.parse(standIn.calls.find((c) => c.action === "GetProducts")?.body ?? "{}") as { Filters: Array<{ Field: string; Value: string }> };
    expect(Object.fromEntries(filters.Filters.map((f) => [f.Field, f.Value]))).toMatchObject({
      instanceType: "m5.xlarge", regionCode: "us-east-1", operatingSystem: "Linux", tenancy: "Shared", preInstalledSw: "NA", capacitystatus: "Used",
    });
    book.storagePrice({ provider: "aws", region: "af-south-1", storageClass: "gp3" });
    await warm(book);
    expect(book.storagePrice({ provider: "aws", region: "af-south-1", storageClass: "gp3" })).toMatchObject({ gibMonthlyRate: 0.1047, source: "aws-pricing-api" });
  });

  it("AWS China: asks cn-northwest-1's Price List, reads CNY (never USD), and the pricer converts with pricing.exchangeRates", async () => {
    book = makeBook({ exchangeRates: { CNY: 0.1404 } });
    await warm(book, od("m5.large", "cn-north-1"), od("m5.large"));
    expect(book.nodePrice(od("m5.large", "cn-north-1"))).toMatchObject({ hourlyCost: 1.013, currency: "CNY", source: "aws-pricing-api" });
    expect(book.nodePrice(od("m5.large"))).toMatchObject({ hourlyCost: 0.096, currency: "USD", source: "aws-pricing-api" });
    const signedFor = (region: string) => standIn.calls.filter((c) => c.action === "GetProducts" && c.body.includes(`"${region}"`)).map((c) => c.region);
    expect(new Set(signedFor("cn-north-1"))).toEqual(new Set(["cn-northwest-1"]));
    expect(new Set(signedFor("us-east-1"))).toEqual(new Set(["us-east-1"]));
    // Storage: the recorded cn-northwest-1 gp3 item, 0.5312 CNY per GB-month.
    book.storagePrice({ provider: "aws", region: "cn-northwest-1", storageClass: "gp3" });
    await warm(book);
    expect(book.storagePrice({ provider: "aws", region: "cn-northwest-1", storageClass: "gp3" })).toMatchObject({ gibMonthlyRate: 0.5312, currency: "CNY" });
    // In the pipeline's currency (USD): 1.013 CNY × 0.1404.
    const config = validateConfig({ pricing: { exchangeRates: { CNY: 0.1404 } } });
    const node = nodeInfo({ provider: "aws", region: "cn-north-1", zone: "cn-north-1a", instanceType: "m5.large", cpuCores: 2, memoryBytes: 8 * GiB });
    const priced = priceSnapshot(usageSnapshot({ nodeInfo: node, windowSeconds: 3600, windowStartMs: 1_699_999_200_000, pods: [], volumes: [] }), book, config.pricing, 0);
    expect(priced.nodeCost.hourlyCost).toBeCloseTo(1.013 * 0.1404, 12);
  });

  it("does not take an upfront fee or an unused-reservation price for an hourly price", async () => {
    book = makeBook();
    await warm(book, od("m5.large", "us-east-2"), od("c5ad.2xlarge", "af-south-1"));
    expect(book.nodePrice(od("m5.large", "us-east-2")).source).not.toBe("aws-pricing-api");
    expect(book.nodePrice(od("c5ad.2xlarge", "af-south-1")).source).not.toBe("aws-pricing-api");
    expect(book.nodePrice(od("m5.large", "us-east-2")).hourlyCost).toBeLessThan(1);
  });

  it("prices spot nodes at the zone's latest spot price and picks up a change within one refresh", async () => {
    book = makeBook({ cache: { spotSeconds: 1 } });
    await warm(book, od("m5.xlarge"));
    await warm(book, spot("m5.xlarge"));
    expect(book.nodePrice(spot("m5.xlarge"))).toMatchObject({ hourlyCost: 0.0712, spotHourlyCost: 0.0712, onDemandHourlyCost: 0.192, source: "aws-spot-history" });
    expect(book.nodePrice(spot("m5.xlarge", "us-east-1b")).hourlyCost).toBe(0.0698);
    const sent = new URLSearchParams(standIn.calls.find((c) => c.action === "DescribeSpotPriceHistory")?.body ?? "");
    expect(sent.get("ProductDescription.1")).toBe("Linux/UNIX");
    expect(sent.get("InstanceType.1")).toBe("m5.xlarge");
    standIn.spot.push({ zone: "us-east-1a", instanceType: "m5.xlarge", price: 0.0801, timestamp: new Date() });
    await new Promise((r) => setTimeout(r, 1100));
    await warm(book);
    expect(book.nodePrice(spot("m5.xlarge")).hourlyCost).toBe(0.0801);
  });

  it("follows NextToken through every page of both APIs", async () => {
    standIn.pageSize = 1;
    book = makeBook();
    book.storagePrice({ provider: "aws", region: "us-east-2", storageClass: "gp3" });
    await warm(book, od("m5.xlarge"), spot("m5.xlarge"));
    await warm(book, spot("m5.xlarge"));
    expect(book.storagePrice({ provider: "aws", region: "us-east-2", storageClass: "gp3" }).gibMonthlyRate).toBe(0.08);
    expect(book.nodePrice(spot("m5.xlarge", "us-east-1b")).hourlyCost).toBe(0.0698);
    expect(standIn.calls.filter((c) => c.action === "DescribeSpotPriceHistory").length).toBeGreaterThanOrEqual(3);
  });

  it("backs off on throttling and never exceeds the call budget", async () => {
    standIn.throttleNext = 2;
    book = makeBook();
    await warm(book, od("m5.xlarge"));
    expect(book.nodePrice(od("m5.xlarge")).source).toBe("aws-pricing-api");
    expect(standIn.calls).toHaveLength(3);
    expect(await registry.getSingleMetricAsString("kube_cost_pricing_api_calls_total")).toMatch(/result="throttled"\} 2/);

    // Budget: 3 calls a minute, 6 instance types wanted → 3 calls, then waiting for tokens.
    await book.stop?.();
    standIn.calls.length = 0;
    book = makeBook({ api: { maxCallsPerMinute: 3 } });
    const types = ["m5.large", "m5.xlarge", "c5.large", "c5.xlarge", "r5.large", "r5.xlarge"];
    for (const t of types) book.nodePrice(od(t));
    void (book as unknown as { refreshNow(): Promise<void> }).refreshNow();
    await new Promise((r) => setTimeout(r, 1500));
    expect(standIn.calls).toHaveLength(3);
  });

  it("opens the circuit when the API is down, flags old prices stale-cache with their age, and recovers", async () => {
    book = makeBook({ cache: { instanceSeconds: 1 }, api: { breakerFailures: 2, breakerOpenSeconds: 1, maxAttempts: 1 } });
    await warm(book, od("m5.xlarge"));
    const fetched = book.nodePrice(od("m5.xlarge"));
    expect(fetched.source).toBe("aws-pricing-api");
    await standIn.down();
    await new Promise((r) => setTimeout(r, 1100));
    for (let i = 0; i < 3; i++) await warm(book);
    const stale = book.nodePrice(od("m5.xlarge"));
    expect(stale).toMatchObject({ hourlyCost: 0.192, source: "stale-cache", asOfMs: fetched.asOfMs });
    expect(await registry.getSingleMetricAsString("kube_cost_pricing_api_calls_total")).toMatch(/result="circuit_open"\} [1-9]/);
    await standIn.up();
    await new Promise((r) => setTimeout(r, 1100));
    await waitFor("prices fresh again", async () => {
      await warm(book);
      return book.nodePrice(od("m5.xlarge")).source === "aws-pricing-api" ? true : undefined;
    }, 10_000, 200);
  });

  it("keeps the old prices when an answer is malformed", async () => {
    book = makeBook({ cache: { instanceSeconds: 1 } });
    await warm(book, od("m5.xlarge"));
    standIn.garbage = true;
    await new Promise((r) => setTimeout(r, 1100));
    await warm(book);
    const kept = book.nodePrice(od("m5.xlarge"));
    expect(kept, JSON.stringify(standIn.calls.map((c) => c.action))).toMatchObject({ hourlyCost: 0.192, source: "stale-cache" });
  });

  it("shares fetched prices between pricer replicas through JetStream KV: the second replica makes no call", async () => {
    const nats = await startNatsServer();
    const nc = await connect({ servers: nats.url });
    try {
      const shared = natsSharedPrices(nc, 1, 3_600_000);
      const config = validateConfig({ pricing: { provider: "aws", aws: { pricingEndpoint: standIn.url, ec2Endpoint: standIn.url }, api: { refreshEverySeconds: 3600 } } });
      const replicaA = createPriceBook(config.pricing, { registry: new Registry(), shared });
      const replicaB = createPriceBook(config.pricing, { registry: new Registry(), shared });
      await warm(replicaA, od("m5.xlarge"), spot("m5.xlarge"));
      const callsAfterA = standIn.calls.length;
      expect(callsAfterA).toBeGreaterThanOrEqual(2);
      await warm(replicaB, od("m5.xlarge"), spot("m5.xlarge"));
      expect(standIn.calls).toHaveLength(callsAfterA);
      expect(replicaB.nodePrice(od("m5.xlarge"))).toMatchObject({ hourlyCost: 0.192, source: "aws-pricing-api" });
      expect(replicaB.nodePrice(spot("m5.xlarge")).hourlyCost).toBe(0.0712);
      await replicaA.stop?.();
      await replicaB.stop?.();
    } finally {
      await nc.close();
      await nats.stop();
    }
  });

  it("kce prices export regenerates the snapshot's AWS entries from the API, keeping what the API does not know", async () => {
    const config = validateConfig({ pricing: { provider: "aws", aws: { pricingEndpoint: standIn.url, ec2Endpoint: standIn.url } } });
    const result = await exportPrices("aws", config.pricing, readPriceSnapshot());
    const m5 = result.snapshot.nodes.find((n) => n.provider === "aws" && n.instanceType === "m5.xlarge");
    expect(m5).toMatchObject({ onDemand: 0.192, onDemandSource: "aws-export-od", spot: 0.0705, spotSource: "aws-export-spot", vcpu: 4, memoryGiB: 16 });
    expect(result.unknown).toContain("us-east-1/c5.xlarge");
    expect(result.snapshot.nodes.filter((n) => n.provider === "gcp").length).toBeGreaterThan(0);
    const file = join(tempDir("kce-prices-"), "prices.json");
    writeFileSync(file, JSON.stringify(result.snapshot));
    expect(readPriceSnapshot(file).nodes).toHaveLength(readPriceSnapshot().nodes.length);
  });
});

