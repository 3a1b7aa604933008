/**
 * Exponential backoff with jitter: base × factor^(attempt-1), capped, then ±jitter.
 * `attempt` starts at 1. `random` is injectable for tests.
 */
export function backoffMs(
  attempt: number,
  options: { baseMs: number; factor?: number; maxMs?: number; jitter?: number; random?: () => number },
): number {
  const factor = options.factor ?? 2;
  const maxMs = options.maxMs ?? 60_000;
  const jitter = options.jitter ?? 0.2;
  const random = options.random ?? Math.random;
  const raw = Math.min(maxMs, options.baseMs * factor ** Math.max(0, attempt - 1));
  return Math.max(0, Math.round(raw * (1 + jitter * (2 * random() - 1))));
}
