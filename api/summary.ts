import type { CostTotals } from "../model/events.ts";
import { addTotals, emptyTotals } from "../model/cost-totals.ts";
import { HOURS_PER_MONTH } from "../pricing/defaults.ts";
import { efficiencyOf, IDLE } from "./allocation.ts";
import { ParamError } from "./errors.ts";
import { ok, type ApiContext, type ApiResponse } from "./handlers.ts";
import type { RollupIndex } from "./rollup-index.ts";
import { HOUR_MS, monthOf, parseWindow, rfc3339, type TimeRange } from "./window.ts";

export interface ClusterSummary {
  cluster: string;
  nodes: number;
  /** Cost per hour now: every node's newest window (pods, their volumes and network, and idle). */
  hourlyCost: number;
  runRateMonthly: number;
  today: number;
  monthToDate: number;
  forecastMonthly: number;
  idleMonthToDate: number;
  /** Idle ÷ total, month to date. */
  idleShare: number;
  realisedSavings: number;
  potentialSavings: number;
  /** OpenCost's totalEfficiency of the cluster's pods (CPU and RAM used ÷ requested, cost-weighted), month to date. */
  efficiency: number;
}

/** `/summary`'s answer (the web app's overview). */
export interface Summary {
  currencyCode: string;
  /** When the API last received data. */
  asOf: string | null;
  now: string;
  labelKeys: readonly string[];
  total: ClusterSummary;
  clusters: ClusterSummary[];
  /** The costliest namespaces this month, with __idle__. */
  topNamespaces: Array<{ namespace: string; monthToDate: number }>;
}

/** What a range cost per cluster: the pods' totals (the rollups' namespace rows), idle and savings (node rows), and per namespace. */
interface Spend {
  pods: CostTotals;
  idle: number;
  realisedSavings: number;
  potentialSavings: number;
  byNamespace: Map<string, number>;
}

const emptySpend = (): Spend => ({ pods: emptyTotals(), idle: 0, realisedSavings: 0, potentialSavings: 0, byNamespace: new Map() });

/** Several clusters' spend as one (the overview's total). */
function combine(spends: Iterable<Spend>): Spend {
  const all = emptySpend();
  for (const s of spends) {
    addTotals(all.pods, s.pods);
    all.idle += s.idle;
    all.realisedSavings += s.realisedSavings;
    all.potentialSavings += s.potentialSavings;
    for (const [ns, v] of s.byNamespace) all.byNamespace.set(ns, (all.byNamespace.get(ns) ?? 0) + v);
  }
  return all;
}

/**
 * Folds the windows covering a range from their namespace rows and node rows — a few rows per window,
 * the same sums as /allocation's pod rows (tested) — so the overview costs the same at 100 pods and 100,000.
 */
function spend(index: RollupIndex, range: TimeRange, nowMs: number, only: string | undefined): Map<string, Spend> {
  const out = new Map<string, Spend>();
  for (const w of index.plan(range, nowMs).windows) {
    if (only !== undefined && w.cluster !== only) continue;
    let s = out.get(w.cluster);
    if (s === undefined) {
      s = emptySpend();
      out.set(w.cluster, s);
    }
    for (const row of w.rows.ofDimension("namespace")) {
      addTotals(s.pods, row);
      s.byNamespace.set(row.namespace, (s.byNamespace.get(row.namespace) ?? 0) + row.totalCost);
    }
    for (const n of w.nodes) {
      s.idle += n.idleCost;
      // A node's savings are its pods' and its idle's together.
      s.realisedSavings += n.realisedSavings;
      s.potentialSavings += n.potentialSavings;
    }
  }
  return out;
}

function summarise(cluster: string, hourlyCost: number, nodes: number, today: Spend | undefined, month: Spend | undefined, nowMs: number): ClusterSummary {
  const monthToDate = (month?.pods.totalCost ?? 0) + (month?.idle ?? 0);
  const idleMonthToDate = month?.idle ?? 0;
  return {
    cluster,
    nodes,
    hourlyCost,
    runRateMonthly: hourlyCost * HOURS_PER_MONTH,
    today: (today?.pods.totalCost ?? 0) + (today?.idle ?? 0),
    monthToDate,
    forecastMonthly: monthToDate + hourlyCost * ((monthOf(nowMs).endMs - nowMs) / HOUR_MS),
    idleMonthToDate,
    idleShare: monthToDate > 0 ? idleMonthToDate / monthToDate : 0,
    realisedSavings: month?.realisedSavings ?? 0,
    potentialSavings: month?.potentialSavings ?? 0,
    efficiency: month === undefined ? 0 : efficiencyOf(month.pods).total,
  };
}

/**
 * `/summary[?cluster=]`: the overview page's figures — cost per hour now and its monthly run rate, today,
 * month to date and the forecast to month end, idle share, spot savings, efficiency — in total and per
 * cluster, the costliest namespaces this month, and when the API last received data.
 */
export function summaryHandler(ctx: ApiContext, params: URLSearchParams): ApiResponse {
  for (const name of params.keys()) if (name !== "cluster") throw new ParamError(name, "unknown parameter; accepted: cluster");
  const only = params.get("cluster") ?? undefined;
  const nowMs = ctx.now();
  const today = spend(ctx.index, parseWindow("today", nowMs), nowMs, only);
  const month = spend(ctx.index, parseWindow("month", nowMs), nowMs, only);
  const nodes = ctx.rates.current(nowMs, only);
  const clusters = [...new Set([...month.keys(), ...nodes.map((n) => n.cluster)])].sort();
  const rows = clusters.map((c) => {
    const mine = nodes.filter((n) => n.cluster === c);
    return summarise(c, mine.reduce((s, n) => s + n.totalHourlyCost, 0), mine.length, today.get(c), month.get(c), nowMs);
  });
  // The whole: the clusters' sums, efficiency from all their pods together.
  const all = combine(month.values());
  const total = summarise("", rows.reduce((s, r) => s + r.hourlyCost, 0), nodes.length, combine(today.values()), all, nowMs);
  const topNamespaces = [...all.byNamespace, [IDLE, all.idle] as [string, number]]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8)
    .map(([namespace, monthToDate]) => ({ namespace, monthToDate }));
  const asOfMs = Math.max(ctx.live?.asOfMs ?? 0, ...nodes.map((n) => n.seenAtMs));
  const data: Summary = { currencyCode: ctx.currencyCode, asOf: asOfMs > 0 ? rfc3339(asOfMs) : null, now: rfc3339(nowMs), labelKeys: ctx.labelKeys, total, clusters: rows, topNamespaces };
  return ok(data);
}
