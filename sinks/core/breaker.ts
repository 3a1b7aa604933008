import { retryable, type Sink, type WriteResult } from "./sink.ts";

/** The circuit breaker refused a write without calling the target. */
export class CircuitOpenError extends Error {
  override readonly name = "CircuitOpenError";
}

export type BreakerState = "closed" | "open" | "half-open";

export interface BreakerOptions {
  /** Consecutive retryable failures that open the circuit. */
  failureThreshold: number;
  /** How long it stays open before one trial write is let through. */
  openMs: number;
  now?: () => number;
  onStateChange?: (state: BreakerState) => void;
}

/**
 * Stops hammering a target that keeps failing: after `failureThreshold` consecutive retryable
 * failures, writes are refused (as retryable, so nothing is lost) for `openMs`; then one trial
 * write decides whether to close the circuit again.
 */
export function withBreaker<T>(sink: Sink<T>, options: BreakerOptions): Sink<T> & { readonly state: BreakerState } {
  const now = options.now ?? Date.now;
  let state: BreakerState = "closed";
  let failures = 0;
  let openedAt = 0;
  const move = (next: BreakerState) => {
    if (next !== state) {
      state = next;
      options.onStateChange?.(next);
    }
  };
  return {
    name: sink.name,
    get state() {
      return state;
    },
    close: () => sink.close(),
    async write(batch: readonly T[]): Promise<WriteResult> {
      if (state === "open") {
        if (now() - openedAt < options.openMs) return retryable(new CircuitOpenError(`${sink.name}: circuit open after ${failures} failures; retrying in ${Math.ceil((options.openMs - (now() - openedAt)) / 1000)} s`));
        move("half-open");
      }
      const result = await sink.write(batch);
      if (result.kind === "retryable") {
        failures += 1;
        if (state === "half-open" || failures >= options.failureThreshold) {
          openedAt = now();
          move("open");
        }
      } else {
        failures = 0;
        move("closed");
      }
      return result;
    },
  };
}
