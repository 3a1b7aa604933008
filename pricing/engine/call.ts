import { Counter, type Registry } from "../../telemetry/prom.ts";
import { backoffMs } from "../../bus/backoff.ts";
import { CircuitBreaker } from "./breaker.ts";
import type { TokenBucket } from "./limiter.ts";

/** The provider's circuit is open: the call was not made. */
export class PricingCircuitOpenError extends Error {
  override readonly name = "PricingCircuitOpenError";
}

/** A pricing API answered with something we cannot read. Not retried; old prices are kept. */
export class PricingResponseError extends Error {
  override readonly name = "PricingResponseError";
}

const THROTTLING = /throttl|toomanyrequests|requestlimitexceeded|rate exceeded|slowdown/i;

/** Throttling, 429 and 5xx answers and network failures are worth retrying; the rest are not. */
export function isRetryable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error instanceof PricingResponseError) return false;
  const e = error as Error & { $retryable?: unknown; $metadata?: { httpStatusCode?: number }; statusCode?: number; code?: unknown };
  if (e.$retryable !== undefined || THROTTLING.test(`${e.name} ${e.message}`)) return true;
  const status = e.$metadata?.httpStatusCode ?? e.statusCode ?? (typeof e.code === "number" ? e.code : undefined);
  if (status !== undefined) return status === 429 || status >= 500;
  return /ECONNREFUSED|ECONNRESET|ETIMEDOUT|socket hang up|fetch failed/i.test(e.message);
}

export interface CallOptions {
  maxAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
}

/**
 * Every cloud pricing call goes through here: the shared call budget (token bucket), the provider's
 * circuit breaker, retries with exponential backoff and jitter for retryable errors, and the
 * `kube_cost_pricing_api_calls_total{provider,endpoint,result}` counter.
 */
export class PricingCaller {
  readonly breaker: CircuitBreaker;
  private readonly provider: string;
  private readonly limiter: TokenBucket;
  private readonly options: CallOptions;
  private readonly calls: Counter<"provider" | "endpoint" | "result">;
  private readonly aborter = new AbortController();

  constructor(provider: string, limiter: TokenBucket, breaker: CircuitBreaker, options: CallOptions, calls: Counter<"provider" | "endpoint" | "result">) {
    this.provider = provider;
    this.limiter = limiter;
    this.breaker = breaker;
    this.options = options;
    this.calls = calls;
  }

  /** Ends waiting for the call budget or a backoff: pending and later calls reject. */
  abort(): void {
    this.aborter.abort(new Error(`${this.provider} pricing stopped`));
  }

  async call<T>(endpoint: string, fn: () => Promise<T>): Promise<T> {
    const signal = this.aborter.signal;
    for (let attempt = 1; ; attempt++) {
      signal.throwIfAborted();
      if (!this.breaker.allow()) {
        this.calls.inc({ provider: this.provider, endpoint, result: "circuit_open" });
        throw new PricingCircuitOpenError(`${this.provider} pricing circuit open; retrying in ${Math.ceil(this.breaker.retryInMs() / 1000)} s`);
      }
      await this.limiter.take(signal);
      try {
        const result = await fn();
        this.breaker.success();
        this.calls.inc({ provider: this.provider, endpoint, result: "ok" });
        return result;
      } catch (error) {
        const retryable = isRetryable(error);
        this.calls.inc({ provider: this.provider, endpoint, result: retryable && THROTTLING.test(String((error as Error).name) + String((error as Error).message)) ? "throttled" : "error" });
        if (!retryable) throw error;
        this.breaker.failure();
        if (attempt >= this.options.maxAttempts) throw error;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, backoffMs(attempt, { baseMs: this.options.backoffBaseMs, maxMs: this.options.backoffMaxMs }));
          signal.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
        });
      }
    }
  }
}

/** A metric registered once per registry: the existing one when a price book was built there before. */
export function registeredOnce<M>(registry: Registry, name: string, create: () => M): M {
  return (registry.getSingleMetric(name) as M | undefined) ?? create();
}

/** The pricing call counter. */
export function pricingCallCounter(registry: Registry): Counter<"provider" | "endpoint" | "result"> {
  const name = "kube_cost_pricing_api_calls_total";
  return registeredOnce(registry, name, () => new Counter({ name, help: "Calls to cloud pricing APIs by provider, endpoint and result (ok, throttled, error, circuit_open)", labelNames: ["provider", "endpoint", "result"], registers: [registry] }));
}
