import { Kvm, type KV } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/transport-node";
import type { Logger } from "../telemetry/log.ts";

/** Share of the TTL without a successful renewal after which a holder steps down. */
const STEP_DOWN = 0.9;

export interface LeaseOptions {
  bucket: string;
  key: string;
  /** How long a lease lives without renewal, ms. The bucket's TTL: a dead holder's lease expires by itself. */
  ttlMs: number;
  replicas: number;
  /** Who holds it (logged by the others). */
  holder: string;
}

/**
 * A lease in a JetStream KV bucket whose entries expire after `ttlMs`: the holder creates the key,
 * renews it every third of the TTL with a compare-and-set on its revision, and deletes it when it
 * stops. A process whose renewals have failed for 90 % of the TTL, or that finds another holder's
 * revision, considers the lease lost (so two holders never overlap by more than clock drift); a standby
 * acquires it once it has expired.
 */
export class Lease {
  private readonly nc: NatsConnection;
  private readonly options: LeaseOptions;
  private readonly log: Logger;
  private kv: KV | undefined;
  private revision = 0;
  private renewedAtMs = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(nc: NatsConnection, options: LeaseOptions, log: Logger) {
    this.nc = nc;
    this.options = options;
    this.log = log;
  }

  private async bucket(): Promise<KV> {
    // Two processes starting together may both create the bucket; the loser opens the winner's.
    for (let attempt = 1; this.kv === undefined; attempt++) {
      try {
        this.kv = await new Kvm(this.nc).create(this.options.bucket, { ttl: this.options.ttlMs, history: 1, replicas: this.options.replicas });
      } catch (error) {
        if (attempt >= 5) throw error;
        await new Promise((r) => setTimeout(r, 100 * attempt));
      }
    }
    return this.kv;
  }

  /** True when this process now holds the lease. */
  async tryAcquire(): Promise<boolean> {
    const kv = await this.bucket();
    try {
      this.revision = await kv.create(this.options.key, this.options.holder);
      this.renewedAtMs = Date.now();
      return true;
    } catch {
      return false;
    }
  }

  /** Who holds the lease now, if anyone. */
  async holder(): Promise<string | undefined> {
    const entry = await (await this.bucket()).get(this.options.key);
    return entry === null || entry.operation !== "PUT" ? undefined : entry.string();
  }

  /**
   * Renews every third of the TTL, one renewal at a time; calls `onLost` once when the lease cannot be
   * kept. A renewal refused for its revision is checked against the key: if the key still names this
   * holder (an earlier renewal reached the server but its answer was lost), its revision is adopted.
   */
  keep(onLost: (why: string) => void): void {
    let renewing = false;
    const lost = (why: string): void => {
      void this.release(false);
      onLost(why);
    };
    const failed = (error: unknown): void => {
      const silentMs = Date.now() - this.renewedAtMs;
      this.log.warn("lease renewal failed", { key: this.options.key, silentMs, error });
      // Step down just before the lease could have expired on the server (a standby acquires it only
      // after that): a slow renewal under load is not a loss.
      if (silentMs >= this.options.ttlMs * STEP_DOWN) lost(`not renewed for ${silentMs} ms`);
    };
    const tick = async (): Promise<void> => {
      const kv = await this.bucket();
      try {
        this.revision = await kv.update(this.options.key, this.options.holder, this.revision);
        this.renewedAtMs = Date.now();
        return;
      } catch (error) {
        if (!/wrong last sequence|revision/i.test(String(error))) return failed(error);
      }
      // Refused for its revision: an earlier renewal may have reached the server without its answer reaching us.
      // Only the key itself can say whether another holder has it — a read that fails (a timeout under load) says
      // nothing, and reading it as "taken over" made a busy `kce all` drop its own lease and stall for the lease and ack
      // waits (`npm run bench -- pipeline-all`, one run in four).
      let entry;
      try {
        entry = await kv.get(this.options.key);
      } catch (error) {
        return failed(error);
      }
      if (entry === null || entry.operation !== "PUT") return lost(`expired before it was renewed (not renewed for ${Date.now() - this.renewedAtMs} ms)`);
      if (entry.string() !== this.options.holder) return lost(`taken over by ${entry.string()}`);
      this.revision = entry.revision;
    };
    this.timer = setInterval(() => {
      if (renewing) return;
      renewing = true;
      void tick()
        .catch((error: unknown) => this.log.warn("lease renewal failed", { key: this.options.key, error }))
        .finally(() => (renewing = false));
    }, Math.max(100, Math.floor(this.options.ttlMs / 3)));
  }

  /** Stops renewing; with `remove`, deletes the key so a standby takes over at once. */
  release(remove = true): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    if (!remove || this.kv === undefined) return Promise.resolve();
    return this.kv.delete(this.options.key, { previousSeq: this.revision }).catch(() => undefined);
  }
}
