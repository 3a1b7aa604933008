import type { PodStats, Summary } from "./summary-types.ts";

/** A cumulative counter observation: value at time (epoch ms), of the incarnation started at startMs. */
interface CounterPoint {
  atMs: number;
  value: number;
  startMs: number;
}

/** Sum of counter increments and of the time they cover, since the last window boundary. */
interface CounterTrack {
  last: CounterPoint | undefined;
  increase: number;
  coveredMs: number;
  /** Rate (units per second) of the previous period, used when a period has no observation. */
  lastRate: number;
}

interface PodTrack {
  cpu: Map<string, CounterTrack>;
  rx: CounterTrack;
  tx: CounterTrack;
  memorySum: number;
  memoryCount: number;
  memoryMax: number;
  lastMemory: number;
  volumes: Map<string, number>;
  /** Each container's peak working set this period. */
  containerMemoryMax: Map<string, number>;
}

/** What the agent measured for a pod over one accumulation period. */
export interface PodRates {
  /** Average cores used. */
  cpuCores: number;
  memoryAvgBytes: number;
  memoryMaxBytes: number;
  /** Bytes per second. */
  rxRate: number;
  txRate: number;
  /** PVC name → used bytes (last observed). */
  volumeUsed: Map<string, number>;
  /** Per container: average cores and peak working set. */
  containers: Map<string, { cpuCores: number; memoryMaxBytes: number }>;
}

/** Persisted form: the last counter points, so a restarted agent continues the deltas. */
export interface AccumulatorJson {
  periodStartMs: number;
  pods: Record<string, { cpu: Record<string, CounterPoint & { lastRate: number }>; rx?: CounterPoint; tx?: CounterPoint; lastMemory: number }>;
}

const parseTime = (t: string | undefined, fallback: number): number => {
  const ms = t === undefined ? NaN : Date.parse(t);
  return Number.isNaN(ms) ? fallback : ms;
};

const newTrack = (): CounterTrack => ({ last: undefined, increase: 0, coveredMs: 0, lastRate: 0 });

/**
 * Folds a new observation of a cumulative counter into its track. A counter that went down, or
 * an incarnation with a new start time, is a reset (container restart): the new incarnation's
 * whole value counts. Without a previous point, the value counts only if the incarnation started
 * inside this period (a new container); otherwise it becomes the baseline, and the kubelet's
 * instantaneous rate (`usageNanoCores`, core-ns per second) is the period's rate until a second point.
 */
function observeCounter(track: CounterTrack, point: CounterPoint, periodStartMs: number, instantRate?: number): void {
  const prev = track.last;
  if (prev === undefined) {
    if (point.startMs >= periodStartMs && point.atMs > point.startMs) {
      track.increase += point.value;
      track.coveredMs += point.atMs - point.startMs;
    } else if (instantRate !== undefined && Number.isFinite(instantRate) && instantRate >= 0 && track.coveredMs === 0) {
      // Only a baseline so far (the container started before this period, or the agent just started):
      // until a second sample gives a difference, the kubelet's own instantaneous rate stands in,
      // so a pod seen once is not free.
      track.lastRate = instantRate;
    }
  } else if (point.startMs !== prev.startMs || point.value < prev.value) {
    if (point.atMs > point.startMs) {
      track.increase += point.value;
      track.coveredMs += point.atMs - point.startMs;
    }
  } else if (point.atMs > prev.atMs) {
    track.increase += point.value - prev.value;
    track.coveredMs += point.atMs - prev.atMs;
  }
  if (prev === undefined || point.atMs >= prev.atMs) track.last = point;
}

/** Average rate per second over the period; the previous period's rate if nothing was covered. */
function closeCounter(track: CounterTrack): number {
  const rate = track.coveredMs > 0 ? track.increase / (track.coveredMs / 1000) : track.lastRate;
  track.lastRate = rate;
  track.increase = 0;
  track.coveredMs = 0;
  return rate;
}

/**
 * Turns successive kubelet Summary samples into per-pod rates over accumulation periods (the
 * time between window boundaries). CPU comes from cumulative core-nanosecond counters, so
 * sampling jitter does not bias it: rate = counter increase ÷ time covered, per container.
 */
export class UsageAccumulator {
  private periodStartMs: number;
  private readonly pods = new Map<string, PodTrack>();

  constructor(periodStartMs: number) {
    this.periodStartMs = periodStartMs;
  }

  get startMs(): number {
    return this.periodStartMs;
  }

  private track(uid: string): PodTrack {
    let t = this.pods.get(uid);
    if (t === undefined) {
      t = { cpu: new Map(), rx: newTrack(), tx: newTrack(), memorySum: 0, memoryCount: 0, memoryMax: 0, lastMemory: 0, volumes: new Map(), containerMemoryMax: new Map() };
      this.pods.set(uid, t);
    }
    return t;
  }

