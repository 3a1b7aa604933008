import { from, lastValueFrom, toArray } from "rxjs";
import { describe, expect, it } from "vitest";
import { batchRows } from "./batch.ts";
import { withBreaker } from "./breaker.ts";
import { withRetry } from "./retry.ts";
import { failed, OK, retryable, type Sink, type WriteResult } from "./sink.ts";

function scripted(results: WriteResult[]): Sink<number> & { calls: number } {
  const sink = {
    name: "scripted",
    calls: 0,
    write: async () => results[Math.min(sink.calls++, results.length - 1)] ?? OK,
    close: async () => undefined,
  };
  return sink;
}

describe("retry wrapper", () => {
  it("retries retryable results with growing delays, up to the attempt limit", async () => {
    const delays: number[] = [];
    const sink = scripted([retryable("down"), retryable("down"), OK]);
    const r = withRetry(sink, { maxAttempts: 5, baseMs: 100, maxMs: 10_000, sleep: async (ms) => void delays.push(ms) });
    expect((await r.write([1])).kind).toBe("ok");
    expect(sink.calls).toBe(3);
    expect(delays[0]).toBeGreaterThanOrEqual(80);
    expect(delays[0]).toBeLessThanOrEqual(120);
    expect(delays[1]).toBeGreaterThanOrEqual(120); // × 1.5, ± 20 %
    const stuck = scripted([retryable("down")]);
    expect((await withRetry(stuck, { maxAttempts: 3, baseMs: 1, maxMs: 1, sleep: async () => undefined }).write([1])).kind).toBe("retryable");
    expect(stuck.calls).toBe(3);
    const bad = scripted([failed("bad row")]);
    expect((await withRetry(bad, { maxAttempts: 3, baseMs: 1, maxMs: 1, sleep: async () => undefined }).write([1])).kind).toBe("failed");
    expect(bad.calls).toBe(1);
  });
});

describe("circuit breaker", () => {
  it("opens after consecutive failures, refuses without calling, then lets one trial through", async () => {
    let now = 0;
    const sink = scripted([retryable("1"), retryable("2"), retryable("3"), OK]);
    const b = withBreaker(sink, { failureThreshold: 2, openMs: 1000, now: () => now });
    await b.write([1]);
    await b.write([1]);
    expect(b.state).toBe("open");
    const refused = await b.write([1]);
    expect(refused.kind).toBe("retryable");
    expect(sink.calls).toBe(2);
    now = 1500;
    expect((await b.write([1])).kind).toBe("retryable"); // the trial fails: open again
    expect(b.state).toBe("open");
    now = 3000;
    expect((await b.write([1])).kind).toBe("ok");
    expect(b.state).toBe("closed");
  });
});

describe("batching", () => {
  it("batches by rows and flushes the remainder", async () => {
    const batches = await lastValueFrom(from([3, 3, 3, 10, 1]).pipe(batchRows<number>(6, 1000, (n) => n), toArray()));
    expect(batches).toEqual([[3, 3], [3], [10], [1]]);
  });
});
