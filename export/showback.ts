import { UNMOUNTED, type CostRollup } from "../model/events.ts";

/**
 * Showback / chargeback: a month's cost per team (namespace or a pod label), with the costs nobody
 * asked for — idle capacity and shared namespaces (kube-system, monitoring, …) — distributed by a
 * chosen rule. Amounts are rounded to cents with the largest-remainder method, so the rows add up to
 * the cluster's rounded cost for the month exactly.
 */

export const UNALLOCATED = "__unallocated__";
export const IDLE_ROW = "__idle__";
export const SHARED_ROW = "__shared__";

export type Distribution = { kind: "proportional" } | { kind: "even" } | { kind: "none" } | { kind: "to"; group: string };

export interface ShowbackOptions {
  /** "namespace" or "label:<key>". */
  by: string;
  distribute: Distribution;
  /** Namespaces whose cost is shared out like idle. */
  sharedNamespaces: readonly string[];
}

export interface ShowbackRow {
  cluster: string;
  group: string;
  direct: number;
  idle: number;
  shared: number;
  total: number;
  /** Rounded to cents; Σ over a cluster's rows = the cluster's total in cents. */
  totalCents: number;
}

export interface ShowbackResult {
  rows: ShowbackRow[];
  /** Per cluster: the month's cost (pods, storage, network and idle) and the same in cents. */
  clusters: Array<{ cluster: string; total: number; totalCents: number; days: number }>;
}

export class DistributionError extends Error {
  override readonly name = "DistributionError";
}

/** Parses `proportional`, `even`, `none` or `to:<group>`. */
export function parseDistribution(text: string): Distribution {
  if (text === "proportional" || text === "even" || text === "none") return { kind: text };
  const to = /^to:(.+)$/.exec(text);
  if (to?.[1] !== undefined) return { kind: "to", group: to[1] };
  throw new DistributionError(`cannot read the distribution ${JSON.stringify(text)}: use proportional, even, none or to:<group>`);
}

function groupOf(by: string, namespace: string, labels: Record<string, string>): string {
  if (by === "namespace") return namespace;
  const key = by.slice("label:".length);
  return labels[key] ?? UNALLOCATED;
}

/** Splits `total` cents over weights so that the parts add up to it exactly (largest remainder). */
export function apportionCents(totalCents: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, w) => a + w, 0);
  if (weights.length === 0) return [];
  const exact = weights.map((w) => (sum > 0 ? (totalCents * w) / sum : totalCents / weights.length));
  const parts = exact.map((x) => Math.floor(x));
  let left = totalCents - parts.reduce((a, p) => a + p, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left <= 0) break;
    parts[i] = (parts[i] ?? 0) + 1;
    left--;
  }
  return parts;
}

interface Acc {
  direct: Map<string, number>;
  idle: number;
  shared: number;
  days: Set<number>;
}

/** Folds daily windows one at a time (a month is never held), then distributes and rounds. */
export class Showback {
  private readonly opts: ShowbackOptions;
  private readonly shared: Set<string>;
  private readonly byCluster = new Map<string, Acc>();

  constructor(opts: ShowbackOptions) {
    this.opts = opts;
    this.shared = new Set(opts.sharedNamespaces);
  }

  add(w: CostRollup): void {
    const acc = this.byCluster.get(w.cluster) ?? { direct: new Map<string, number>(), idle: 0, shared: 0, days: new Set<number>() };
    this.byCluster.set(w.cluster, acc);
    acc.days.add(w.windowStartMs);
    for (const r of w.rows) {
      if (r.dimension !== "pod") continue;
      if (this.shared.has(r.namespace)) {
        acc.shared += r.totalCost;
        continue;
      }
      const g = r.pod === UNMOUNTED && this.opts.by !== "namespace" ? UNALLOCATED : groupOf(this.opts.by, r.namespace, r.labels);
      acc.direct.set(g, (acc.direct.get(g) ?? 0) + r.totalCost);
    }
    for (const n of w.nodes) acc.idle += n.idleCost;
  }

  result(): ShowbackResult {
    return distribute(this.byCluster, this.opts.distribute);
  }
}

/** Folds daily windows (one cluster or many) into showback rows. */
export function showback(windows: Iterable<CostRollup>, opts: ShowbackOptions): ShowbackResult {
  const s = new Showback(opts);
  for (const w of windows) s.add(w);
  return s.result();
}

function distribute(byCluster: Map<string, Acc>, d: Distribution): ShowbackResult {
  const rows: ShowbackRow[] = [];
  const clusters: ShowbackResult["clusters"] = [];
  for (const [cluster, acc] of [...byCluster].sort((a, b) => a[0].localeCompare(b[0]))) {
    const groups = [...acc.direct.keys()].sort();
    const direct = groups.map((g) => acc.direct.get(g) ?? 0);
    const directSum = direct.reduce((a, x) => a + x, 0);
    const spread = acc.idle + acc.shared;
    const total = directSum + spread;
    const out = groups.map((group, i) => ({ cluster, group, direct: direct[i] ?? 0, idle: 0, shared: 0 }));
    const share = (weights: number[]): void => {
      const wsum = weights.reduce((a, x) => a + x, 0);
      out.forEach((r, i) => {
        const f = wsum > 0 ? (weights[i] ?? 0) / wsum : 1 / out.length;
        r.idle = acc.idle * f;
        r.shared = acc.shared * f;
      });
    };
    if (d.kind === "none" || out.length === 0) {
      if (acc.idle !== 0) out.push({ cluster, group: IDLE_ROW, direct: 0, idle: acc.idle, shared: 0 });
      if (acc.shared !== 0) out.push({ cluster, group: SHARED_ROW, direct: 0, idle: 0, shared: acc.shared });
    } else if (d.kind === "even") share(out.map(() => 1));
    else if (d.kind === "proportional") share(direct);
    else {
      let target = out.find((r) => r.group === d.group);
      if (target === undefined) {
        target = { cluster, group: d.group, direct: 0, idle: 0, shared: 0 };
        out.push(target);
      }
      target.idle = acc.idle;
      target.shared = acc.shared;
    }
    const totalCents = Math.round(total * 100);
    const cents = apportionCents(totalCents, out.map((r) => r.direct + r.idle + r.shared));
    out.forEach((r, i) => rows.push({ ...r, total: r.direct + r.idle + r.shared, totalCents: cents[i] ?? 0 }));
    clusters.push({ cluster, total, totalCents, days: acc.days.size });
  }
  return { rows, clusters };
}
