import type { UsageForLearning } from "../../codec/events.ts";
import { Sketch, type SketchJson } from "../../model/sketch.ts";

type LearnedPod = UsageForLearning["pods"][number];
/** What is learned of a container, or of a pod that reports none (the pod as one container). */
type LearnedPart = Pick<LearnedPod, "cpuRequestCores" | "memoryRequestBytes" | "cpuLimitCores" | "memoryLimitBytes" | "cpuUsageCores" | "memoryWorkingSetMaxBytes">;

/**
 * Request right-sizing from the usage stream. Per controller (Deployment, StatefulSet, DaemonSet, …), container
 * and UTC day it keeps two sketches of its pods' samples — CPU cores (each agent interval's average) and
 * memory working set (each interval's peak) — and where its pods ran, for pricing. A recommendation
 * merges the days of the window: CPU request = the `cpuPercentile` of usage plus `cpuHeadroomPct`,
 * memory request = the peak plus `memoryHeadroomPct`, both per pod; the monthly difference is priced
 * with the rates of the nodes the pods ran on, weighted by time. Jobs are left out (each run is a new
 * controller).
 */

const DAY_MS = 86_400_000;
const GIB = 2 ** 30;
const HOURS_PER_MONTH = 730;

export interface RecommenderConfig {
  windowDays: number;
  cpuPercentile: number;
  cpuHeadroomPct: number;
  memoryHeadroomPct: number;
  minCpuCores: number;
  minMemoryBytes: number;
  minHistoryHours: number;
  /** A change smaller than this share of the current request is not worth a rollout. */
  minChangePct: number;
  /** What the patches do to limits. */
  limits: "keep" | "memory-equals-request" | "none";
}

interface Day {
  cpu: Sketch;
  memory: Sketch;
  podSeconds: number;
  /** Pod-seconds per node, to price with the nodes' own rates. */
  nodes: Map<string, number>;
  firstMs: number;
  lastMs: number;
}

interface Controller {
  cluster: string;
  namespace: string;
  kind: string;
  name: string;
  /** The container ("" when the agent reported the pod only: UsageSnapshot before v3). */
  container: string;
  days: Map<number, Day>;
  /** Requests per pod as last seen. */
  cpuRequestCores: number;
  memoryRequestBytes: number;
  cpuLimitCores: number;
  memoryLimitBytes: number;
  lastSeenMs: number;
}

export interface Rates {
  /** $ per core-hour and per GiB-hour of a node, or undefined when its price is unknown. */
  (cluster: string, node: string): { cpuCoreHour: number; ramGiBHour: number } | undefined;
}

export type RecommendationStatus = "over-requested" | "under-requested" | "right-sized" | "learning";

export interface Recommendation {
  cluster: string;
  namespace: string;
  controllerKind: string;
  controller: string;
  /** The container the recommendation is for; "" = the whole pod (older agents). */
  container: string;
  status: RecommendationStatus;
  reason: string;
  /** Average pods running over the history used. */
  pods: number;
  historyHours: number;
  samples: number;
  current: { cpuCores: number; memoryBytes: number; cpuLimitCores: number; memoryLimitBytes: number };
  usage: { cpuPercentileCores: number; cpuMaxCores: number; memoryPeakBytes: number };
  recommended: { cpuCores: number; memoryBytes: number };
  /** Limits policy of the patches: keep them, memory limit = request with no CPU limit, or none. */
  limits: RecommenderConfig["limits"];
  /** What the change saves per month (negative: what it adds), at the pods' nodes' rates. */
  monthlySavingsUsd: number;
}

const MI = 2 ** 20;

function roundUp(x: number, step: number): number {
  return Math.ceil(x / step - 1e-9) * step;
}

/** The recommender's memory as a checkpoint: every controller's days, and the last usage message folded. */
export interface RecommenderJson {
  version: 1;
  lastSeq: number;
  controllers: Array<Omit<Controller, "days"> & { days: Array<[number, Omit<Day, "cpu" | "memory" | "nodes"> & { cpu: SketchJson; memory: SketchJson; nodes: Array<[string, number]> }]> }>;
}

export class Recommender {
  private readonly cfg: RecommenderConfig;
  private readonly controllers = new Map<string, Controller>();

  constructor(cfg: RecommenderConfig) {
    this.cfg = cfg;
  }

  get size(): number {
    return this.controllers.size;
  }

  toJSON(lastSeq: number): RecommenderJson {
    return {
      version: 1,
      lastSeq,
      controllers: [...this.controllers.values()].map((c) => ({ ...c, days: [...c.days].map(([day, d]) => [day, { ...d, cpu: d.cpu.toJSON(), memory: d.memory.toJSON(), nodes: [...d.nodes] }]) })),
    };
  }

