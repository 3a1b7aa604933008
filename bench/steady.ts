import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DeliverPolicy } from "@nats-io/jetstream";
import { ordered$ } from "../bus/ordered.ts";
import { snapshotId, subjects } from "../bus/subjects.ts";
import { validateConfig } from "../config/load.ts";
import { freePort } from "../local/ports.ts";
import type { CostRollup } from "../model/events.ts";
import { commandNodeFlags } from "../install/objects.ts";
import { RollupAssembler } from "../processors/rollup/parts.ts";
import { buildDist, DIST } from "../scripts/build.ts";
import { openTestRuntime, spawnKce, type KceProcess, startNatsServer, testRawConfig, waitFor, writeConfigFile } from "../testkit/index.ts";
import { benchEnv } from "./env.ts";
import { cpuSecondsOf, rssBreakdown, rssMb } from "./stats.ts";
import { timeQueries } from "./steady-queries.ts";
import { publishAll, syntheticSnapshot } from "./synth.ts";

export interface SteadyOptions {
  nodes: number;
  pods: number;
  /** Event time replayed, hours (ending now). */
  hours: number;
  /** 1-minute windows published per second of wall time. */
  windowsPerSecond: number;
  /** One process per central stage (as a scaled-out install runs them, with its per-stage Node flags) instead of `kce all`. */
  split: boolean;
  /** The built CLI (dist/main.js, what the image runs) instead of the sources. */
  built: boolean;
  /** Node flags per stage instead of the install's (`STAGE_NODE_FLAGS`), for trying others. */
  stageFlags: Record<string, string[]>;
}

/** The stages the split run starts, one process each. */
const SPLIT_STAGES = ["pricer", "rollup", "savings", "sink-prometheus", "api"];

const HOUR_MS = 3_600_000;
const MARKS = [1, 2, 4, 6, 12, 18, 24, 30, 36, 42, 48];

/**
 * `npm run bench -- steady` (issue 16): `kce all` with the production emit intervals and retention is fed
 * `nodes × pods` pods, one 1-minute window of every node at a time, for `hours` of event time ending now, at a
 * chosen pace; its RSS and CPU are sampled every second. Prints RSS by event hour (the most it reached while
 * that hour was being published), so growth after the first hours shows, then the pace it kept.
 * Knobs (environment, not KCE_*): STEADY_NODES, STEADY_PODS, STEADY_HOURS, STEADY_PACE (windows/s), STEADY_NODE_FLAGS,
 * STEADY_HEAP_SNAPSHOT=1 (or a stage's name), STEADY_HEAP_SNAPSHOT_HOURS, STEADY_SPLIT=1, STEADY_BUILT=1, STEADY_STAGE_FLAGS, STEADY_ENV, STEADY_LIVE, STEADY_SPILL=1 (pricer, rollup, savings, sink-prometheus and api as processes of their own,
 * RSS per process).
 */
