/**
 * Issue 14, faults 2, 3, 4, 5 and 7 through a real pricer and rollup on a real nats-server: bad input
 * is dead-lettered at once with its reason, never retried, never silently absorbed, and never closes
 * windows for good data; late data leaves every resolution with the same total.
 */
import type { JsMsg } from "@nats-io/jetstream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DLQ_HEADERS } from "../../bus/dlq.ts";
import type { Runtime } from "../../bus/runtime.ts";
import { snapshotId, subjects } from "../../bus/subjects.ts";
import type { CostRollup, UsageSnapshot } from "../../model/events.ts";
import { readPriceSnapshot, SnapshotPriceBook } from "../../pricing/snapshot/snapshot.ts";
import { createPricer } from "../../processors/pricer/stage.ts";
import { createRollup } from "../../processors/rollup/stage.ts";
import { nodeInfo, podUsage, usageSnapshot } from "../../testkit/fixtures.ts";
import { openTestRuntime, startInProcess, readStream, startNatsServer, testConfig, waitFor, type InProcessStages, type NatsServerHandle } from "../../testkit/index.ts";

const CLUSTER = "hostile";
const MINUTE = 60_000;
let nats: NatsServerHandle;
let rt: Runtime;
let stages: InProcessStages | undefined;

/** The start of the minute `back` minutes before the current one. */
const minuteAgo = (back: number): number => Math.floor(Date.now() / MINUTE) * MINUTE - back * MINUTE;

function snapshot(node: string, windowStartMs: number, overrides: Partial<UsageSnapshot> = {}): UsageSnapshot {
  return usageSnapshot({ cluster: CLUSTER, node, windowStartMs, sampledAtMs: windowStartMs + MINUTE, pods: [podUsage({ uid: `${node}-p`, name: `${node}-p` })], ...overrides });
}

async function publish(s: UsageSnapshot, subject = subjects.usage(s.cluster, s.node), msgId = snapshotId(s.cluster, s.node, s.windowStartMs)): Promise<void> {
  const { data, headers } = rt.codecs.usage.encode(s);
  await rt.js.publish(subject, data, { headers, msgID: msgId });
}

async function deadLetters(stage: string): Promise<JsMsg[]> {
  return readStream(rt.js, rt.jsm, "KCE_DLQ", `kce.dlq.${stage}`);
}

async function dlqReasons(stage: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const m of await deadLetters(stage)) out.set(m.headers?.get(DLQ_HEADERS.subject) + " " + m.headers?.get(DLQ_HEADERS.sequence), m.headers?.get(DLQ_HEADERS.reason) ?? "");
  return out;
}

/** Latest revision per (resolution, window) of the rollups, summed by resolution over `from`..`to`. */
async function totals(from: number, to: number): Promise<Record<string, number>> {
  const latest = new Map<string, CostRollup>();
  for (const m of await readStream(rt.js, rt.jsm, "KCE_ROLLUP", `kce.rollup.*.${CLUSTER}.>`)) {
    const r = await rt.codecs.rollup.decode(m.data, m.headers);
    const key = `${r.resolution}/${r.windowStartMs}/${r.part}`;
    if ((latest.get(key)?.rev ?? -1) < r.rev) latest.set(key, r);
  }
  const out: Record<string, number> = {};
  for (const r of latest.values()) {
    if (r.resolution === "1m" && (r.windowStartMs < from || r.windowStartMs >= to)) continue;
    out[r.resolution] = (out[r.resolution] ?? 0) + r.rows.filter((row) => row.dimension === "namespace").reduce((s, row) => s + row.totalCost, 0);
  }
  return out;
}

beforeAll(async () => {
  nats = await startNatsServer();
  const config = testConfig(nats.url, { cluster: CLUSTER, rollup: { allowedLatenessSeconds: 120 }, consumer: { maxDeliver: 50 } });
  rt = await openTestRuntime(config, "hostile-test");
  stages = await startInProcess(config, "hostile-stage", [(r: Runtime) => createPricer(r, new SnapshotPriceBook(readPriceSnapshot(), r.config.pricing)), createRollup]);
}, 60_000);

afterAll(async () => {
  await stages?.stop();
  await rt?.close();
  await nats?.stop();
});

