import { readdirSync, statSync } from "node:fs";
import { DeliverPolicy } from "@nats-io/jetstream";
import { ordered$ } from "../bus/ordered.ts";
import { snapshotId, subjects } from "../bus/subjects.ts";
import { validateConfig } from "../config/load.ts";
import { freePort } from "../local/ports.ts";
import type { CostRollup } from "../model/events.ts";
import { RollupAssembler } from "../processors/rollup/parts.ts";
import { openTestRuntime, spawnKce, startNatsServer, testRawConfig, waitFor, writeConfigFile } from "../testkit/index.ts";
import { cpuSecondsOf, rssMb } from "./stats.ts";
import { publishAll, syntheticSnapshot } from "./synth.ts";

export interface SteadyOptions {
  nodes: number;
  pods: number;
  /** Event time replayed, hours (ending now). */
  hours: number;
  /** 1-minute windows published per second of wall time. */
  windowsPerSecond: number;
}

const HOUR_MS = 3_600_000;
const MARKS = [1, 2, 4, 6, 12, 18, 24, 48];

/**
 * `npm run bench -- steady` (issue 16): `kce all` with the production emit intervals and retention is fed
 * `nodes × pods` pods, one 1-minute window of every node at a time, for `hours` of event time ending now, at a
 * chosen pace; its RSS and CPU are sampled every second. Prints RSS by event hour (the most it reached while
 * that hour was being published), so growth after the first hours shows, then the pace it kept.
 * Knobs (environment, not KCE_*): STEADY_NODES, STEADY_PODS, STEADY_HOURS, STEADY_PACE (windows/s), STEADY_NODE_FLAGS,
 * STEADY_HEAP_SNAPSHOT=1.
 */
