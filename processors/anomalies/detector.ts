import type { Config } from "../../config/schema.ts";
import type { AnomalyCause, CostAnomaly, CostRollup } from "../../model/events.ts";
import { Baseline } from "./baseline.ts";
import { alertLink } from "../../sinks/webhook/links.ts";
import { nodeCauses, shapeOf, topCauses, workloadCauses, type Shape } from "./causes.ts";

/**
 * Cost anomalies as they happen. Every final 1-minute window of a cluster gives one sample of spend
 * ($/h) for the cluster and for each namespace; each scope compares it with what it learned for that
 * hour of the week (Baseline) and fires after `confirmMinutes` windows in a row off the pattern — by
 * `sensitivity` standard deviations, `minImpactHourlyUsd` and `minChangePct` — naming the causes
 * the stream shows against the last window that was normal. One move is one anomaly: a namespace's own
 * cause (a scale-up, a new workload, new requests) fires for the namespace and not again for the
 * cluster; a node cause (spot replaced by on-demand, nodes joining, a price change) fires for the cluster
 * and the namespaces it dragged along are listed in it, not fired separately.
 */

export type AnomalyConfig = Config["anomalies"];

const CLUSTER = "";

interface ScopeState {
  baseline: Baseline;
  offCount: number;
  onCount: number;
  /** Consecutive windows off the pattern by any test (below the $ floor too). */
  movedCount: number;
  firing: CostAnomaly | undefined;
  /** Off the pattern, but explained by another scope's anomaly: not fired on its own. */
  absorbedSince: number | undefined;
  offSinceMs: number | undefined;
  cooldownUntilMs: number;
}

interface Sample {
  namespace: string;
  hourly: number;
  expected: number;
  z: number;
  off: boolean;
  calm: boolean;
  /** Off the pattern by the relative and statistical tests alone (below the $ floor is fine): listed, not fired. */
  moved: boolean;
}

interface ClusterState {
  scopes: Map<string, ScopeState>;
  /** The shape of the last window in which every scope was on its pattern. */
  normal: Shape | undefined;
  lastWindowMs: number;
}

export interface DetectorOptions {
  dashboardUrl?: string;
  /** api.publicUrl: without a dashboard URL, anomalies link to the web app there. */
  publicUrl?: string;
}

function newScope(): ScopeState {
  return { baseline: new Baseline(), offCount: 0, onCount: 0, movedCount: 0, firing: undefined, absorbedSince: undefined, offSinceMs: undefined, cooldownUntilMs: 0 };
}

/** A window's spend, $/h: the cluster's (pods, storage, network and idle) and each namespace's. */
function spend(w: CostRollup): Map<string, number> {
  const perHour = 3_600_000 / Math.max(1, w.windowEndMs - w.windowStartMs);
  const out = new Map<string, number>();
  let cluster = 0;
  for (const r of w.rows) {
    if (r.dimension !== "namespace") continue;
    out.set(r.namespace, r.totalCost * perHour);
    cluster += r.totalCost;
  }
  for (const n of w.nodes) cluster += n.idleCost;
  out.set(CLUSTER, cluster * perHour);
  return out;
}

export class AnomalyDetector {
  private readonly cfg: AnomalyConfig;
  private readonly opts: DetectorOptions;
  private readonly clusters = new Map<string, ClusterState>();

  constructor(cfg: AnomalyConfig, opts: DetectorOptions = {}) {
    this.cfg = cfg;
    this.opts = opts;
  }

  /** Scopes tracked (for memory figures). */
  get scopes(): number {
    let n = 0;
    for (const c of this.clusters.values()) n += c.scopes.size;
    return n;
  }

