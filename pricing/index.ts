import type { Registry } from "../telemetry/prom.ts";
import { Registry as PromRegistry } from "../telemetry/prom.ts";
import type { Config } from "../config/schema.ts";
import { silentLogger, type Logger } from "../telemetry/log.ts";
import { AwsPriceSource } from "./aws/source.ts";
import { AzurePriceSource } from "./azure/source.ts";
import type { CloudCatalogClient } from "@google-cloud/billing";
import { GcpPriceSource } from "./gcp/source.ts";
import { CircuitBreaker } from "./engine/breaker.ts";
import { PricingCaller, pricingCallCounter } from "./engine/call.ts";
import { TokenBucket } from "./engine/limiter.ts";
import { LivePriceBook } from "./engine/live-book.ts";
import type { SharedPrices } from "./engine/shared.ts";
import type { CloudPriceSource } from "./engine/source.ts";
import { readPriceSnapshot, SnapshotPriceBook } from "./snapshot/snapshot.ts";
import { CustomPriceBook } from "./custom/book.ts";
import { readPriceSheet } from "./custom/sheet.ts";
import type { PriceBook } from "./types.ts";

/** A price book, with a background refresh to start and stop when it talks to a cloud. */
export type ManagedPriceBook = PriceBook & { start?(): Promise<void>; stop?(): Promise<void> };

export interface PriceBookDeps {
  registry?: Registry;
  log?: Logger;
  onFetchError?: () => void;
  shared?: SharedPrices;
}

const SOURCE_NAMES = {
  aws: { onDemand: "aws-pricing-api", spot: "aws-spot-history", storage: "aws-pricing-api" },
  azure: { onDemand: "azure-retail-prices", spot: "azure-retail-prices", storage: "azure-retail-prices" },
  gcp: { onDemand: "gcp-billing-catalog", spot: "gcp-billing-catalog", storage: "gcp-billing-catalog" },
} as const;

/** The Cloud Catalog client over its REST transport (no gRPC), with an endpoint override or API key when configured. */
async function catalogClient(cfg: Config["pricing"]["gcp"]): Promise<CloudCatalogClient> {
  // Loaded on first use: google-gax is heavy, and only GCP pricing needs it.
  const { CloudCatalogClient } = await import("@google-cloud/billing");
  const options: ConstructorParameters<typeof CloudCatalogClient>[0] = { fallback: true };
  if (cfg.endpoint !== undefined) {
    const u = new URL(cfg.endpoint);
    options.apiEndpoint = u.hostname;
    options.port = Number(u.port !== "" ? u.port : u.protocol === "http:" ? 80 : 443);
    options.protocol = u.protocol.replace(":", "");
  }
  const key = cfg.apiKeyEnv === undefined ? undefined : process.env[cfg.apiKeyEnv];
  if (key !== undefined && key !== "") options.apiKey = key;
  return new CloudCatalogClient(options);
}

/** One call budget (token bucket) per process, shared by every provider's caller. */
const budgets = new Map<number, TokenBucket>();

function callerFor(provider: string, api: Config["pricing"]["api"], registry: Registry): PricingCaller {
  let bucket = budgets.get(api.maxCallsPerMinute);
  if (bucket === undefined) {
    bucket = new TokenBucket(api.maxCallsPerMinute);
    budgets.set(api.maxCallsPerMinute, bucket);
  }
  return new PricingCaller(provider, bucket, new CircuitBreaker(api.breakerFailures, api.breakerOpenSeconds * 1000), { maxAttempts: api.maxAttempts, backoffBaseMs: api.backoffBaseMs, backoffMaxMs: api.backoffMaxMs }, pricingCallCounter(registry));
}

export type CloudProvider = "aws" | "azure" | "gcp";

/** The adapter of a cloud, its calls going through the shared budget, backoff and breaker. */
export function cloudSource(provider: CloudProvider, pricing: Config["pricing"], registry: Registry): CloudPriceSource {
  const caller = callerFor(provider, pricing.api, registry);
  switch (provider) {
    case "aws":
      return new AwsPriceSource({ pricingRegion: pricing.aws.pricingRegion, pricingEndpoint: pricing.aws.pricingEndpoint, ec2Endpoint: pricing.aws.ec2Endpoint }, caller);
    case "azure":
      return new AzurePriceSource(
        pricing.azure.retailPricesUrl,
        caller,
        pricing.azure.subscriptionId === undefined ? undefined : { subscriptionId: pricing.azure.subscriptionId, endpoint: pricing.azure.armEndpoint },
      );
    case "gcp":
      return new GcpPriceSource(() => catalogClient(pricing.gcp), caller, Math.min(pricing.cache.instanceSeconds, pricing.cache.spotSeconds) * 1000);
  }
}

/** Builds the price book selected by `pricing.provider`; the offline snapshot is always the fallback. */
export function createPriceBook(pricing: Config["pricing"], deps: PriceBookDeps = {}): ManagedPriceBook {
  const snapshot = new SnapshotPriceBook(readPriceSnapshot(pricing.snapshotFile), pricing);
  switch (pricing.provider) {
    case "snapshot":
      return snapshot;
    case "custom": {
      const sheet = readPriceSheet(pricing.customFile ?? "");
      for (const w of sheet.warnings) (deps.log ?? silentLogger).warn(w);
      return new CustomPriceBook(sheet, snapshot, Date.now(), pricing);
    }
    case "aws":
    case "azure":
    case "gcp": {
      const registry = deps.registry ?? new PromRegistry();
      const source = cloudSource(pricing.provider, pricing, registry);
      const names = SOURCE_NAMES[pricing.provider];
      return new LivePriceBook(
        source,
        snapshot,
        pricing,
        {
          ttl: { instanceMs: pricing.cache.instanceSeconds * 1000, spotMs: pricing.cache.spotSeconds * 1000, storageMs: pricing.cache.storageSeconds * 1000 },
          refreshEveryMs: pricing.api.refreshEverySeconds * 1000,
          sources: names,
          ...(deps.onFetchError === undefined ? {} : { onFetchError: deps.onFetchError }),
          ...(deps.shared === undefined ? {} : { shared: deps.shared }),
        },
        registry,
        deps.log ?? silentLogger,
      );
    }
  }
}
