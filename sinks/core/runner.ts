import type { JsMsg } from "@nats-io/jetstream";
import { concatMap, defer, mergeMap, retry, timer, type Subscription } from "rxjs";
import { backoffMs } from "../../bus/backoff.ts";
import { ensureDurable, pull$, type DurableSpec } from "../../bus/consumer.ts";
import { DeadLetters } from "../../bus/dlq.ts";
import { PoisonMessageError } from "../../bus/errors.ts";
import type { Runtime } from "../../bus/runtime.ts";
import type { Stage } from "../../bus/stage-types.ts";
import type { Config } from "../../config/schema.ts";
import type { Logger } from "../../telemetry/log.ts";
import { ThrottledWarning } from "../../telemetry/log.ts";
import type { ComponentMetrics } from "../../telemetry/metrics.ts";
import { batchRows } from "./batch.ts";
import { withBreaker, type BreakerState } from "./breaker.ts";
import { withRetry } from "./retry.ts";
import type { Sink, WriteResult } from "./sink.ts";

export type DeliveryConfig = Config["sinks"]["clickhouse"]["delivery"];


export interface SinkRunnerOptions<T> {
  component: string;
  spec: Pick<DurableSpec, "stream" | "durable" | "filterSubject">;
  /** Turns a message into rows; throws PoisonMessageError for bad input (it is dead-lettered). */
  decode: (msg: JsMsg) => Promise<T[]>;
  sink: Sink<T>;
  delivery: DeliveryConfig;
}

interface Decoded<T> {
  msg: JsMsg;
  rows: T[];
}

/**
 * Drives one sink from a durable consumer, for every sink alike: decode (poison → DLQ), batch by
 * rows and time, write through retry (exponential backoff, jitter) and a circuit breaker, then ack.
 * A batch the target keeps refusing as retryable is nak'ed and redelivered later — never dropped;
 * one it rejects for good is split to find the bad messages, which are dead-lettered.
 * Memory is bounded by `maxInFlight` unacked messages: while the target is down JetStream holds
 * the backlog, not this process.
 */
export class SinkRunner<T> implements Stage {
  readonly name: string;
  private readonly rt: Runtime;
  private readonly options: SinkRunnerOptions<T>;
  private readonly metrics: ComponentMetrics;
  private readonly log: Logger;
  private readonly dlq: DeadLetters;
  private readonly sink: Sink<T> & { readonly state: BreakerState };
  private readonly down: ThrottledWarning;
  private subscription: Subscription | undefined;
  private held = 0;
  private current: JsMsg[] = [];
  private idle: Promise<void> = Promise.resolve();

  constructor(rt: Runtime, options: SinkRunnerOptions<T>) {
    this.rt = rt;
    this.options = options;
    this.name = options.component;
    this.metrics = rt.telemetry.component(options.component);
    this.log = rt.log.child(options.component);
    this.dlq = new DeadLetters(rt.publisher, options.component);
    this.down = new ThrottledWarning(this.log, 30_000);
    const d = options.delivery;
    const retried = withRetry(options.sink, {
      maxAttempts: d.retryMaxAttempts,
      baseMs: d.retryBaseMs,
      maxMs: d.retryMaxMs,
      onRetry: (_attempt, error) => {
        this.metrics.retried();
        for (const msg of this.current) msg.working();
        this.down.warn(`${options.sink.name} write failed; retrying`, { error: error.message });
      },
    });
    this.sink = withBreaker(retried, {
      failureThreshold: d.breakerFailures,
      openMs: d.breakerOpenSeconds * 1000,
      onStateChange: (state) => this.log.info(`circuit ${state}`, { sink: options.sink.name }),
    });
  }

  /** Messages held in memory right now (decoded, batched, or being written). */
  get buffered(): number {
    return this.held;
  }

  get breakerState(): BreakerState {
    return this.sink.state;
  }

