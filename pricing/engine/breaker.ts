export type CircuitState = "closed" | "open" | "half-open";

/**
 * Per provider: after `threshold` consecutive failed calls the circuit opens and calls are refused
 * for `openMs`; then one trial call decides. While open, the price book serves its last prices,
 * flagged `stale-cache` once they pass their TTL.
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  state: CircuitState = "closed";
  private readonly threshold: number;
  private readonly openMs: number;
  private readonly now: () => number;

  constructor(threshold: number, openMs: number, now: () => number = Date.now) {
    this.threshold = threshold;
    this.openMs = openMs;
    this.now = now;
  }

  /** Whether a call may go out now (an open circuit lets one trial through after `openMs`). */
  allow(): boolean {
    if (this.state !== "open") return true;
    if (this.now() - this.openedAt < this.openMs) return false;
    this.state = "half-open";
    return true;
  }

  /** Milliseconds until an open circuit lets a trial call through. */
  retryInMs(): number {
    return this.state === "open" ? Math.max(0, this.openMs - (this.now() - this.openedAt)) : 0;
  }

  success(): void {
    this.failures = 0;
    this.state = "closed";
  }

  failure(): void {
    this.failures += 1;
    if (this.state === "half-open" || this.failures >= this.threshold) {
      this.state = "open";
      this.openedAt = this.now();
    }
  }
}
