/**
 * The chaos run (issue 14): a real nats-server, the pricer (two replicas) and the rollup as separate
 * `kce` processes, usage snapshots published as agents publish them, while stages are killed with
 * SIGKILL and restarted at random moments, the nats-server is restarted, and hostile messages are
 * fed in. Afterwards: every snapshot priced once, the rollup's totals equal to pricing each snapshot
 * by hand, every hostile message dead-lettered, none priced. Used by `npm test` (small) and
 * `npm run chaos` (larger, bounded in time).
 */
import { DLQ_HEADERS } from "../../bus/dlq.ts";
import { subjects, snapshotId } from "../../bus/subjects.ts";
import type { Runtime } from "../../bus/runtime.ts";
import { validateConfig } from "../../config/load.ts";
import type { CostRollup, UsageSnapshot } from "../../model/events.ts";
import { readPriceSnapshot, SnapshotPriceBook } from "../../pricing/snapshot/snapshot.ts";
import { priceSnapshot } from "../../processors/pricer/cost-model.ts";
import { syntheticSnapshot } from "../../bench/synth.ts";
import { openTestRuntime, readStream, spawnKce, startNatsServer, testRawConfig, waitFor, writeConfigFile, type KceProcess, type NatsServerHandle } from "../../testkit/index.ts";

export interface ChaosOptions {
  nodes: number;
  podsPerNode: number;
  /** Minute windows per node, ending at the current minute. */
  windows: number;
  /** Wall time the publishing is spread over, ms. */
  spreadMs: number;
  kills: number;
  natsRestarts: number;
  hostile: number;
  seed: number;
}

export interface ChaosReport {
  published: number;
  priced: number;
  kills: number;
  natsRestarts: number;
  hostileSent: number;
  hostileDeadLettered: number;
  hostilePriced: number;
  /** |Σ rollup − Σ by hand| / Σ by hand, per quantity. */
  nodeCostDiff: number;
  podCostDiff: number;
  durationMs: number;
}

const CLUSTER = "chaos";
const MINUTE = 60_000;

/** A small deterministic PRNG (mulberry32), so a failing run can be repeated by its seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Publishes until JetStream acknowledges (the server may be restarting). */
async function publishSure(rt: Runtime, subject: string, data: Uint8Array, headers: Parameters<Runtime["publisher"]["publish"]>[0]["headers"], msgId: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await rt.publisher.publish({ subject, data, headers, msgId });
      return;
    } catch (error) {
      if (attempt > 200) throw error;
      await sleep(100);
    }
  }
}

function hostileMessage(rt: Runtime, random: () => number, i: number, now: number): { subject: string; data: Uint8Array; headers: ReturnType<Runtime["codecs"]["usage"]["encode"]>["headers"]; msgId: string } {
  const start = Math.floor(now / MINUTE) * MINUTE - 5 * MINUTE;
  const base = syntheticSnapshot(CLUSTER, 900 + i, start, 2);
  const enc = (s: UsageSnapshot) => rt.codecs.usage.encode(s);
  switch (i % 5) {
    case 0: {
      const bytes = new Uint8Array(64).map(() => Math.floor(random() * 256));
      return { subject: subjects.usage(CLUSTER, base.node), data: bytes, headers: enc(base).headers, msgId: snapshotId(CLUSTER, base.node, start) };
    }
    case 1:
      return { subject: `kce.usage.${CLUSTER}.bad_QQ${i}`, ...enc(base), msgId: `hostile-token-${i}` };
    case 2: {
      const s = { ...base, pods: base.pods.map((p) => ({ ...p, cpuCoreSeconds: 1e12 })) };
      return { subject: subjects.usage(CLUSTER, s.node), ...enc(s), msgId: snapshotId(CLUSTER, s.node, start) };
    }
    case 3: {
      const s = { ...base, windowStartMs: start + 2 * 3_600_000 };
      return { subject: subjects.usage(CLUSTER, s.node), ...enc(s), msgId: snapshotId(CLUSTER, s.node, s.windowStartMs) };
    }
    default: {
      const s = { ...base, nodeInfo: { ...base.nodeInfo, cpuCores: 0, memoryBytes: 0 } };
      return { subject: subjects.usage(CLUSTER, s.node), ...enc(s), msgId: snapshotId(CLUSTER, s.node, start) };
    }
  }
}

/** The latest revision of every rollup part, summed over the 1h windows. */
async function rollupTotals(rt: Runtime): Promise<{ nodeCost: number; podCost: number; snapshots: number }> {
  const latest = new Map<string, CostRollup>();
  for (const m of await readStream(rt.js, rt.jsm, "KCE_ROLLUP", `kce.rollup.1h.${CLUSTER}.>`)) {
    const r = await rt.codecs.rollup.decode(m.data, m.headers);
    const key = `${r.windowStartMs}/${r.part}`;
    if ((latest.get(key)?.rev ?? -1) < r.rev) latest.set(key, r);
  }
  let nodeCost = 0;
  let podCost = 0;
  let snapshots = 0;
  for (const r of latest.values()) {
    nodeCost += r.nodes.reduce((s, n) => s + n.nodeCost, 0);
    podCost += r.rows.filter((row) => row.dimension === "namespace").reduce((s, row) => s + row.totalCost, 0);
    if (r.part === 0) snapshots += r.snapshotCount;
  }
  return { nodeCost, podCost, snapshots };
}