  /**
   * Folds one final 1m window; returns the anomalies it fires or resolves. Windows must come in order
   * per cluster (older ones are ignored). `nowMs` stamps detection.
   */
  observe(w: CostRollup, nowMs: number): CostAnomaly[] {
    const cluster = this.clusters.get(w.cluster) ?? { scopes: new Map<string, ScopeState>(), normal: undefined, lastWindowMs: -Infinity };
    this.clusters.set(w.cluster, cluster);
    if (w.windowStartMs <= cluster.lastWindowMs) return [];
    cluster.lastWindowMs = w.windowStartMs;
    const t = w.windowStartMs;
    const shape = shapeOf(w);
    const samples = new Map<string, Sample>();
    for (const [namespace, hourly] of spend(w)) {
      const s = cluster.scopes.get(namespace) ?? newScope();
      cluster.scopes.set(namespace, s);
      samples.set(namespace, this.judge(s, t, hourly, namespace));
    }
    // A scope that vanished (no pods this minute) is a sample of 0.
    for (const [namespace, s] of cluster.scopes) if (!samples.has(namespace)) samples.set(namespace, this.judge(s, t, 0, namespace));

    const out: CostAnomaly[] = [];
    const confirmed: string[] = [];
    for (const [namespace, sample] of samples) {
      const s = cluster.scopes.get(namespace) as ScopeState;
      s.movedCount = sample.moved ? s.movedCount + 1 : 0;
      if (sample.off) {
        s.offSinceMs ??= t;
        s.offCount++;
        s.onCount = 0;
      } else if (sample.calm) {
        s.onCount++;
        s.offCount = 0;
        s.offSinceMs = undefined;
      }
      if (s.firing === undefined && s.absorbedSince === undefined && s.offCount >= this.cfg.confirmMinutes && t >= s.cooldownUntilMs) confirmed.push(namespace);
    }
    if (confirmed.length > 0) out.push(...this.fire(w, cluster, shape, samples, confirmed, nowMs));

    for (const [namespace, sample] of samples) {
      const s = cluster.scopes.get(namespace) as ScopeState;
      const active = s.firing !== undefined || s.absorbedSince !== undefined;
      const since = s.firing?.startedAtMs ?? s.absorbedSince ?? t;
      // A lasting new level is learned after a while, so it stops being an anomaly.
      const adapting = (active && t - since >= this.cfg.adaptAfterMinutes * 60_000) || s.movedCount >= this.cfg.adaptAfterMinutes;
      if (active && (s.onCount >= this.cfg.confirmMinutes || adapting)) {
        if (s.firing !== undefined) out.push({ ...s.firing, status: "resolved", windowStartMs: t, detectedAtMs: nowMs, observedHourlyUsd: sample.hourly, expectedHourlyUsd: sample.expected, deviationPct: pct(sample.hourly, sample.expected), zScore: sample.z });
        s.firing = undefined;
        s.absorbedSince = undefined;
        s.cooldownUntilMs = t + this.cfg.cooldownMinutes * 60_000;
      }
      // Learn from normal windows only (and from a level that lasts), so an anomaly is not learned as it happens.
      if ((s.movedCount === 0 && s.offCount === 0 && !active) || adapting) s.baseline.add(t, sample.hourly, this.cfg.alpha);
    }
    if ([...cluster.scopes.values()].every((s) => s.offCount === 0 && s.firing === undefined && s.absorbedSince === undefined)) cluster.normal = shape;
    return out;
  }

  private judge(s: ScopeState, t: number, hourly: number, namespace: string): Sample {
    const e = s.baseline.expect(t);
    if (e === undefined) return { namespace, hourly, expected: hourly, z: 0, off: false, calm: true, moved: false };
    const delta = hourly - e.mean;
    const sd = Math.max(e.sd, 0.02 * Math.abs(e.mean), 1e-6);
    const z = delta / sd;
    const relative = Math.abs(delta) >= (this.cfg.minChangePct / 100) * Math.abs(e.mean);
    const big = Math.abs(delta) >= this.cfg.minImpactHourlyUsd && relative;
    const learned = s.baseline.hoursLearned() >= this.cfg.learnHours;
    const directional = this.cfg.direction === "both" ? Math.abs(z) : z;
    const moved = learned && relative && directional >= this.cfg.sensitivity;
    return { namespace, hourly, expected: e.mean, z, off: moved && big, calm: !big || Math.abs(z) < this.cfg.sensitivity / 2, moved };
  }