  async start(): Promise<void> {
    const d = this.options.delivery;
    const spec: DurableSpec = { ...this.options.spec, stream: this.rt.layout.physical(this.options.spec.stream), maxInFlight: d.maxInFlight, ackWaitSeconds: Math.max(30, Math.ceil((d.retryMaxAttempts * d.retryMaxMs) / 1000) + 10) };
    await ensureDurable(this.rt.jsm, spec);
    this.subscription = defer(() => pull$(this.rt.js, spec))
      .pipe(
        mergeMap((msg) => this.decode(msg), 16),
        mergeMap((decoded) => decoded),
        batchRows<Decoded<T>>(d.batchMaxRows, d.batchMaxWaitMs, (item) => Math.max(1, item.rows.length)),
        concatMap((batch) => (this.idle = this.deliver(batch))),
        retry({
          delay: (error: unknown, n) => {
            this.log.warn("consumer interrupted; resuming", { error, attempt: n });
            return timer(backoffMs(n, { baseMs: 500, maxMs: 10_000 }));
          },
        }),
      )
      .subscribe();
    this.metrics.up(true);
  }

  async stop(): Promise<void> {
    this.subscription?.unsubscribe();
    await this.idle.catch(() => undefined);
    await this.options.sink.close();
    this.metrics.up(false);
  }

  private track(delta: number): void {
    this.held += delta;
    this.metrics.buffered(this.held);
  }

  private async decode(msg: JsMsg): Promise<Decoded<T>[]> {
    this.metrics.received();
    try {
      this.rt.layout.checkSource(this.options.spec.stream, msg);
      const rows = await this.options.decode(msg);
      this.track(1);
      return [{ msg, rows }];
    } catch (error) {
      await this.deadLetter(msg, error instanceof PoisonMessageError ? error.reason : "decode", error);
      return [];
    }
  }

  private async deadLetter(msg: JsMsg, reason: string, error: unknown): Promise<void> {
    const detail = error instanceof Error ? error.message : String(error);
    try {
      await this.dlq.send(msg, reason, detail);
      msg.term();
      this.metrics.error(reason);
      this.metrics.dropped("dead_letter");
      this.log.warn("message dead-lettered", { subject: msg.subject, reason, detail });
    } catch (dlqError) {
      this.log.error("dead-letter publish failed; message will be redelivered", { error: dlqError });
      msg.nak(backoffMs(msg.info.deliveryCount, { baseMs: 1000 }));
    }
  }

  private settle(items: Decoded<T>[], result: WriteResult): void {
    for (const { msg } of items) {
      if (result.kind === "ok") msg.ack();
      else msg.nak(backoffMs(msg.info.deliveryCount, { baseMs: this.options.delivery.retryBaseMs, maxMs: 60_000 }));
    }
    if (result.kind === "ok") this.metrics.sent(items.reduce((s, i) => s + i.rows.length, 0));
    else this.down.warn(`${this.options.sink.name} unavailable; batch handed back to JetStream`, { error: result.error.message, messages: items.length });
  }

  private async deliver(items: Decoded<T>[]): Promise<void> {
    const started = performance.now();
    this.current = items.map((i) => i.msg);
    try {
      const withRows = items.filter((i) => i.rows.length > 0);
      for (const empty of items.filter((i) => i.rows.length === 0)) empty.msg.ack();
      if (withRows.length === 0) return;
      const result = await this.sink.write(withRows.flatMap((i) => i.rows));
      if (result.kind !== "failed") {
        this.settle(withRows, result);
        if (result.kind === "ok") this.down.recovered(`${this.options.sink.name} delivering again`);
        return;
      }
      // Rejected for good: find which messages are bad by writing them one by one.
      for (const item of withRows) {
        const single = withRows.length === 1 ? result : await this.sink.write(item.rows);
        if (single.kind === "failed") await this.deadLetter(item.msg, "sink_rejected", single.error);
        else this.settle([item], single);
      }
    } finally {
      this.current = [];
      this.track(-items.length);
      this.metrics.observeDuration((performance.now() - started) / 1000);
    }
  }
}
