import { readSecret } from "../clickhouse/secret.ts";
import type { WebhookTarget } from "../../config/schema.ts";
import type { BudgetAlert } from "../../model/events.ts";
import { failed, OK, retryable, retryableStatus, type Sink, type WriteResult } from "../core/sink.ts";
import { genericPayload, slackPayload } from "./payloads.ts";

/** How one kind of event is posted: its delivery identity and its two payloads. */
export interface WebhookFormat<T> {
  id(event: T): string;
  slack(event: T): object;
  generic(event: T): object;
}

export const BUDGET_FORMAT: WebhookFormat<BudgetAlert> = { id: (a) => a.id, slack: slackPayload, generic: genericPayload };
import { SIGNATURE_HEADER, sign } from "./signature.ts";
import { Agent, fetch } from "undici";

export const DELIVERY_HEADER = "X-Kce-Delivery";
const REMEMBERED = 100_000;

interface ResolvedTarget extends WebhookTarget {
  secret: string | undefined;
}

/**
 * POSTs each alert to every target (Slack-compatible or generic JSON), signed with HMAC-SHA256
 * over timestamp and body. A delivery that succeeded is remembered, so a retried batch only
 * re-sends what failed; `X-Kce-Delivery` lets receivers drop the duplicates at-least-once delivery
 * can still produce. 408/429/5xx/timeouts are retryable; other 4xx reject the alert (dead letter).
 */
export class WebhookSink<T = BudgetAlert> implements Sink<T> {
  readonly name = "webhook";
  private readonly format: WebhookFormat<T>;
  private readonly targets: ResolvedTarget[];
  private readonly delivered = new Set<string>();
  private readonly agent = new Agent({ connections: 64, keepAliveTimeout: 10_000 });
  private readonly concurrency: number;

  constructor(targets: readonly WebhookTarget[], format: WebhookFormat<T>, concurrency = 32) {
    this.format = format;
    this.targets = targets.map((t, i) => ({ ...t, secret: readSecret(`sinks.webhook.targets.${i}.secret`, t.secretEnv, t.secretFile) }));
    this.concurrency = concurrency;
  }

  private remember(id: string): void {
    this.delivered.add(id);
    if (this.delivered.size > REMEMBERED) this.delivered.delete(this.delivered.values().next().value as string);
  }

  private async post(event: T, target: ResolvedTarget): Promise<WriteResult> {
    const deliveryId = `${this.format.id(event)}@${target.name}`;
    if (this.delivered.has(deliveryId)) return OK;
    const body = JSON.stringify(target.format === "slack" ? this.format.slack(event) : this.format.generic(event));
    const headers: Record<string, string> = { "content-type": "application/json", "user-agent": "kube-cost-exporter", [DELIVERY_HEADER]: deliveryId };
    if (target.secret !== undefined) headers[SIGNATURE_HEADER] = sign(target.secret, body, Date.now());
    try {
      const res = await fetch(target.url, { method: "POST", body, headers, dispatcher: this.agent, signal: AbortSignal.timeout(target.timeoutMs) });
      await res.body?.cancel();
      if (res.status >= 200 && res.status < 300) {
        this.remember(deliveryId);
        return OK;
      }
      const error = new Error(`${target.name}: HTTP ${res.status} from ${target.url}`);
      return retryableStatus(res.status) ? retryable(error) : failed(error);
    } catch (error) {
      return retryable(new Error(`${target.name}: ${(error as Error).name === "TimeoutError" ? `no answer within ${target.timeoutMs} ms` : (error as Error).message}`));
    }
  }

  async write(batch: readonly T[]): Promise<WriteResult> {
    const jobs = batch.flatMap((event) => this.targets.map((target) => () => this.post(event, target)));
    const results: WriteResult[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(this.concurrency, jobs.length) }, async () => {
        while (next < jobs.length) {
          const job = jobs[next++];
          if (job !== undefined) results.push(await job());
        }
      }),
    );
    return results.find((r) => r.kind === "retryable") ?? results.find((r) => r.kind === "failed") ?? OK;
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}