  /** Adds one Summary sample taken at `sampledAtMs`. */
  observe(summary: Summary, sampledAtMs: number): void {
    for (const pod of summary.pods ?? []) this.observePod(pod, sampledAtMs);
  }

  private observePod(pod: PodStats, sampledAtMs: number): void {
    const t = this.track(pod.podRef.uid);
    const podStart = parseTime(pod.startTime, sampledAtMs);
    let memory = 0;
    for (const c of pod.containers ?? []) {
      const working = c.memory?.workingSetBytes ?? 0;
      memory += working;
      t.containerMemoryMax.set(c.name, Math.max(t.containerMemoryMax.get(c.name) ?? 0, working));
      const counter = c.cpu?.usageCoreNanoSeconds;
      if (counter === undefined) continue;
      let track = t.cpu.get(c.name);
      if (track === undefined) {
        track = newTrack();
        t.cpu.set(c.name, track);
      }
      observeCounter(track, { atMs: parseTime(c.cpu?.time, sampledAtMs), value: counter, startMs: parseTime(c.startTime, podStart) }, this.periodStartMs, c.cpu?.usageNanoCores);
    }
    if ((pod.containers ?? []).length === 0) memory = pod.memory?.workingSetBytes ?? 0;
    t.memorySum += memory;
    t.memoryCount += 1;
    t.memoryMax = Math.max(t.memoryMax, memory);
    t.lastMemory = memory;
    const net = pod.network;
    if (net !== undefined) {
      const atMs = parseTime(net.time, sampledAtMs);
      if (net.rxBytes !== undefined) observeCounter(t.rx, { atMs, value: net.rxBytes, startMs: podStart }, this.periodStartMs);
      if (net.txBytes !== undefined) observeCounter(t.tx, { atMs, value: net.txBytes, startMs: podStart }, this.periodStartMs);
    }
    for (const v of pod.volume ?? []) {
      if (v.pvcRef !== undefined && v.usedBytes !== undefined) t.volumes.set(v.pvcRef.name, v.usedBytes);
    }
  }

  /**
   * Ends the period at `boundaryMs`: returns the rates of every pod observed so far and starts a
   * new period, keeping the last counter points as baselines. Pods in `alive` that were never
   * observed keep their tracks; tracks of pods not in `alive` are dropped.
   */
  close(boundaryMs: number, alive: ReadonlySet<string>): Map<string, PodRates> {
    const out = new Map<string, PodRates>();
    for (const [uid, t] of this.pods) {
      let cpuCores = 0;
      const containers = new Map<string, { cpuCores: number; memoryMaxBytes: number }>();
      for (const [name, track] of t.cpu) {
        const cores = closeCounter(track) / 1e9;
        cpuCores += cores;
        containers.set(name, { cpuCores: cores, memoryMaxBytes: t.containerMemoryMax.get(name) ?? 0 });
      }
      for (const [name, max] of t.containerMemoryMax) if (!containers.has(name)) containers.set(name, { cpuCores: 0, memoryMaxBytes: max });
      const memoryAvgBytes = t.memoryCount > 0 ? t.memorySum / t.memoryCount : t.lastMemory;
      out.set(uid, {
        cpuCores,
        memoryAvgBytes,
        memoryMaxBytes: t.memoryCount > 0 ? t.memoryMax : Math.round(t.lastMemory),
        rxRate: closeCounter(t.rx),
        txRate: closeCounter(t.tx),
        volumeUsed: new Map(t.volumes),
        containers,
      });
      t.containerMemoryMax.clear();
      t.memorySum = 0;
      t.memoryCount = 0;
      t.memoryMax = 0;
      if (!alive.has(uid)) this.pods.delete(uid);
    }
    this.periodStartMs = boundaryMs;
    return out;
  }

  toJSON(): AccumulatorJson {
    const pods: AccumulatorJson["pods"] = {};
    for (const [uid, t] of this.pods) {
      const cpu: Record<string, CounterPoint & { lastRate: number }> = {};
      for (const [name, track] of t.cpu) if (track.last !== undefined) cpu[name] = { ...track.last, lastRate: track.lastRate };
      pods[uid] = { cpu, lastMemory: t.lastMemory, ...(t.rx.last === undefined ? {} : { rx: t.rx.last }), ...(t.tx.last === undefined ? {} : { tx: t.tx.last }) };
    }
    return { periodStartMs: this.periodStartMs, pods };
  }

  static fromJSON(json: AccumulatorJson): UsageAccumulator {
    const acc = new UsageAccumulator(json.periodStartMs);
    for (const [uid, p] of Object.entries(json.pods)) {
      const t = acc.track(uid);
      for (const [name, point] of Object.entries(p.cpu)) {
        const { lastRate, ...last } = point;
        t.cpu.set(name, { last, increase: 0, coveredMs: 0, lastRate });
      }
      if (p.rx !== undefined) t.rx.last = p.rx;
      if (p.tx !== undefined) t.tx.last = p.tx;
      t.lastMemory = p.lastMemory;
    }
    return acc;
  }
}
