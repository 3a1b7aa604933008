import { join } from "node:path";
import { buildDist, DIST } from "../scripts/build.ts";
import { commandNodeFlags } from "../install/objects.ts";
import { benchEnv } from "./env.ts";
import { DeliverPolicy } from "@nats-io/jetstream";
import { ordered$ } from "../bus/ordered.ts";
import type { Outgoing } from "../bus/publisher.ts";
import { snapshotId, subjects } from "../bus/subjects.ts";
import { validateConfig } from "../config/load.ts";
import type { CostRollup } from "../model/events.ts";
import { RollupAssembler } from "../processors/rollup/parts.ts";
import { openTestRuntime, spawnKce, startNatsServer, waitFor, writeConfigFile } from "../testkit/index.ts";
import { testRawConfig } from "../testkit/config.ts";
import { cpuSecondsOf, rssMb } from "./stats.ts";
import { publishAll, syntheticSnapshot } from "./synth.ts";

export interface PipelineResult {
  lines: string[];
  podSamplesPerSecond: number;
  /** Peak RSS of each central process, MB. */
  peakRssMb: number[];
  /** CPU seconds the central processes used from the first publish to the last fold. */
  cpuSeconds: number;
}


/**
 * End-to-end throughput: `nodes × windows` usage snapshots of `pods` pods each are published as
 * agents would; `kce all` (pricer, rollup, savings, Prometheus sink) runs in its own process.
 * Measured from the first publish until the rollup has folded every snapshot (the 1m windows' snapshotCount).
 */