export async function runChaos(o: ChaosOptions, say: (line: string) => void = () => undefined): Promise<ChaosReport> {
  const began = Date.now();
  const random = rng(o.seed);
  const nats: NatsServerHandle = await startNatsServer();
  const raw = testRawConfig(nats.url, { cluster: CLUSTER, rollup: { allowedLatenessSeconds: 3600 }, consumer: { ackWaitSeconds: 5 }, nats: { startupWaitSeconds: 60 } });
  const configFile = writeConfigFile(raw);
  const rt = await openTestRuntime(validateConfig(raw), "chaos-driver");
  const roles = ["pricer", "pricer", "rollup"];
  const procs: KceProcess[] = roles.map((r) => spawnKce([r, "--config", configFile]));
  const report: ChaosReport = { published: 0, priced: 0, kills: 0, natsRestarts: 0, hostileSent: 0, hostileDeadLettered: 0, hostilePriced: 0, nodeCostDiff: NaN, podCostDiff: NaN, durationMs: 0 };
  try {
    const now = Date.now();
    const first = Math.floor(now / MINUTE) * MINUTE - o.windows * MINUTE;
    const snapshots: UsageSnapshot[] = [];
    for (let w = 0; w < o.windows; w++) for (let n = 0; n < o.nodes; n++) snapshots.push(syntheticSnapshot(CLUSTER, n, first + w * MINUTE, o.podsPerNode));
    // When each fault happens, in wall time from the start of publishing.
    const faults = [
      ...Array.from({ length: o.kills }, () => ({ atMs: random() * o.spreadMs, kind: "kill" as const })),
      ...Array.from({ length: o.natsRestarts }, () => ({ atMs: random() * o.spreadMs, kind: "nats" as const })),
    ].sort((a, b) => a.atMs - b.atMs);
    const started = Date.now();
    const chaos = (async () => {
      for (const f of faults) {
        await sleep(Math.max(0, started + f.atMs - Date.now()));
        if (f.kind === "kill") {
          const i = Math.floor(random() * procs.length);
          await procs[i]?.kill9();
          await sleep(200 + random() * 800);
          procs[i] = spawnKce([roles[i] ?? "pricer", "--config", configFile]);
          report.kills++;
          say(`kill -9 ${roles[i] ?? ""} at +${Math.round(f.atMs)} ms, restarted`);
        } else {
          await nats.stop({ keepStore: true });
          await sleep(1000 + random() * 2000);
          await nats.restart();
          report.natsRestarts++;
          say(`nats-server restarted at +${Math.round(f.atMs)} ms`);
        }
      }
    })();
    const hostileEvery = Math.max(1, Math.floor(snapshots.length / Math.max(1, o.hostile)));
    for (const [i, s] of snapshots.entries()) {
      await sleep(Math.max(0, started + (i / snapshots.length) * o.spreadMs - Date.now()));
      const { data, headers } = rt.codecs.usage.encode(s);
      await publishSure(rt, subjects.usage(s.cluster, s.node), data, headers, snapshotId(s.cluster, s.node, s.windowStartMs));
      report.published++;
      if (i % hostileEvery === 0 && report.hostileSent < o.hostile) {
        const h = hostileMessage(rt, random, report.hostileSent, now);
        await publishSure(rt, h.subject, h.data, h.headers, h.msgId);
        report.hostileSent++;
      }
    }
    await chaos;
    // By hand: every snapshot priced with the same offline book.
    const config = validateConfig(raw);
    const book = new SnapshotPriceBook(readPriceSnapshot(), config.pricing);
    let nodeCost = 0;
    let podCost = 0;
    for (const s of snapshots) {
      const p = priceSnapshot(s, book, config.pricing, 0);
      nodeCost += p.nodeCost.windowCost;
      podCost += p.pods.reduce((sum, pod) => sum + pod.totalCost, 0);
    }
    let last: Awaited<ReturnType<typeof rollupTotals>> | undefined;
    const settled = await waitFor("the rollup to include every snapshot", async () => {
      last = await rollupTotals(rt);
      return last.snapshots >= snapshots.length ? last : undefined;
    }, 120_000, 1000).catch(async (error: unknown) => {
      // Say how far it got, and what the processes said, so a failure can be read.
      const priced = (await rt.jsm.streams.info("KCE_PRICED")).state.messages;
      const consumers = await rt.jsm.consumers.list("KCE_PRICED").next();
      say(`rollup has ${last?.snapshots ?? "?"} of ${snapshots.length} snapshots; KCE_PRICED holds ${priced}; consumers ${consumers.map((c) => `${c.name}: pending ${c.num_pending}, ack pending ${c.num_ack_pending}, redelivered ${c.num_redelivered}`).join("; ")}`);
      procs.forEach((p, i) => say(`${roles[i] ?? "?"} output (last 3000 chars): ${p.output().slice(-3000)}`));
      throw error;
    });
    const priced = new Set((await readStream(rt.js, rt.jsm, "KCE_PRICED", `kce.priced.${CLUSTER}.>`)).map((m) => m.headers?.get("Nats-Msg-Id") ?? ""));
    report.priced = [...priced].filter((id) => id !== "").length;
    const legit = new Set(snapshots.map((s) => snapshotId(s.cluster, s.node, s.windowStartMs)));
    report.hostilePriced = [...priced].filter((id) => !legit.has(id)).length;
    const dead = await readStream(rt.js, rt.jsm, "KCE_DLQ", "kce.dlq.pricer");
    report.hostileDeadLettered = new Set(dead.map((m) => m.headers?.get(DLQ_HEADERS.sequence) ?? String(m.seq))).size;
    report.nodeCostDiff = Math.abs(settled.nodeCost - nodeCost) / nodeCost;
    report.podCostDiff = Math.abs(settled.podCost - podCost) / podCost;
  } finally {
    for (const p of procs) await p.kill9();
    await rt.close();
    await nats.stop();
    report.durationMs = Date.now() - began;
  }
  return report;
}