  /** Restores a checkpoint; returns the last usage message sequence it holds. */
  restore(j: RecommenderJson): number {
    this.controllers.clear();
    for (const c of j.controllers) {
      const days = new Map(c.days.map(([day, d]): [number, Day] => [day, { ...d, cpu: Sketch.fromJSON(d.cpu), memory: Sketch.fromJSON(d.memory), nodes: new Map(d.nodes) }]));
      this.controllers.set(`${c.cluster}\u0000${c.namespace}\u0000${c.kind}\u0000${c.name}\u0000${c.container ?? ""}`, { ...c, container: c.container ?? "", days });
    }
    return j.lastSeq;
  }

  fold(s: UsageForLearning): void {
    const day = Math.floor(s.windowStartMs / DAY_MS) * DAY_MS;
    for (const p of s.pods) {
      if (p.controllerName === "" || p.controllerKind === "Job" || p.runningSeconds <= 0) continue;
      // Per container where the agent reports them (UsageSnapshot v3), else the pod as one.
      const containers = p.containers ?? [];
      if (containers.length === 0) this.foldPart(s, day, p, p, "");
      else for (const part of containers) this.foldPart(s, day, p, part, part.name);
    }
  }

  private foldPart(s: UsageForLearning, day: number, p: LearnedPod, part: LearnedPart, container: string): void {
    const c = this.controller(s.cluster, p.namespace, p.controllerKind, p.controllerName, container);
    if (s.windowStartMs >= c.lastSeenMs) {
      c.cpuRequestCores = part.cpuRequestCores;
      c.memoryRequestBytes = part.memoryRequestBytes;
      c.cpuLimitCores = part.cpuLimitCores;
      c.memoryLimitBytes = part.memoryLimitBytes;
      c.lastSeenMs = s.windowStartMs;
    }
    let d = c.days.get(day);
    if (d === undefined) {
      d = { cpu: new Sketch(), memory: new Sketch(), podSeconds: 0, nodes: new Map(), firstMs: s.windowStartMs, lastMs: s.windowStartMs };
      c.days.set(day, d);
    }
    d.cpu.add(part.cpuUsageCores);
    d.memory.add(part.memoryWorkingSetMaxBytes);
    d.podSeconds += p.runningSeconds;
    d.nodes.set(s.node, (d.nodes.get(s.node) ?? 0) + p.runningSeconds);
    if (s.windowStartMs < d.firstMs) d.firstMs = s.windowStartMs;
    const end = s.windowStartMs + s.windowSeconds * 1000;
    if (end > d.lastMs) d.lastMs = end;
  }

  private controller(cluster: string, namespace: string, kind: string, name: string, container: string): Controller {
    const key = `${cluster}\u0000${namespace}\u0000${kind}\u0000${name}\u0000${container}`;
    let c = this.controllers.get(key);
    if (c === undefined) {
      c = { cluster, namespace, kind, name, container, days: new Map(), cpuRequestCores: 0, memoryRequestBytes: 0, cpuLimitCores: 0, memoryLimitBytes: 0, lastSeenMs: 0 };
      this.controllers.set(key, c);
    }
    return c;
  }

  /** Drops days older than the window and controllers not seen in it. */
  prune(nowMs: number): void {
    const from = Math.floor(nowMs / DAY_MS) * DAY_MS - (this.cfg.windowDays - 1) * DAY_MS;
    for (const [key, c] of this.controllers) {
      for (const day of c.days.keys()) if (day < from) c.days.delete(day);
      if (c.days.size === 0) this.controllers.delete(key);
    }
  }

  recommend(nowMs: number, rates: Rates): Recommendation[] {
    const from = Math.floor(nowMs / DAY_MS) * DAY_MS - (this.cfg.windowDays - 1) * DAY_MS;
    const out: Recommendation[] = [];
    for (const c of this.controllers.values()) {
      const cpu = new Sketch();
      const memory = new Sketch();
      const nodes = new Map<string, number>();
      let podSeconds = 0;
      let first = Infinity;
      let last = -Infinity;
      for (const [day, d] of c.days) {
        if (day < from) continue;
        cpu.merge(d.cpu);
        memory.merge(d.memory);
        podSeconds += d.podSeconds;
        for (const [n, secs] of d.nodes) nodes.set(n, (nodes.get(n) ?? 0) + secs);
        first = Math.min(first, d.firstMs);
        last = Math.max(last, d.lastMs);
      }
      if (cpu.count === 0) continue;
      out.push(this.one(c, cpu, memory, nodes, podSeconds, Math.max(0, (last - first) / 3_600_000), rates));
    }
    return out.sort((a, b) => Math.abs(b.monthlySavingsUsd) - Math.abs(a.monthlySavingsUsd) || a.namespace.localeCompare(b.namespace) || a.controller.localeCompare(b.controller) || a.container.localeCompare(b.container));
  }