export async function benchPipeline(topology: "all" | "split", nodes = 100, pods = 100, windows = 30, publishers = 256, built = false): Promise<PipelineResult> {
  // built: the stages as the image runs them (npm run build → dist/main.js), else from the sources.
  const main = built ? (await buildDist(), join(DIST, "main.js")) : undefined;
  // Each stage with the Node flags the install gives it.
  // The install's environment (its allocator settings) per stage; PIPELINE_ENV="A=1 …" over it.
  const spawnStage = (args: string[]) => spawnKce(args, benchEnv(args[0] ?? "", process.env["PIPELINE_ENV"] ?? "", "PIPELINE_ENV"), commandNodeFlags(args[0] ?? ""), main);
  const nats = await startNatsServer();
  const raw = testRawConfig(nats.url, {
    cluster: "bench",
    telemetry: { logLevel: "info" },
    consumer: { maxInFlight: 2048, ackWaitSeconds: 60 },
    pricer: { concurrency: 128 },
    savings: { concurrency: 128 },
    // Production emit intervals for 1h/1d (their revisions carry every pod); completion is read
    // from the 1m windows, republished every second.
    // The production lease (30 s; the tests' is 10 s): a burst keeps kce all's event loop busy for seconds, and a lease
    // that short expired under it — the rollup stepped down and the run stalled for the lease and the ack wait.
    rollup: { allowedLatenessSeconds: 7200, emitIntervalSeconds: { "1m": 1, "1h": 30, "1d": 300 }, lease: { seconds: 30 } },
  });
  const file = writeConfigFile(raw);
  const central = topology === "all" ? [spawnStage(["all", "--config", file])] : ["pricer", "rollup", "savings", "sink-prometheus"].map((s) => spawnStage([s, "--config", file]));
  const rt = await openTestRuntime(validateConfig(raw), "kce-bench");
  try {
    await waitFor("the central stages to start", () => central.every((p) => p.output().includes(" running")), 30_000);
    const total = nodes * windows;
    const base = Math.floor(Date.now() / 60_000) * 60_000 - (windows + 1) * 60_000;
    const encoded: Outgoing[] = [];
    for (let w = 0; w < windows; w++) {
      for (let n = 0; n < nodes; n++) {
        const s = syntheticSnapshot("bench", n, base + w * 60_000, pods);
        encoded.push({ subject: subjects.usage(s.cluster, s.node), msgId: snapshotId(s.cluster, s.node, s.windowStartMs), ...rt.codecs.usage.encode(s) });
      }
    }
    const bytes = encoded.reduce((sum, e) => sum + e.data.byteLength, 0);

    let folded = 0;
    const assembler = new RollupAssembler();
    const latest = new Map<number, CostRollup>();
    const watch = ordered$(rt.js, { stream: "KCE_ROLLUP", filterSubject: "kce.rollup.1m.>", deliverPolicy: DeliverPolicy.All }).subscribe((msg) => {
      void rt.codecs.rollup.decode(msg.data, msg.headers).then((part) => {
        const r = assembler.add(part);
        if (r === undefined) return;
        const known = latest.get(r.windowStartMs);
        if (known === undefined || known.rev < r.rev) latest.set(r.windowStartMs, r);
        folded = [...latest.values()].reduce((s, x) => s + x.snapshotCount, 0);
      });
    });

    // Peak RSS of each central process while it works.
    const peak = new Map(central.map((p) => [p.pid, 0]));
    const sampler = setInterval(() => {
      for (const p of central) peak.set(p.pid, Math.max(peak.get(p.pid) ?? 0, rssMb(p.pid) || 0));
    }, 500);
    const cpu0 = central.reduce((a, p) => a + cpuSecondsOf(p.pid), 0);
    const t0 = performance.now();
    await publishAll(rt.publisher, encoded, publishers);
    const tPublished = performance.now();
    const tPriced = await waitFor("every snapshot priced", async () => ((await rt.jsm.streams.info("KCE_PRICED")).state.messages >= total ? performance.now() : undefined), 600_000, 50);
    const tRolled = await waitFor("every snapshot rolled up", () => (folded >= total ? performance.now() : undefined), 600_000, 50);
    const cpuSeconds = central.reduce((a, p) => a + cpuSecondsOf(p.pid), 0) - cpu0;
    watch.unsubscribe();
    clearInterval(sampler);
    const names = topology === "all" ? ["kce all"] : ["pricer", "rollup", "savings", "sink-prometheus"];
    const memory = central.map((p, i) => `${names[i] ?? "?"} ${Math.round(peak.get(p.pid) ?? NaN)} MB`).join(", ");
    const seconds = (tRolled - t0) / 1000;
    const samples = total * pods;
    const rate = samples / seconds;
    return {
      podSamplesPerSecond: rate,
      peakRssMb: central.map((p) => peak.get(p.pid) ?? NaN),
      cpuSeconds,
      lines: [
        `pipeline (${topology === "all" ? "kce all: every central stage in one process" : "one process per stage: pricer, rollup, savings, sink-prometheus"}${built ? ", built (dist/main.js)" : ""}): ${total} snapshots × ${pods} pods = ${samples} pod-samples (${(bytes / total / 1024).toFixed(1)} KiB Avro per snapshot)`,
        `  published (PubAck'd) in ${((tPublished - t0) / 1000).toFixed(2)} s; priced by ${((tPriced - t0) / 1000).toFixed(2)} s; rolled up by ${seconds.toFixed(2)} s`,
        `  end to end: ${Math.round(rate).toLocaleString("en-US")} pod-samples/s (${Math.round(total / seconds)} snapshots/s); target 100,000 → ${(rate / 100_000).toFixed(2)}x`,
        `  peak RSS during the run: ${memory}`,
      ],
    };
  } finally {
    for (const p of central) await p.stop();
    await rt.close();
    await nats.stop();
  }
}

/**
 * `npm run bench -- scaling`: `kce all` at 1,000, 10,000 and 100,000 pods (100 pods per node), so a user can size
 * the deployment: throughput, CPU seconds per pod-sample, peak RSS. The 100k run publishes fewer windows.
 */
export async function benchScaling(): Promise<string[]> {
  const lines = [
    "| pods | windows | pod-samples | pod-samples/s | CPU µs per pod-sample | peak RSS (kce all) |",
    "|---|---|---|---|---|---|",
  ];
  for (const [nodes, windows] of [[10, 30], [100, 30], [1000, 5]] as const) {
    const r = await benchPipeline("all", nodes, 100, windows);
    const samples = nodes * 100 * windows;
    lines.push(`| ${(nodes * 100).toLocaleString("en-US")} | ${windows} | ${samples.toLocaleString("en-US")} | ${Math.round(r.podSamplesPerSecond).toLocaleString("en-US")} | ${((r.cpuSeconds / samples) * 1e6).toFixed(1)} | ${Math.round(r.peakRssMb[0] ?? NaN)} MB |`);
  }
  return [`## Scaling: kce all at 1k / 10k / 100k pods`, "", ...lines];
}
