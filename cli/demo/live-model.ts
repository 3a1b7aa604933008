import type { CostRollup, PricedSnapshotView, SavingsReport } from "../../model/events.ts";

export interface NodeRow {
  node: string;
  instanceType: string;
  capacityType: string;
  hourly: number;
  idleHourly: number;
  pods: number;
  priceSource: string;
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
  private day: CostRollup | undefined;
  private readonly savings = new Map<string, number>();
  private readonly savingsSeen = new Set<string>();
  snapshotsSeen = 0;
  lastWindowEndMs = 0;

  applyPriced(p: PricedSnapshotView): void {
    this.snapshotsSeen += 1;
    const known = this.latest.get(p.node);
    if (known === undefined || known.windowStartMs <= p.windowStartMs) this.latest.set(p.node, p);
    this.lastWindowEndMs = Math.max(this.lastWindowEndMs, p.windowStartMs + p.windowSeconds * 1000);
  }

  applyRollup(r: CostRollup): void {
    if (r.resolution !== "1d") return;
    if (this.day === undefined || r.windowStartMs > this.day.windowStartMs || (r.windowStartMs === this.day.windowStartMs && r.rev > this.day.rev)) this.day = r;
  }

  applySavings(s: SavingsReport): void {
    const id = `${s.node}/${s.windowStartMs}`;
    if (this.savingsSeen.has(id)) return;
    this.savingsSeen.add(id);
    for (const ns of s.byNamespace) this.savings.set(ns.namespace, (this.savings.get(ns.namespace) ?? 0) + ns.realisedSavings);
  }

  nodes(): NodeRow[] {
    return [...this.latest.values()]
      .map((p) => ({
        node: p.node,
        instanceType: p.nodeCost.instanceType,
        capacityType: p.nodeCost.capacityType === "SPOT" ? "spot" : p.nodeCost.capacityType === "ON_DEMAND" ? "on-demand" : "unknown",
        hourly: p.nodeCost.hourlyCost,
        idleHourly: p.windowSeconds > 0 ? p.nodeCost.idleCost / (p.windowSeconds / 3600) : 0,
        pods: p.pods.length,
        priceSource: p.nodeCost.priceSource,
      }))
      .sort((a, b) => a.node.localeCompare(b.node));
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
    for (const r of this.day?.rows ?? []) if (r.dimension === "namespace") row(r.namespace).today = r.totalCost;
    for (const [ns, saved] of this.savings) if (ns !== "__idle__") row(ns).spotSavings = saved;
    return [...rows.values()].sort((a, b) => b.hourly - a.hourly || a.namespace.localeCompare(b.namespace));
  }

  /** Idle cost accrued today, from the 1d rollup. */
  idleToday(): number {
    return (this.day?.nodes ?? []).reduce((s, n) => s + n.idleCost, 0);
  }
}
