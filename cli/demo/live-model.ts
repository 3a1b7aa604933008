import type { Recommendation } from "../../processors/recommender/recommender.ts";
import { isVolumeInventory, type CostAnomaly, type CostRollup, type PricedSnapshotView, type SavingsReport } from "../../model/events.ts";

export interface NodeRow {
  cluster: string;
  node: string;
  instanceType: string;
  capacityType: string;
  hourly: number;
  idleHourly: number;
  pods: number;
  priceSource: string;
}

export interface ClusterRow {
  cluster: string;
  nodes: number;
  pods: number;
  hourly: number;
  today: number;
  spotSavings: number;
}

export interface NamespaceRow {
  namespace: string;
  pods: number;
  hourly: number;
  today: number;
  spotSavings: number;
}

/** What the demo's live table shows, folded from the priced, rollup and savings streams. */
export class LiveModel {
  private readonly latest = new Map<string, PricedSnapshotView>();
  /** The newest 1d rollup per cluster. */
  private readonly days = new Map<string, CostRollup>();
  private readonly clusterSavings = new Map<string, number>();
  private readonly savings = new Map<string, number>();
  private readonly savingsSeen = new Set<string>();
  /** Each anomaly's latest state, newest first when listed. */
  private readonly anomalyById = new Map<string, CostAnomaly>();
  snapshotsSeen = 0;
  lastWindowEndMs = 0;
  /** Where the right-sizing recommendations come from (the query API's). */
  recommendations: () => Recommendation[] = () => [];

  applyAnomaly(a: CostAnomaly): void {
    const known = this.anomalyById.get(a.id);
    // A resolution keeps the firing's causes; the latest status wins.
    this.anomalyById.set(a.id, known === undefined ? a : { ...known, status: a.status, observedHourlyUsd: a.observedHourlyUsd });
  }

  /** The newest anomalies first. */
  anomalies(limit = 3): CostAnomaly[] {
    return [...this.anomalyById.values()].sort((a, b) => b.startedAtMs - a.startedAtMs).slice(0, limit);
  }

  applyPriced(p: PricedSnapshotView): void {
    // The volume inventory is not a node; its unmounted volumes reach the screen through the day rollup.
    if (isVolumeInventory(p)) return;
    this.snapshotsSeen += 1;
    const key = `${p.cluster}/${p.node}`;
    const known = this.latest.get(key);
    if (known === undefined || known.windowStartMs <= p.windowStartMs) this.latest.set(key, p);
    this.lastWindowEndMs = Math.max(this.lastWindowEndMs, p.windowStartMs + p.windowSeconds * 1000);
  }

  applyRollup(r: CostRollup): void {
    if (r.resolution !== "1d") return;
    const day = this.days.get(r.cluster);
    if (day === undefined || r.windowStartMs > day.windowStartMs || (r.windowStartMs === day.windowStartMs && r.rev > day.rev)) this.days.set(r.cluster, r);
  }

  applySavings(s: SavingsReport): void {
    const id = `${s.cluster}/${s.node}/${s.windowStartMs}`;
    if (this.savingsSeen.has(id)) return;
    this.savingsSeen.add(id);
    for (const ns of s.byNamespace) {
      this.savings.set(ns.namespace, (this.savings.get(ns.namespace) ?? 0) + ns.realisedSavings);
      if (ns.namespace !== "__idle__") this.clusterSavings.set(s.cluster, (this.clusterSavings.get(s.cluster) ?? 0) + ns.realisedSavings);
    }
  }

  nodes(): NodeRow[] {
    return [...this.latest.values()]
      .map((p) => ({
        cluster: p.cluster,
        node: p.node,
        instanceType: p.nodeCost.instanceType,
        capacityType: p.nodeCost.capacityType === "SPOT" ? "spot" : p.nodeCost.capacityType === "ON_DEMAND" ? "on-demand" : "unknown",
        hourly: p.nodeCost.hourlyCost,
        idleHourly: p.windowSeconds > 0 ? p.nodeCost.idleCost / (p.windowSeconds / 3600) : 0,
        pods: p.pods.length,
        priceSource: p.nodeCost.priceSource,
      }))
      .sort((a, b) => a.cluster.localeCompare(b.cluster) || a.node.localeCompare(b.node));
  }

  /** Live cost per cluster (multi-cluster demo). */
  clusters(): ClusterRow[] {
    const rows = new Map<string, ClusterRow>();
    for (const p of this.latest.values()) {
      const r = rows.get(p.cluster) ?? { cluster: p.cluster, nodes: 0, pods: 0, hourly: 0, today: 0, spotSavings: 0 };
      r.nodes += 1;
      r.pods += p.pods.length;
      // Same basis as the namespace table: pods (with their volumes) plus the node's idle share.
      for (const pod of p.pods) r.hourly += pod.hourlyCost * (pod.runningSeconds / p.windowSeconds);
      if (p.windowSeconds > 0) r.hourly += p.nodeCost.idleCost / (p.windowSeconds / 3600);
      rows.set(p.cluster, r);
    }
    for (const r of rows.values()) {
      const day = this.days.get(r.cluster);
      r.today = (day?.rows ?? []).filter((x) => x.dimension === "namespace").reduce((a, x) => a + x.totalCost, 0) + (day?.nodes ?? []).reduce((a, n) => a + n.idleCost, 0);
      r.spotSavings = this.clusterSavings.get(r.cluster) ?? 0;
    }
    return [...rows.values()].sort((a, b) => b.hourly - a.hourly || a.cluster.localeCompare(b.cluster));
  }

  namespaces(): NamespaceRow[] {
    const rows = new Map<string, NamespaceRow>();
    const row = (namespace: string): NamespaceRow => {
      let r = rows.get(namespace);
      if (r === undefined) {
        r = { namespace, pods: 0, hourly: 0, today: 0, spotSavings: 0 };
        rows.set(namespace, r);
      }
      return r;
    };
    for (const p of this.latest.values()) {
      for (const pod of p.pods) {
        const r = row(pod.namespace);
        r.pods += 1;
        r.hourly += pod.hourlyCost * (pod.runningSeconds / p.windowSeconds);
      }
    }
    for (const day of this.days.values()) for (const r of day.rows) if (r.dimension === "namespace") row(r.namespace).today += r.totalCost;
    for (const [ns, saved] of this.savings) if (ns !== "__idle__") row(ns).spotSavings = saved;
    return [...rows.values()].sort((a, b) => b.hourly - a.hourly || a.namespace.localeCompare(b.namespace));
  }

  /** Idle cost accrued today, from the 1d rollups. */
  idleToday(): number {
    let idle = 0;
    for (const day of this.days.values()) idle += day.nodes.reduce((s, n) => s + n.idleCost, 0);
    return idle;
  }
}