  private one(c: Controller, cpu: Sketch, memory: Sketch, nodes: Map<string, number>, podSeconds: number, hours: number, rates: Rates): Recommendation {
    const cfg = this.cfg;
    const cpuP = cpu.quantile(cfg.cpuPercentile / 100);
    const memPeak = memory.max;
    const recCpu = Math.max(cfg.minCpuCores, roundUp(cpuP * (1 + cfg.cpuHeadroomPct / 100), 0.005));
    const recMem = Math.max(cfg.minMemoryBytes, roundUp(memPeak * (1 + cfg.memoryHeadroomPct / 100), MI));
    // The pods' nodes' rates, weighted by where they ran.
    let cpuRate = 0;
    let ramRate = 0;
    let priced = 0;
    for (const [node, secs] of nodes) {
      const r = rates(c.cluster, node);
      if (r === undefined) continue;
      cpuRate += r.cpuCoreHour * secs;
      ramRate += r.ramGiBHour * secs;
      priced += secs;
    }
    if (priced > 0) {
      cpuRate /= priced;
      ramRate /= priced;
    }
    const pods = hours > 0 ? podSeconds / (hours * 3600) : 0;
    const savings = ((c.cpuRequestCores - recCpu) * cpuRate + ((c.memoryRequestBytes - recMem) / GIB) * ramRate) * HOURS_PER_MONTH * pods;
    const base = {
      cluster: c.cluster,
      namespace: c.namespace,
      controllerKind: c.kind,
      controller: c.name,
      container: c.container,
      pods,
      historyHours: hours,
      samples: cpu.count,
      current: { cpuCores: c.cpuRequestCores, memoryBytes: c.memoryRequestBytes, cpuLimitCores: c.cpuLimitCores, memoryLimitBytes: c.memoryLimitBytes },
      usage: { cpuPercentileCores: cpuP, cpuMaxCores: cpu.max, memoryPeakBytes: memPeak },
      recommended: { cpuCores: recCpu, memoryBytes: recMem },
      limits: cfg.limits,
      monthlySavingsUsd: savings,
    };
    if (hours < cfg.minHistoryHours) return { ...base, status: "learning", reason: `${hours.toFixed(1)} h of history; recommendations need ${cfg.minHistoryHours} h`, monthlySavingsUsd: 0 };
    const under: string[] = [];
    if (memPeak > c.memoryRequestBytes) under.push(`memory peaked at ${(memPeak / MI).toFixed(0)}Mi, above its ${(c.memoryRequestBytes / MI).toFixed(0)}Mi request${c.memoryLimitBytes > 0 && memPeak > 0.9 * c.memoryLimitBytes ? ` and near its ${(c.memoryLimitBytes / MI).toFixed(0)}Mi limit (OOM-kill risk)` : " (evicted first under node memory pressure)"}`);
    if (cpuP > c.cpuRequestCores) under.push(`CPU p${cfg.cpuPercentile} is ${(cpuP * 1000).toFixed(0)}m, above its ${(c.cpuRequestCores * 1000).toFixed(0)}m request${c.cpuLimitCores > 0 && cpuP > 0.9 * c.cpuLimitCores ? ` and near its ${(c.cpuLimitCores * 1000).toFixed(0)}m limit (throttled)` : " (starved when the node is busy)"}`);
    if (under.length > 0) return { ...base, status: "under-requested", reason: under.join("; ") };
    const changed = (cur: number, rec: number) => cur > 0 && (cur - rec) / cur >= cfg.minChangePct / 100;
    if (changed(c.cpuRequestCores, recCpu) || changed(c.memoryRequestBytes, recMem)) {
      return { ...base, status: "over-requested", reason: `uses p${cfg.cpuPercentile} ${(cpuP * 1000).toFixed(0)}m of ${(c.cpuRequestCores * 1000).toFixed(0)}m CPU and at most ${(memPeak / MI).toFixed(0)}Mi of ${(c.memoryRequestBytes / MI).toFixed(0)}Mi memory` };
    }
    return { ...base, status: "right-sized", reason: "requests match usage", monthlySavingsUsd: 0 };
  }
}
