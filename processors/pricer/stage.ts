import { PoisonMessageError } from "../../bus/errors.ts";
import type { Runtime } from "../../bus/runtime.ts";
import type { Stage } from "../../bus/stage-types.ts";
import { snapshotId, STREAMS, subjects } from "../../bus/subjects.ts";
import { transformStage } from "../../bus/transform-stage.ts";
import { createPriceBook, type ManagedPriceBook } from "../../pricing/index.ts";
import { PriceCurrencyError } from "../../pricing/currency.ts";
import { natsSharedPrices } from "../../pricing/engine/shared.ts";
import { priceSnapshot } from "./cost-model.ts";
import { usageProblem } from "./validate.ts";

export const PRICER_COMPONENT = "pricer";

/**
 * Agents publish each node's window once, under the id `<cluster>/<node>/<windowStart>`, and JetStream
 * drops re-sends of that id. A snapshot under any other id is a second snapshot for a node and window
 * already counted (or a producer outside the contract): the one under the canonical id wins, and this
 * one is dead-lettered as `duplicate_window` instead of being absorbed or double counted.
 */
function assertCanonicalId(usage: { cluster: string; node: string; windowStartMs: number }, msgId: string): void {
  const canonical = snapshotId(usage.cluster, usage.node, usage.windowStartMs);
  if (msgId !== canonical) {
    throw new PoisonMessageError("duplicate_window", `message id ${msgId === "" ? "(none)" : JSON.stringify(msgId)} is not the snapshot's id ${JSON.stringify(canonical)}: a second snapshot for node ${usage.node} window ${new Date(usage.windowStartMs).toISOString()}; the one published under ${canonical} is the one counted`);
  }
}

/** The configured price book, its API calls counted on this process's registry. */
function pricerBook(rt: Runtime): ManagedPriceBook {
  const metrics = rt.telemetry.component(PRICER_COMPONENT);
  const c = rt.config;
  const ttlMs = Math.max(c.pricing.cache.instanceSeconds, c.pricing.cache.spotSeconds, c.pricing.cache.storageSeconds) * 1000;
  return createPriceBook(c.pricing, {
    registry: rt.telemetry.registry,
    log: rt.log.child("pricing"),
    onFetchError: () => metrics.error("pricing_fetch"),
    shared: natsSharedPrices(rt.nc, c.streams.replicas, ttlMs),
  });
}

/**
 * The pricer: stateless; consumes KCE_USAGE on the shared durable `kce-pricer` (so replicas split
 * the work), prices each snapshot and publishes it to `kce.priced.<cluster>.<node>`. A usage
 * event is acked only after the priced event's PubAck.
 */
export function createPricer(rt: Runtime, book: ManagedPriceBook = pricerBook(rt)): Stage {
  const stage = transformStage(rt, {
    component: PRICER_COMPONENT,
    stream: STREAMS.usage,
    durable: "kce-pricer",
    filterSubject: subjects.streamFilter.usage,
    concurrency: rt.config.pricer.concurrency,
    input: rt.codecs.usage,
    output: rt.codecs.priced,
    validate: (usage, msg) => {
      const problem = usageProblem(usage, Date.now(), rt.config.clock.maxSkewSeconds * 1000);
      if (problem !== undefined) throw new PoisonMessageError(problem.reason, problem.detail);
      assertCanonicalId(usage, msg.headers?.get("Nats-Msg-Id") ?? "");
    },
    transform: (usage) => {
      try {
        return priceSnapshot(usage, book, rt.config.pricing, Date.now());
      } catch (err) {
        // A price in a currency without an exchange rate: no retry can fix it, and it must not be read as another currency.
        if (err instanceof PriceCurrencyError) throw new PoisonMessageError("price_currency", err.message);
        throw err;
      }
    },
    subject: (priced) => subjects.priced(priced.cluster, priced.node),
    msgId: (priced) => snapshotId(priced.cluster, priced.node, priced.windowStartMs),
  });
  return {
    name: stage.name,
    start: async () => {
      await book.start?.();
      await stage.start();
    },
    stop: async () => {
      await stage.stop();
      await book.stop?.();
    },
  };
}