export async function benchSteady(o: SteadyOptions = steadyOptionsFromEnv()): Promise<string[]> {
  const nats = await startNatsServer();
  const apiPort = await freePort();
  const metricsPort = await freePort();
  // STEADY_LIVE: rollup.liveIntervalSeconds (default 1, as configured by default; 0 turns live updates off).
  const rollup = { checkpointIntervalSeconds: 5, emitIntervalSeconds: { "1m": 5, "1h": 30, "1d": 300 }, liveIntervalSeconds: Number(process.env["STEADY_LIVE"] ?? 1) };
  // STEADY_SPILL=1: the query API keeps windows older than api.memoryHours in column files (api.spillDir).
  const spillDir = process.env["STEADY_SPILL"] === "1" ? mkdtempSync(join(tmpdir(), "kce-steady-spill-")) : "";
  const raw = testRawConfig(nats.url, { cluster: "bench", telemetry: { logLevel: "info" }, rollup, api: { port: apiPort, spillDir }, sinks: { prometheus: { port: metricsPort } } });
  // STEADY_HEAP_SNAPSHOT=1: a V8 heap snapshot of kce all once the last window is rolled up (Heap.*.heapsnapshot in the working directory).
  // A stage's name instead of 1: that process only (with STEADY_SPLIT=1).
  const snapshotOf = process.env["STEADY_HEAP_SNAPSHOT"];
  const snapshot = snapshotOf !== undefined && snapshotOf !== "" && snapshotOf !== "0";
  // STEADY_HEAP_SNAPSHOT_HOURS="6,24": also as those event hours begin (with STEADY_HEAP_SNAPSHOT), to compare with scripts/heap-tree.ts.
  const snapshotHours = (process.env["STEADY_HEAP_SNAPSHOT_HOURS"] ?? "").split(",").filter((h) => h.trim() !== "").map(Number);
  // STEADY_NODE_FLAGS: V8/Node flags for kce all (e.g. "--max-old-space-size=320"), as an install would set them.
  const flags = (process.env["STEADY_NODE_FLAGS"] ?? "").split(/\s+/).filter((f) => f !== "");
  const file = writeConfigFile(raw);
  const names = o.split ? SPLIT_STAGES : ["all"];
  const main = o.built ? (await buildDist(), join(DIST, "main.js")) : undefined;
  // STEADY_ENV="MALLOC_MMAP_THRESHOLD_=65536 …": environment over the install's for every process, for trying allocator settings.
  const envOf = (name: string): Record<string, string> => benchEnv(name, process.env["STEADY_ENV"] ?? "", "STEADY_ENV");
  const flagsOf = (name: string) => [...(o.stageFlags[name] ?? commandNodeFlags(name)), ...flags, ...(snapshot ? ["--heapsnapshot-signal=SIGUSR2"] : [])];
  // Each process with the install's environment for it (glibc settings), as its Deployment runs it.
  const processes = names.map((name) => spawnKce([name, "--config", file], envOf(name), flagsOf(name), main));
  const rt = await openTestRuntime(validateConfig(raw), "kce-bench-steady");
  const windows = Math.round(o.hours * 60);
  const base = Math.floor(Date.now() / 60_000) * 60_000 - windows * 60_000;
  // RSS by event hour, per process.
  const byHour = names.map(() => new Map<number, number>());
  // Mean RSS by event hour too: the peak catches one second's transient, the mean is what stays.
  const sumByHour = names.map(() => new Map<number, { sum: number; n: number }>());
  let published = 0;
  let latestRolled = 0;
  try {
    await waitFor("the central stages to start", () => processes.every((p) => p.output().includes(" running")), 30_000);
    const assembler = new RollupAssembler();
    const watch = ordered$(rt.js, { stream: "KCE_ROLLUP", filterSubject: "kce.rollup.1m.>", deliverPolicy: DeliverPolicy.New }).subscribe((msg) => {
      void rt.codecs.rollup.decode(msg.data, msg.headers).then((part) => {
        const r: CostRollup | undefined = assembler.add(part);
        if (r !== undefined && r.snapshotCount >= o.nodes) latestRolled = Math.max(latestRolled, r.windowStartMs);
      });
    });
    // The process's own account of its heap as each event hour starts (from /metrics): whether the live set grows, or RSS around it.
    const heapByHour = new Map<number, string>();
    let heapHour = 0;
    let snapshotHour = 0;
    let snapshots = Promise.resolve();
    const snapshotTargets = processes.filter((_, i) => snapshot && (snapshotOf === "1" || snapshotOf === names[i]));
    const sampler = setInterval(() => {
      const hour = Math.ceil((published * 60_000) / HOUR_MS) || 1;
      if (hour !== heapHour && MARKS.includes(hour)) {
        heapHour = hour;
        void selfMemoryOf(metricsPort, ["heap_used", "heap_total", "external"]).then((m) => heapByHour.set(hour, m), () => undefined);
      }
      if (hour !== snapshotHour && snapshotHours.includes(hour)) {
        snapshotHour = hour;
        for (const p of snapshotTargets) snapshots = snapshots.then(() => heapSnapshot(p.pid));
      }
      processes.forEach((p, i) => {
        const rss = rssMb(p.pid) || 0;
        byHour[i]?.set(hour, Math.max(byHour[i]?.get(hour) ?? 0, rss));
        const acc = sumByHour[i]?.get(hour) ?? { sum: 0, n: 0 };
        sumByHour[i]?.set(hour, { sum: acc.sum + rss, n: acc.n + 1 });
      });
    }, 1000);
    const cpu0 = processes.map((p) => cpuSecondsOf(p.pid));
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
    const cpuEach = processes.map((p, i) => cpuSecondsOf(p.pid) - (cpu0[i] ?? 0));
    const cpu = cpuEach.reduce((a, b) => a + b, 0);
    clearInterval(sampler);
    watch.unsubscribe();
    await snapshots;
    for (const p of snapshotTargets) await heapSnapshot(p.pid);
    const memory = await selfMemory(metricsPort);
    const restart = process.env["STEADY_RESTART"] === "1" && !o.split ? await restartAll(processes, () => spawnKce(["all", "--config", file], envOf("all"), flagsOf("all"), main), apiPort, base, windows) : undefined;
    const where = processes.map((p, i) => {
      const b = rssBreakdown(p.pid);
      return `${names[i]}: ${Math.round(rssMb(p.pid))} MB = glibc main heap ${b.mallocMain.toFixed(0)}, glibc arenas ${b.mallocArenas.toFixed(0)}, other anonymous (V8 heap, large buffers) ${b.anonymous.toFixed(0)}, mapped files ${b.files.toFixed(0)}, other ${b.other.toFixed(0)}`;
    });
    // After the breakdown above: the answers a query builds would show in it.
    const queries = await timeQueries(apiPort, metricsPort, base, base + windows * 60_000, processes.map((p) => p.pid));
    const samples = windows * o.nodes * o.pods;
    const wall = (tDone - t0) / 1000;
    const hours = Math.ceil(o.hours);
    const marks = MARKS.filter((h) => h <= hours && byHour[0]?.get(h) !== undefined);
    const rows = names.map((name, i) => {
      const at = byHour[i] ?? new Map<number, number>();
      const perSample = (((cpuEach[i] ?? NaN) / samples) * 1e6).toFixed(1);
      const mean = (h: number) => {
        const acc = sumByHour[i]?.get(h);
        return acc === undefined ? NaN : Math.round(acc.sum / acc.n);
      };
      // Growth of the peak (and of the mean) from one event hour to the last: flat after the first day is the goal.
      const growthFrom = (from: number): string => {
        const start = at.get(from);
        const end = at.get(hours);
        if (start === undefined || end === undefined || from >= hours) return "—";
        const pct = (a: number, b: number) => `${b >= a ? "+" : ""}${(((b - a) / a) * 100).toFixed(1)} %`;
        return `${pct(start, end)} (mean ${pct(mean(from), mean(hours))})`;
      };
      const growth = [growthFrom(6), ...(hours > 24 ? [growthFrom(24)] : [])].join(" | ");
      const how = [...Object.entries(envOf(name)).map(([k, v]) => `${k}=${v}`), ...flagsOf(name)];
      return `| ${name}${how.length > 0 ? ` \`${how.join(" ")}\`` : ""} | ${marks.map((h) => `${Math.round(at.get(h) ?? NaN)} / ${mean(h)}`).join(" | ")} | ${Math.round(Math.max(...at.values()))} | ${growth} | ${perSample} |`;
    });
    return [
      `## Steady state: ${o.split ? "one process per stage" : "kce all"}${o.built ? " (built)" : ""}${spillDir !== "" ? " (api.spillDir set)" : ""}${flags.length > 0 ? ` (${flags.join(" ")})` : ""}, ${(o.nodes * o.pods).toLocaleString("en-US")} pods (${o.nodes} nodes × ${o.pods}), ${o.hours} h of event time at ${o.windowsPerSecond} windows/s`,
      "",
      `| RSS (MB) at event hour, peak / mean | ${marks.map((h) => String(h)).join(" | ")} | peak | growth h6→h${hours}${hours > 24 ? ` | growth h24→h${hours}` : ""} | CPU µs / pod-sample |`,
      `|---|${marks.map(() => "---|").join("")}---|---|${hours > 24 ? "---|" : ""}---|`,
      ...rows,
      "",
      `${samples.toLocaleString("en-US")} pod-samples in ${wall.toFixed(0)} s (published in ${((tPublished - t0) / 1000).toFixed(0)} s; the last window rolled ${((tDone - tPublished) / 1000).toFixed(1)} s after it was published): ${Math.round(samples / wall).toLocaleString("en-US")} pod-samples/s, ${((cpu / samples) * 1e6).toFixed(1)} µs CPU per pod-sample.`,
      `At the end (kube_cost_process_memory_bytes of the process serving /metrics): ${memory}.`,
      `V8 heap used / total and external as event hours began (same process): ${[...heapByHour].map(([h, m]) => `h${h} ${m}`).join("; ")}.`,
      ...(restart === undefined ? [] : [restart]),
      `Resident memory at the end, by mapping (/proc/<pid>/smaps): ${where.join("; ")}.`,
      queries,
    ];
  } finally {
    for (const p of processes) await p.stop();
    if (spillDir !== "") rmSync(spillDir, { recursive: true, force: true });
    await rt.close();
    await nats.stop();
  }
}