describe("bad input is dead-lettered with its reason, at once", () => {
  it("a malformed node token is poison on its first delivery, and real data behind it flows (fault 5)", async () => {
    const bad = snapshot("n1", minuteAgo(3));
    for (let i = 0; i < 20; i++) await publish(bad, `kce.usage.${CLUSTER}.bad_ZZtoken${i}`, `bad-token-${i}`);
    const good = snapshot("n-good", minuteAgo(3));
    const t0 = Date.now();
    await publish(good);
    await waitFor("the good snapshot priced", async () => (await readStream(rt.js, rt.jsm, "KCE_PRICED", subjects.priced(CLUSTER, "n-good"))).length > 0 || undefined, 10_000);
    expect(Date.now() - t0).toBeLessThan(5000);
    const dead = await waitFor("20 dead letters", async () => {
      const d = (await deadLetters("pricer")).filter((m) => m.headers?.get(DLQ_HEADERS.reason) === "bad_subject");
      return d.length >= 20 ? d : undefined;
    }, 10_000);
    expect(dead).toHaveLength(20);
  });

  it("implausible usage and capacity-less nodes are refused with their reason (fault 4)", async () => {
    await publish(snapshot("n-huge", minuteAgo(3), { pods: [podUsage({ cpuCoreSeconds: 1e12 })] }));
    await publish(snapshot("n-inf", minuteAgo(3), { pods: [podUsage({ cpuCoreSeconds: 1.7e308 })] }));
    await publish(snapshot("n-empty", minuteAgo(3), { nodeInfo: nodeInfo({ cpuCores: 0, memoryBytes: 0 }) }));
    const reasons = await waitFor("three dead letters", async () => {
      const r = [...(await dlqReasons("pricer")).values()];
      return r.filter((x) => x === "implausible_usage").length >= 2 && r.includes("node_capacity") ? r : undefined;
    }, 10_000);
    expect(reasons.filter((x) => x === "implausible_usage")).toHaveLength(2);
    for (const node of ["n-huge", "n-inf", "n-empty"]) expect(await readStream(rt.js, rt.jsm, "KCE_PRICED", subjects.priced(CLUSTER, node))).toHaveLength(0);
  });

  it("a window an hour in the future is refused and closes nothing for the others (fault 2)", async () => {
    await publish(snapshot("n-fast-clock", minuteAgo(-60)));
    await waitFor("future_window in the DLQ", async () => [...(await dlqReasons("pricer")).values()].includes("future_window") || undefined, 10_000);
    const w = minuteAgo(2);
    await publish(snapshot("n-normal", w));
    await waitFor("n-normal's window in a 1m rollup", async () => {
      const t = await totals(w, w + MINUTE);
      return (t["1m"] ?? 0) > 0 || undefined;
    }, 15_000);
    expect([...(await dlqReasons("rollup")).values()]).not.toContain("late");
  });

  it("a second snapshot for the same node and window under another id goes to the DLQ, not into the first (fault 7)", async () => {
    const first = snapshot("n-twice", minuteAgo(2));
    await publish(first);
    await publish({ ...first, pods: [podUsage({ uid: "other", name: "other", cpuCoreSeconds: 120 })] }, undefined, "someone-else-1");
    await waitFor("duplicate_window in the DLQ", async () => [...(await dlqReasons("pricer")).values()].includes("duplicate_window") || undefined, 10_000);
    expect(await readStream(rt.js, rt.jsm, "KCE_PRICED", subjects.priced(CLUSTER, "n-twice"))).toHaveLength(1);
  });

  it("a snapshot too late for its 1m window is dead-lettered whole, so Σ1m = Σ1h (fault 3)", async () => {
    const w = minuteAgo(3);
    await publish(snapshot("n-a", w));
    await publish(snapshot("n-a", w + 2 * MINUTE));
    // The 1m window of w is final once event time (w + 3 min, never past now) is the lateness (2 min) past its end.
    await waitFor("the 1m window of w final", async () => {
      for (const m of await readStream(rt.js, rt.jsm, "KCE_ROLLUP", `kce.rollup.1m.${CLUSTER}.>`)) {
        const r = await rt.codecs.rollup.decode(m.data, m.headers);
        if (r.windowStartMs === w && r.final) return true;
      }
      return undefined;
    }, 20_000);
    await publish(snapshot("n-late", w));
    await waitFor("the late snapshot in the rollup's DLQ", async () => [...(await dlqReasons("rollup")).values()].includes("late") || undefined, 10_000);
    await new Promise((r) => setTimeout(r, 2500)); // the 1h window's next revision
    const hour = Math.floor(w / 3_600_000) * 3_600_000;
    if (w + 3 * MINUTE <= hour + 3_600_000) {
      const t = await totals(hour, hour + 3_600_000);
      expect(Math.abs((t["1m"] ?? 0) - (t["1h"] ?? 0))).toBeLessThan(1e-9);
    }
  }, 60_000);
});
