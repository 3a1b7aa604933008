import type { Registry } from "prom-client";
import { Registry as PromRegistry } from "prom-client";
import type { Config } from "../config/schema.ts";
import { silentLogger, type Logger } from "../telemetry/log.ts";
import { AwsPriceSource } from "./aws/source.ts";
import { CircuitBreaker } from "./engine/breaker.ts";
import { PricingCaller, pricingCallCounter } from "./engine/call.ts";
import { TokenBucket } from "./engine/limiter.ts";
import { LivePriceBook } from "./engine/live-book.ts";
import { readPriceSnapshot, SnapshotPriceBook } from "./snapshot/snapshot.ts";
import type { PriceBook } from "./types.ts";

/** A price book, with a background refresh to start and stop when it talks to a cloud. */
export type ManagedPriceBook = PriceBook & { start?(): Promise<void>; stop?(): Promise<void> };

export interface PriceBookDeps {
  registry?: Registry;
  log?: Logger;
  onFetchError?: () => void;
}

/** Builds the price book selected by `pricing.provider`; the offline snapshot is always the fallback. */
export function createPriceBook(pricing: Config["pricing"], deps: PriceBookDeps = {}): ManagedPriceBook {
  const snapshot = new SnapshotPriceBook(readPriceSnapshot(pricing.snapshotFile), pricing);
  switch (pricing.provider) {
    case "snapshot":
      return snapshot;
    case "aws": {
      const registry = deps.registry ?? new PromRegistry();
      const api = pricing.api;
      const caller = new PricingCaller(
        "aws",
        new TokenBucket(api.maxCallsPerMinute),
        new CircuitBreaker(api.breakerFailures, api.breakerOpenSeconds * 1000),
        { maxAttempts: api.maxAttempts, backoffBaseMs: api.backoffBaseMs, backoffMaxMs: api.backoffMaxMs },
        pricingCallCounter(registry),
      );
      const source = new AwsPriceSource({ pricingRegion: pricing.aws.pricingRegion, pricingEndpoint: pricing.aws.pricingEndpoint, ec2Endpoint: pricing.aws.ec2Endpoint }, caller);
      return new LivePriceBook(
        source,
        snapshot,
        pricing,
        {
          ttl: { instanceMs: pricing.cache.instanceSeconds * 1000, spotMs: pricing.cache.spotSeconds * 1000, storageMs: pricing.cache.storageSeconds * 1000 },
          refreshEveryMs: api.refreshEverySeconds * 1000,
          sources: { onDemand: "aws-pricing-api", spot: "aws-spot-history", storage: "aws-pricing-api" },
          ...(deps.onFetchError === undefined ? {} : { onFetchError: deps.onFetchError }),
        },
        registry,
        deps.log ?? silentLogger,
      );
    }
  }
}