/**
 * STEADY_RESTART=1: stops kce all and starts it again on the same streams, and reports its peak RSS until the query API
 * has caught up (it replays every 1h and 1d revision; the other views replay theirs), i.e. until /allocation over the
 * whole run gives the total it gave before the restart. Replaces the process in `processes` (stopped by the caller).
 */
async function restartAll(processes: KceProcess[], spawn: () => KceProcess, apiPort: number, baseMs: number, windows: number): Promise<string> {
  const url = `http://127.0.0.1:${apiPort}/allocation?window=${baseMs / 1000},${(baseMs + windows * 60_000) / 1000}&aggregate=cluster&accumulate=true`;
  const total = async (): Promise<number> => {
    const body = (await (await fetch(url)).json()) as { data?: Array<Record<string, { totalCost?: number }>> };
    return Object.values(body.data?.[0] ?? {}).reduce((a, v) => a + (v.totalCost ?? 0), 0);
  };
  const before = await total();
  await processes[0]?.stop();
  const t0 = performance.now();
  const next = spawn();
  processes[0] = next;
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb(next.pid) || 0)), 200);
  try {
    await waitFor("the restarted API to catch up", async () => Math.abs((await total().catch(() => 0)) - before) <= 1e-9 * before, 1_800_000, 500);
  } finally {
    clearInterval(sampler);
  }
  return `Restarted: kce all caught up in ${((performance.now() - t0) / 1000).toFixed(1)} s (/allocation over the run back to ${before.toFixed(2)}), peak RSS meanwhile ${Math.round(peak)} MB, ${Math.round(rssMb(next.pid))} MB once caught up.`;
}

