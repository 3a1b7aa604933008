import { backoffMs } from "../../bus/backoff.ts";
import type { Sink, WriteResult } from "./sink.ts";

export interface RetryOptions {
  maxAttempts: number;
  baseMs: number;
  maxMs: number;
  /** Called before each new attempt (e.g. to extend the messages' ack deadline). */
  onRetry?: (attempt: number, error: Error) => void;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Retries retryable results with exponential backoff (×1.5, ±20 % jitter), up to `maxAttempts`
 * writes. Failed results are not retried. The last retryable result is returned as is, so the
 * caller leaves the batch unacked and JetStream redelivers it later: nothing is dropped.
 */
export function withRetry<T>(sink: Sink<T>, options: RetryOptions): Sink<T> & { retries: number } {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const wrapped = {
    name: sink.name,
    retries: 0,
    close: () => sink.close(),
    async write(batch: readonly T[]): Promise<WriteResult> {
      let result: WriteResult = await sink.write(batch);
      for (let attempt = 1; attempt < options.maxAttempts && result.kind === "retryable"; attempt++) {
        wrapped.retries += 1;
        options.onRetry?.(attempt, result.error);
        await sleep(backoffMs(attempt, { baseMs: options.baseMs, factor: 1.5, maxMs: options.maxMs, jitter: 0.2 }));
        result = await sink.write(batch);
      }
      return result;
    },
  };
  return wrapped;
}
