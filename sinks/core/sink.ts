/**
 * What a sink's write did. Callers branch on the data, not on exception types:
 * - ok: the batch is durable in the target;
 * - retryable: try again later (target down, 429/5xx, timeout) — the batch stays unacked;
 * - failed: the target rejected this batch for good (bad data) — it goes to the dead-letter queue.
 */
export type WriteResult = { kind: "ok" } | { kind: "retryable"; error: Error } | { kind: "failed"; error: Error };

export const OK: WriteResult = { kind: "ok" };
export const retryable = (error: unknown): WriteResult => ({ kind: "retryable", error: error instanceof Error ? error : new Error(String(error)) });
export const failed = (error: unknown): WriteResult => ({ kind: "failed", error: error instanceof Error ? error : new Error(String(error)) });

/** A destination for batches of rows. Small on purpose: write, and close. */
export interface Sink<T> {
  readonly name: string;
  /** Writes the whole batch, or reports why not. Must not throw. */
  write(batch: readonly T[]): Promise<WriteResult>;
  close(): Promise<void>;
}

/** HTTP statuses worth retrying: throttling and server trouble. */
export function retryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}