/** kce all's own account of its memory, from its self-metrics. */
async function selfMemory(port: number): Promise<string> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const kinds = [...text.matchAll(/^kube_cost_process_memory_bytes\{kind="([a-z0-9_]+)"\} (\S+)$/gm)];
  return kinds.map(([, kind, v]) => `${kind} ${Math.round(Number(v) / 2 ** 20)} MB`).join(", ");
}

/** Some kinds of the same account, as "a / b / c MB". */
async function selfMemoryOf(port: number, kinds: readonly string[]): Promise<string> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const mb = (kind: string) => Math.round(Number(new RegExp(`^kube_cost_process_memory_bytes\\{kind="${kind}"\\} (\\S+)$`, "m").exec(text)?.[1] ?? NaN) / 2 ** 20);
  return `${kinds.map(mb).join(" / ")} MB`;
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
  return { nodes: num("STEADY_NODES", 100), pods: num("STEADY_PODS", 100), hours: num("STEADY_HOURS", 24), windowsPerSecond: num("STEADY_PACE", 1), split: process.env["STEADY_SPLIT"] === "1", built: process.env["STEADY_BUILT"] === "1", stageFlags: stageFlagsFromEnv() };
}

/** STEADY_STAGE_FLAGS="pricer=--max-old-space-size=96 --max-semi-space-size=2;rollup=": flags per stage (empty: none). */
function stageFlagsFromEnv(): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const part of (process.env["STEADY_STAGE_FLAGS"] ?? "").split(";").filter((p) => p.trim() !== "")) {
    const at = part.indexOf("=");
    if (at < 0) throw new Error(`STEADY_STAGE_FLAGS: expected stage=flags, got ${part}`);
    out[part.slice(0, at).trim()] = part.slice(at + 1).split(/\s+/).filter((f) => f !== "");
  }
  return out;
}

