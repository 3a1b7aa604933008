/**
 * Issue 14: a warm-standby rollup takes over through the lease in JetStream KV when the active one is
 * killed (-9), within seconds, and the totals equal pricing every snapshot by hand: nothing lost,
 * nothing counted twice.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Runtime } from "../../bus/runtime.ts";
import { snapshotId, subjects } from "../../bus/subjects.ts";
import { validateConfig } from "../../config/load.ts";
import type { CostRollup } from "../../model/events.ts";
import { readPriceSnapshot, SnapshotPriceBook } from "../../pricing/snapshot/snapshot.ts";
import { priceSnapshot } from "../../processors/pricer/cost-model.ts";
import { syntheticSnapshot } from "../../bench/synth.ts";
import { openTestRuntime, readStream, spawnKce, startNatsServer, testRawConfig, waitFor, writeConfigFile, type KceProcess, type NatsServerHandle } from "../../testkit/index.ts";

const CLUSTER = "standby";
const MINUTE = 60_000;
let nats: NatsServerHandle;
let rt: Runtime;
let raw: Record<string, unknown>;

beforeAll(async () => {
  nats = await startNatsServer();
  raw = testRawConfig(nats.url, { cluster: CLUSTER, rollup: { allowedLatenessSeconds: 3600, lease: { seconds: 3 } }, telemetry: { logLevel: "info" } });
  rt = await openTestRuntime(validateConfig(raw));
});

afterAll(async () => {
  await rt?.close();
  await nats?.stop();
});

async function hourTotal(): Promise<{ nodeCost: number; snapshots: number }> {
  const latest = new Map<string, CostRollup>();
  for (const m of await readStream(rt.js, rt.jsm, "KCE_ROLLUP", `kce.rollup.1h.${CLUSTER}.>`)) {
    const r = await rt.codecs.rollup.decode(m.data, m.headers);
    if ((latest.get(`${r.windowStartMs}/${r.part}`)?.rev ?? -1) < r.rev) latest.set(`${r.windowStartMs}/${r.part}`, r);
  }
  let nodeCost = 0;
  let snapshots = 0;
  for (const r of latest.values()) {
    nodeCost += r.nodes.reduce((s, n) => s + n.nodeCost, 0);
    if (r.part === 0) snapshots += r.snapshotCount;
  }
  return { nodeCost, snapshots };
}

describe("warm-standby rollup", () => {
  it("the standby takes over within seconds of a kill -9, without losing or doubling anything", async () => {
    const config = writeConfigFile(raw);
    const procs: KceProcess[] = [spawnKce(["rollup", "--config", config]), spawnKce(["rollup", "--config", config])];
    try {
      const activeIndex = await waitFor("one active rollup", () => {
        const i = procs.findIndex((p) => p.output().includes("rollup active (holds the lease)"));
        return i >= 0 ? i : undefined;
      }, 20_000);
      const standbyIndex = 1 - activeIndex;
      await waitFor("the other on standby", () => procs[standbyIndex]?.output().includes("rollup on standby") || undefined, 20_000);
      const config0 = validateConfig(raw);
      const book = new SnapshotPriceBook(readPriceSnapshot(), config0.pricing);
      const first = Math.floor(Date.now() / MINUTE) * MINUTE - 20 * MINUTE;
      let expected = 0;
      const publish = async (w: number) => {
        for (let n = 0; n < 4; n++) {
          const priced = priceSnapshot(syntheticSnapshot(CLUSTER, n, first + w * MINUTE, 10), book, config0.pricing, Date.now());
          expected += priced.nodeCost.windowCost;
          const { data, headers } = rt.codecs.priced.encode(priced);
          await rt.publisher.publish({ subject: subjects.priced(CLUSTER, priced.node), data, headers, msgId: snapshotId(CLUSTER, priced.node, priced.windowStartMs) });
        }
      };
      for (let w = 0; w < 8; w++) await publish(w);
      await waitFor("the first snapshots rolled up", async () => ((await hourTotal()).snapshots >= 32 ? true : undefined), 20_000);
      await procs[activeIndex]?.kill9();
      const killedAt = Date.now();
      for (let w = 8; w < 16; w++) await publish(w);
      await waitFor("the standby active", () => procs[standbyIndex]?.output().includes("rollup active (holds the lease)") || undefined, 20_000);
      const tookOverMs = Date.now() - killedAt;
      expect(tookOverMs).toBeLessThan(10_000); // lease 3 s
      const total = await waitFor("every snapshot rolled up", async () => {
        const t = await hourTotal();
        return t.snapshots >= 64 ? t : undefined;
      }, 60_000);
      expect(total.snapshots).toBe(64);
      expect(Math.abs(total.nodeCost - expected) / expected).toBeLessThan(1e-9);
    } finally {
      for (const p of procs) await p.kill9();
    }
  }, 120_000);
});
