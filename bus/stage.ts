import type { JetStreamClient, JetStreamManager, JsMsg } from "@nats-io/jetstream";
import { defer, mergeMap, retry, type Subscription, timer } from "rxjs";
import type { Logger } from "../telemetry/log.ts";
import type { ComponentMetrics } from "../telemetry/metrics.ts";
import { backoffMs } from "./backoff.ts";
import { ensureDurable, pull$, type DurableSpec } from "./consumer.ts";
import type { DeadLetters } from "./dlq.ts";
import { PoisonMessageError } from "./errors.ts";

/**
 * What a handler did with a message: "ack" lets the runner acknowledge it now; "deferred" means
 * the handler keeps it and acknowledges it itself once its effect is durable (rollup checkpoints).
 */
export type HandlerOutcome = "ack" | "deferred";
export type MessageHandler = (msg: JsMsg) => Promise<HandlerOutcome>;

export interface StageOptions {
  spec: DurableSpec;
  concurrency: number;
  /** Deliveries before a message that keeps failing is dead-lettered; 0 retries forever. */
  maxDeliver: number;
  nakDelayMs: number;
}

export interface StageDeps {
  js: JetStreamClient;
  jsm: JetStreamManager;
  dlq: DeadLetters;
  metrics: ComponentMetrics;
  log: Logger;
}

function errorType(error: unknown): string {
  if (error instanceof Error && error.name !== "Error") return error.name.replace(/Error$/, "").toLowerCase() || "unknown";
  return "unknown";
}

/**
 * Runs one stage: a durable pull consumer piped through `handler` with bounded concurrency.
 * Poison input goes to the DLQ and is terminated; other failures are nak'ed with exponential
 * backoff and, after `maxDeliver` attempts, dead-lettered. The pull restarts after errors.
 */
export class StageRunner {
  private readonly options: StageOptions;
  private readonly deps: StageDeps;
  private readonly handler: MessageHandler;
  private subscription: Subscription | undefined;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(options: StageOptions, deps: StageDeps, handler: MessageHandler) {
    this.options = options;
    this.deps = deps;
    this.handler = handler;
  }

  async start(): Promise<void> {
    await ensureDurable(this.deps.jsm, this.options.spec);
    const { log } = this.deps;
    // Pulled a couple of rounds of `concurrency` ahead: enough to keep every slot busy, and a burst's backlog stays on
    // the server rather than in this process (1,024 snapshots of ~40 KB each when it pulled by the thousand).
    this.subscription = defer(() => pull$(this.deps.js, this.options.spec, Math.max(128, 2 * this.options.concurrency)))
      .pipe(
        mergeMap((msg) => this.track(this.process(msg)), this.options.concurrency),
        retry({
          delay: (error: unknown, count) => {
            log.warn("consumer interrupted; resuming", { consumer: this.options.spec.durable, error, attempt: count });
            return timer(backoffMs(count, { baseMs: 500, maxMs: 10_000 }));
          },
        }),
      )
      .subscribe();
    this.deps.metrics.up(true);
  }

  /** Stops pulling and waits for messages already being processed. */
  async stop(): Promise<void> {
    this.subscription?.unsubscribe();
    this.subscription = undefined;
    await Promise.allSettled([...this.inFlight]);
    this.deps.metrics.up(false);
  }

  private track(work: Promise<void>): Promise<void> {
    this.inFlight.add(work);
    return work.finally(() => this.inFlight.delete(work));
  }

  private async process(msg: JsMsg): Promise<void> {
    const { metrics, log } = this.deps;
    const started = performance.now();
    metrics.received();
    try {
      const outcome = await this.handler(msg);
      if (outcome === "ack") msg.ack();
      metrics.observeDuration((performance.now() - started) / 1000);
    } catch (error) {
      await this.fail(msg, error);
      if (!(error instanceof PoisonMessageError)) log.debug("message failed", { subject: msg.subject, error });
    }
  }

  private async fail(msg: JsMsg, error: unknown): Promise<void> {
    const { metrics, log, dlq } = this.deps;
    const exhausted = this.options.maxDeliver > 0 && msg.info.deliveryCount >= this.options.maxDeliver;
    if (!(error instanceof PoisonMessageError) && !exhausted) {
      metrics.error(errorType(error));
      msg.nak(backoffMs(msg.info.deliveryCount, { baseMs: this.options.nakDelayMs }));
      return;
    }
    const reason = error instanceof PoisonMessageError ? error.reason : "max_deliveries";
    const detail = error instanceof Error ? error.message : String(error);
    try {
      await dlq.send(msg, reason, detail);
    } catch (dlqError) {
      log.error("dead-letter publish failed; will retry the message", { subject: msg.subject, error: dlqError });
      msg.nak(backoffMs(msg.info.deliveryCount, { baseMs: this.options.nakDelayMs }));
      return;
    }
    // No reason text: nats-server 2.9 only recognises a bare "+TERM" (the reason arrived in 2.10).
    msg.term();
    metrics.error(reason);
    metrics.dropped("dead_letter");
    log.warn("message dead-lettered", { subject: msg.subject, seq: msg.info.streamSequence, reason, detail });
  }
}