export async function benchSteady(o: SteadyOptions = steadyOptionsFromEnv()): Promise<string[]> {
  const nats = await startNatsServer();
  const apiPort = await freePort();
  const metricsPort = await freePort();
  const rollup = { checkpointIntervalSeconds: 5, emitIntervalSeconds: { "1m": 5, "1h": 30, "1d": 300 } };
  const raw = testRawConfig(nats.url, { cluster: "bench", telemetry: { logLevel: "info" }, rollup, api: { port: apiPort }, sinks: { prometheus: { port: metricsPort } } });
  // STEADY_HEAP_SNAPSHOT=1: a V8 heap snapshot of kce all once the last window is rolled up (Heap.*.heapsnapshot in the working directory).
  const snapshot = process.env["STEADY_HEAP_SNAPSHOT"] === "1";
  // STEADY_NODE_FLAGS: V8/Node flags for kce all (e.g. "--max-old-space-size=320"), as an install would set them.
  const flags = (process.env["STEADY_NODE_FLAGS"] ?? "").split(/\s+/).filter((f) => f !== "");
  const central = spawnKce(["all", "--config", writeConfigFile(raw)], {}, [...flags, ...(snapshot ? ["--heapsnapshot-signal=SIGUSR2"] : [])]);
  const rt = await openTestRuntime(validateConfig(raw), "kce-bench-steady");
  const windows = Math.round(o.hours * 60);
  const base = Math.floor(Date.now() / 60_000) * 60_000 - windows * 60_000;
  const byHour = new Map<number, number>();
  let published = 0;
  let latestRolled = 0;
  try {
    await waitFor("kce all to start", () => central.output().includes(" running"), 30_000);
    const assembler = new RollupAssembler();
    const watch = ordered$(rt.js, { stream: "KCE_ROLLUP", filterSubject: "kce.rollup.1m.>", deliverPolicy: DeliverPolicy.New }).subscribe((msg) => {
      void rt.codecs.rollup.decode(msg.data, msg.headers).then((part) => {
        const r: CostRollup | undefined = assembler.add(part);
        if (r !== undefined && r.snapshotCount >= o.nodes) latestRolled = Math.max(latestRolled, r.windowStartMs);
      });
    });
    const sampler = setInterval(() => {
      const hour = Math.ceil((published * 60_000) / HOUR_MS) || 1;
      byHour.set(hour, Math.max(byHour.get(hour) ?? 0, rssMb(central.pid) || 0));
    }, 1000);
    const cpu0 = cpuSecondsOf(central.pid);
    const t0 = performance.now();
    for (let w = 0; w < windows; w++) {
      const due = t0 + (w / o.windowsPerSecond) * 1000;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const start = base + w * 60_000;
      const items = Array.from({ length: o.nodes }, (_, n) => {
        const s = syntheticSnapshot("bench", n, start, o.pods);
        return { subject: subjects.usage(s.cluster, s.node), msgId: snapshotId(s.cluster, s.node, s.windowStartMs), ...rt.codecs.usage.encode(s) };
      });
      await publishAll(rt.publisher, items, 64);
      published = w + 1;
    }
    const tPublished = performance.now();
    const last = base + (windows - 1) * 60_000;
    await waitFor("the last window rolled up", () => latestRolled >= last, 1_800_000, 200);
    const tDone = performance.now();
    const cpu = cpuSecondsOf(central.pid) - cpu0;
    clearInterval(sampler);
    watch.unsubscribe();
    if (snapshot) await heapSnapshot(central.pid);
    const memory = await selfMemory(metricsPort);
    const samples = windows * o.nodes * o.pods;
    const wall = (tDone - t0) / 1000;
    const rssAt = (h: number) => byHour.get(h);
    const marks = MARKS.filter((h) => h <= Math.ceil(o.hours) && rssAt(h) !== undefined);
    const peak = Math.max(...byHour.values());
    const six = rssAt(6);
    const end = rssAt(Math.ceil(o.hours));
    return [
      `## Steady state: kce all${flags.length > 0 ? ` (${flags.join(" ")})` : ""}, ${(o.nodes * o.pods).toLocaleString("en-US")} pods (${o.nodes} nodes × ${o.pods}), ${o.hours} h of event time at ${o.windowsPerSecond} windows/s`,
      "",
      `| event hour | ${marks.map((h) => String(h)).join(" | ")} | peak |`,
      `|---|${marks.map(() => "---|").join("")}---|`,
      `| RSS (MB) | ${marks.map((h) => Math.round(rssAt(h) ?? NaN)).join(" | ")} | ${Math.round(peak)} |`,
      "",
      `${samples.toLocaleString("en-US")} pod-samples in ${wall.toFixed(0)} s (published in ${((tPublished - t0) / 1000).toFixed(0)} s; the last window rolled ${((tDone - tPublished) / 1000).toFixed(1)} s after it was published): ${Math.round(samples / wall).toLocaleString("en-US")} pod-samples/s, ${((cpu / samples) * 1e6).toFixed(1)} µs CPU per pod-sample.`,
      six !== undefined && end !== undefined ? `Growth from hour 6 to hour ${Math.ceil(o.hours)}: ${(((end - six) / six) * 100).toFixed(1)} %.` : "",
      `At the end (kube_cost_process_memory_bytes): ${memory}.`,
    ];
  } finally {
    await central.stop();
    await rt.close();
    await nats.stop();
  }
}

/** kce all's own account of its memory, from its self-metrics. */
async function selfMemory(port: number): Promise<string> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const kinds = [...text.matchAll(/^kube_cost_process_memory_bytes\{kind="([a-z_]+)"\} (\S+)$/gm)];
  return kinds.map(([, kind, v]) => `${kind} ${Math.round(Number(v) / 2 ** 20)} MB`).join(", ");
}

/** Asks a process started with --heapsnapshot-signal=SIGUSR2 for a heap snapshot and waits until it is written. */
async function heapSnapshot(pid: number): Promise<void> {
  const before = new Set(readdirSync(".").filter((f) => f.endsWith(".heapsnapshot")));
  process.kill(pid, "SIGUSR2");
  let size = -1;
  await waitFor("the heap snapshot to be written", () => {
    const file = readdirSync(".").find((f) => f.endsWith(".heapsnapshot") && !before.has(f));
    if (file === undefined) return false;
    const now = statSync(file).size;
    const done = now > 0 && now === size;
    size = now;
    return done;
  }, 600_000, 2000);
}

function steadyOptionsFromEnv(): SteadyOptions {
  const num = (name: string, fallback: number): number => {
    const v = Number(process.env[name] ?? fallback);
    if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} must be a positive number, got ${process.env[name]}`);
    return v;
  };
  return { nodes: num("STEADY_NODES", 100), pods: num("STEADY_PODS", 100), hours: num("STEADY_HOURS", 24), windowsPerSecond: num("STEADY_PACE", 1) };
}
