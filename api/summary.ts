import { HOURS_PER_MONTH } from "../pricing/defaults.ts";
import { computeAllocations, IDLE, type Allocation } from "./allocation.ts";
import { ParamError } from "./errors.ts";
import { ok, type ApiContext, type ApiResponse } from "./handlers.ts";
import { parseFilter } from "./filter.ts";
import { parseWindow, rfc3339 } from "./window.ts";

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
  /** Cost-weighted CPU and RAM usage ÷ requests (OpenCost's totalEfficiency), month to date. */
  efficiency: number;
}

function hoursLeftInMonth(nowMs: number): number {
  const d = new Date(nowMs);
  return (Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) - nowMs) / 3_600_000;
}

function byCluster(ctx: ApiContext, window: string, filter: string, nowMs: number): Map<string, Allocation[]> {
  const set = computeAllocations(ctx.index, { range: parseWindow(window, nowMs), aggregate: ["cluster"], filter: parseFilter(filter), idle: true, shareIdle: false, splitIdle: true }, nowMs);
  const out = new Map<string, Allocation[]>();
  for (const a of set.allocations) {
    const c = typeof a.properties["cluster"] === "string" ? a.properties["cluster"] : (a.name.split("/")[0] ?? "");
    out.set(c, [...(out.get(c) ?? []), a]);
  }
  return out;
}

const sum = (xs: readonly Allocation[] | undefined, f: (a: Allocation) => number): number => (xs ?? []).reduce((s, a) => s + f(a), 0);
const isIdle = (a: Allocation): boolean => a.name.endsWith(IDLE);

/** One cluster's (or, with several, every cluster's) figures for the overview page. */
function summarise(cluster: string, hourlyCost: number, nodes: number, today: Allocation[] | undefined, month: Allocation[] | undefined, nowMs: number): ClusterSummary {
  const monthToDate = sum(month, (a) => a.totalCost);
  const idleMonthToDate = sum(month?.filter(isIdle), (a) => a.totalCost);
  const compute = month?.filter((a) => !isIdle(a)) ?? [];
  const weight = sum(compute, (a) => a.cpuCost + a.ramCost);
  return {
    cluster,
    nodes,
    hourlyCost,
    runRateMonthly: hourlyCost * HOURS_PER_MONTH,
    today: sum(today, (a) => a.totalCost),
    monthToDate,
    forecastMonthly: monthToDate + hourlyCost * hoursLeftInMonth(nowMs),
    idleMonthToDate,
    idleShare: monthToDate > 0 ? idleMonthToDate / monthToDate : 0,
    realisedSavings: sum(month, (a) => a.realisedSavings),
    potentialSavings: sum(month, (a) => a.potentialSavings),
    efficiency: weight > 0 ? sum(compute, (a) => a.totalEfficiency * (a.cpuCost + a.ramCost)) / weight : 0,
  };
}

function total(rows: readonly ClusterSummary[]): ClusterSummary {
  const add = (f: (r: ClusterSummary) => number) => rows.reduce((s, r) => s + f(r), 0);
  const monthToDate = add((r) => r.monthToDate);
  const weight = add((r) => r.monthToDate - r.idleMonthToDate);
  return {
    cluster: "",
    nodes: add((r) => r.nodes),
    hourlyCost: add((r) => r.hourlyCost),
    runRateMonthly: add((r) => r.runRateMonthly),
    today: add((r) => r.today),
    monthToDate,
    forecastMonthly: add((r) => r.forecastMonthly),
    idleMonthToDate: add((r) => r.idleMonthToDate),
    idleShare: monthToDate > 0 ? add((r) => r.idleMonthToDate) / monthToDate : 0,
    realisedSavings: add((r) => r.realisedSavings),
    potentialSavings: add((r) => r.potentialSavings),
    efficiency: weight > 0 ? add((r) => r.efficiency * (r.monthToDate - r.idleMonthToDate)) / weight : 0,
  };
}

/**
 * `/summary[?cluster=]`: the overview page's figures — cost per hour now and its monthly run rate, today,
 * month to date and the forecast to month end, idle share, spot savings, efficiency — in total and per
 * cluster, with the time the newest data is from.
 */
export function summaryHandler(ctx: ApiContext, params: URLSearchParams): ApiResponse {
  for (const name of params.keys()) if (name !== "cluster") throw new ParamError(name, "unknown parameter; accepted: cluster");
  const only = params.get("cluster") ?? undefined;
  const nowMs = ctx.now();
  const filter = only === undefined ? "" : `cluster:"${only.replace(/(["\\])/g, "\\$1")}"`;
  const today = byCluster(ctx, "today", filter, nowMs);
  const month = byCluster(ctx, "month", filter, nowMs);
  const nodes = ctx.rates.current(nowMs, only);
  const clusters = new Set([...month.keys(), ...nodes.map((n) => n.cluster)]);
  const rows = [...clusters].sort().map((c) => {
    const mine = nodes.filter((n) => n.cluster === c);
    return summarise(c, mine.reduce((s, n) => s + n.totalHourlyCost, 0), mine.length, today.get(c), month.get(c), nowMs);
  });
  const asOfMs = Math.max(ctx.live?.asOfMs ?? 0, ...nodes.map((n) => n.seenAtMs));
  return ok({ currencyCode: ctx.currencyCode, asOf: asOfMs > 0 ? rfc3339(asOfMs) : null, now: rfc3339(nowMs), labelKeys: ctx.labelKeys, total: total(rows), clusters: rows });
}
