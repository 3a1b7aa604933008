import { Kvm, type KV } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/transport-node";

/** A price fetched by one pricer replica, for the others. */
export interface SharedEntry {
  value: unknown;
  fetchedAtMs: number;
}

/**
 * Prices shared between pricer replicas, so N replicas do not make N times the API calls: before
 * calling a cloud API a replica looks here, and after a call it writes what it got.
 */
export interface SharedPrices {
  get(key: string): Promise<SharedEntry | undefined>;
  put(key: string, entry: SharedEntry): Promise<void>;
}

export const PRICES_BUCKET = "KCE_PRICES";

/** KV keys allow only [-/_=.A-Za-z0-9]: price keys are written base64url. */
const kvKey = (key: string) => Buffer.from(key).toString("base64url");

/** SharedPrices in the JetStream KV bucket KCE_PRICES (entries expire after `ttlMs`). */
export function natsSharedPrices(nc: NatsConnection, replicas: number, ttlMs: number): SharedPrices {
  let bucket: Promise<KV> | undefined;
  const kv = () => (bucket ??= new Kvm(nc).create(PRICES_BUCKET, { history: 1, ttl: ttlMs, replicas }));
  return {
    get: async (key) => {
      const entry = await (await kv()).get(kvKey(key));
      if (entry === null || entry.operation !== "PUT" || entry.length === 0) return undefined;
      return entry.json<SharedEntry>();
    },
    put: async (key, entry) => {
      await (await kv()).put(kvKey(key), JSON.stringify(entry));
    },
  };
}