  private fire(w: CostRollup, cluster: ClusterState, shape: Shape, samples: Map<string, Sample>, confirmed: string[], nowMs: number): CostAnomaly[] {
    const before = cluster.normal ?? shape;
    const nodes = nodeCauses(before, shape);
    const out: CostAnomaly[] = [];
    const t = w.windowStartMs;
    const firingNamespaces: string[] = [];
    const draggedAlong: string[] = [];
    for (const namespace of confirmed.filter((n) => n !== CLUSTER)) {
      const own = workloadCauses(before, shape, namespace);
      const s = cluster.scopes.get(namespace) as ScopeState;
      if (own.length === 0 && nodes.length > 0) {
        // Moved by the nodes under it: part of the cluster's anomaly.
        s.absorbedSince = t;
        draggedAlong.push(namespace);
        continue;
      }
      firingNamespaces.push(namespace);
      const a = this.anomaly(w, "namespace", namespace, samples.get(namespace) as Sample, s, own.length > 0 ? own : nodes, [], nowMs);
      s.firing = a;
      out.push(a);
    }
    const clusterState = cluster.scopes.get(CLUSTER);
    const clusterSample = samples.get(CLUSTER);
    const clusterOff = clusterState !== undefined && clusterSample !== undefined && (confirmed.includes(CLUSTER) || (clusterState.offCount > 0 && clusterState.firing === undefined && clusterState.absorbedSince === undefined));
    if (clusterState !== undefined && clusterSample !== undefined && clusterOff) {
      const explainedByNamespaces = firingNamespaces.length > 0 || [...cluster.scopes].some(([n, s]) => n !== CLUSTER && s.firing !== undefined);
      if (nodes.length > 0 && confirmed.includes(CLUSTER)) {
        const dragged = [...new Set([...draggedAlong, ...[...samples.values()].filter((x) => x.namespace !== CLUSTER && x.moved).map((x) => x.namespace)])].filter((n) => !firingNamespaces.includes(n)).sort();
        for (const n of dragged) {
          const s = cluster.scopes.get(n);
          if (s !== undefined && s.firing === undefined) s.absorbedSince ??= t;
        }
        const a = this.anomaly(w, "cluster", CLUSTER, clusterSample, clusterState, nodes, dragged, nowMs);
        clusterState.firing = a;
        out.push(a);
      } else if (explainedByNamespaces) {
        clusterState.absorbedSince ??= t;
      } else if (confirmed.includes(CLUSTER)) {
        const all = [...samples.values()].filter((x) => x.namespace !== CLUSTER).flatMap((x) => workloadCauses(before, shape, x.namespace));
        const a = this.anomaly(w, "cluster", CLUSTER, clusterSample, clusterState, all, [], nowMs);
        clusterState.firing = a;
        out.push(a);
      }
    }
    return out;
  }

  private anomaly(w: CostRollup, scope: "cluster" | "namespace", namespace: string, sample: Sample, s: ScopeState, causes: AnomalyCause[], namespaces: string[], nowMs: number): CostAnomaly {
    const started = s.offSinceMs ?? w.windowStartMs;
    const url = alertLink({ dashboardUrl: this.opts.dashboardUrl ?? "", publicUrl: this.opts.publicUrl ?? "" }, { cluster: w.cluster, namespace: scope === "cluster" ? "" : namespace }, "24h");
    return {
      id: `${w.cluster}/${scope === "cluster" ? "cluster" : `namespace/${namespace}`}/${started}`,
      cluster: w.cluster,
      scope,
      namespace,
      status: "firing",
      windowStartMs: w.windowStartMs,
      startedAtMs: started,
      detectedAtMs: nowMs,
      observedHourlyUsd: sample.hourly,
      expectedHourlyUsd: sample.expected,
      deviationPct: pct(sample.hourly, sample.expected),
      zScore: sample.z,
      causes: topCauses(causes),
      namespaces,
      dashboardUrl: url,
    };
  }
}

function pct(observed: number, expected: number): number {
  return expected === 0 ? 0 : ((observed - expected) / expected) * 100;
}
