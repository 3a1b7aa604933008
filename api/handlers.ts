import type { RollupIndex } from "./rollup-index.ts";
import type { AverageRates, NodeRate, NodeRates } from "./rates.ts";
import { computeAllocations, type Allocation } from "./allocation.ts";
import { ParamError } from "./errors.ts";
import { listParam, parseAllocationParams } from "./params.ts";
import { parseWindow, steps } from "./window.ts";
import { computeAssets } from "./assets.ts";
import type { Recommendation, Recommender } from "../processors/recommender/recommender.ts";
import type { NodeRecommendation } from "../processors/recommender/nodes.ts";
import { recommendations } from "./recommendations.ts";
import type { LiveFeed } from "./live.ts";
import type { BudgetRule } from "../config/schema.ts";
import type { RecentAlerts } from "./recent-alerts.ts";

export interface ApiContext {
  index: RollupIndex;
  /** Reconciled daily rollups, when the API follows them. */
  reconciled?: RollupIndex;
  rates: NodeRates;
  labelKeys: readonly string[];
  maxResponseRows: number;
  /** The pipeline's currency (pricing.currency), as OpenCost's /model/getConfigs reports it. */
  currencyCode: string;
  now: () => number;
  /** Usage learned from KCE_USAGE, when recommendations are enabled. */
  recommender?: Recommender;
  nodeSizing?: { underusedPct: number; headroomPct: number };
  /** Server-sent events for the web app (`/events`). */
  live?: LiveFeed;
  /** Serve the web app at /ui/. */
  ui?: boolean;
  /** Budget rules (config `budgets`), for `/budgets`. */
  budgets?: readonly BudgetRule[];
  /** Recent budget alerts (KCE_ALERTS), for `/budgets`. */
  alerts?: RecentAlerts;
}

export interface ApiResponse {
  status: number;
  body: unknown;
}

/** OpenCost's envelope: code, status, data, and a warning when parameters were ignored. */
export const ok = (data: unknown, warnings: readonly string[] = []): ApiResponse => ({ status: 200, body: { code: 200, status: "success", data, ...(warnings.length > 0 ? { warning: warnings.join("; ") } : {}) } });

/** The estimated rollups, or with `reconciled=true` the reconciled daily ones (whole days only). */
export function indexFor(ctx: ApiContext, reconciled: boolean): RollupIndex {
  if (!reconciled) return ctx.index;
  if (ctx.reconciled === undefined) throw new ParamError("reconciled", "this API does not follow reconciled rollups");
  return ctx.reconciled;
}

export function guard(count: number, max: number): void {
  if (count > max) throw new ParamError("aggregate", `the answer has ${count} allocations, more than api.maxResponseRows (${max}); aggregate coarser, filter, or shorten the window`);
}

/** `/allocation`: OpenCost's allocation API over the rollups. */
export function allocationHandler(ctx: ApiContext, params: URLSearchParams): ApiResponse {
  const now = ctx.now();
  const p = parseAllocationParams(params, ctx.labelKeys, now);
  const ranges = p.accumulate ? [p.range] : steps(p.range, p.stepMs);
  const data = ranges.map((range) => {
    const set = computeAllocations(indexFor(ctx, p.reconciled), { range, aggregate: p.aggregate, filter: p.filter, idle: p.idle, shareIdle: p.shareIdle, splitIdle: p.splitIdle, idleByNode: p.idleByNode }, now);
    guard(set.allocations.length, ctx.maxResponseRows);
    return Object.fromEntries(set.allocations.map((a): [string, Allocation] => [a.name, a]));
  });
  return ok(data, p.warnings);
}

export interface SavingsItem {
  name: string;
  properties: Allocation["properties"];
  totalCost: number;
  realisedSavings: number;
  potentialSavings: number;
}

/** `/savings`' answer. */
export interface Savings {
  window: { start: string; end: string };
  realisedSavings: number;
  potentialSavings: number;
  items: SavingsItem[];
}

/** `/rates`' answer. */
export interface Rates {
  average: AverageRates;
  nodes: NodeRate[];
}

/** `/recommendations`' answer. */
export interface Recommendations {
  currencyCode: string;
  monthlySavingsUsd: number;
  items: Recommendation[];
  nodes: NodeRecommendation[];
}

/** `/savings`: spot savings realised and possible over a window, by the same aggregation as /allocation. */
export function savingsHandler(ctx: ApiContext, params: URLSearchParams): ApiResponse {
  const now = ctx.now();
  const p = parseAllocationParams(params, ctx.labelKeys, now);
  const set = computeAllocations(indexFor(ctx, p.reconciled), { range: p.range, aggregate: p.aggregate, filter: p.filter, idle: p.idle, shareIdle: false, splitIdle: p.splitIdle, idleByNode: p.idleByNode }, now);
  guard(set.allocations.length, ctx.maxResponseRows);
  const items: SavingsItem[] = set.allocations
    .map((a) => ({ name: a.name, properties: a.properties, totalCost: a.totalCost, realisedSavings: a.realisedSavings, potentialSavings: a.potentialSavings }))
    .sort((a, b) => b.realisedSavings + b.potentialSavings - (a.realisedSavings + a.potentialSavings));
  const data: Savings = {
    window: { start: new Date(set.covered.startMs).toISOString(), end: new Date(set.covered.endMs).toISOString() },
    realisedSavings: items.reduce((s, i) => s + i.realisedSavings, 0),
    potentialSavings: items.reduce((s, i) => s + i.potentialSavings, 0),
    items,
  };
  return ok(data, p.warnings);
}

/** `/rates`: every node's current price rates and their capacity-weighted average. */
export function ratesHandler(ctx: ApiContext, params: URLSearchParams): ApiResponse {
  for (const name of params.keys()) if (name !== "cluster") throw new ParamError(name, "unknown parameter; accepted: cluster");
  const nodes = ctx.rates.current(ctx.now(), params.get("cluster") ?? undefined);
  const data: Rates = { average: ctx.rates.average(nodes), nodes };
  return ok(data);
}

const ASSET_PARAMS = new Set(["window", "accumulate", "aggregate", "filterTypes", "disableAdjustments", "step", "format"]);

/** `/assets` (and Kubecost's `/model/assets`): nodes and disks in OpenCost's asset JSON, accumulated over the window. */
export function assetsHandler(ctx: ApiContext, params: URLSearchParams): ApiResponse {
  const now = ctx.now();
  const unknown = [...new Set(params.keys())].filter((k) => !ASSET_PARAMS.has(k));
  const range = parseWindow(params.get("window"), now);
  const types = new Set(listParam(params, "filterTypes"));
  for (const t of types) if (t !== "Node" && t !== "Disk") throw new ParamError("filterTypes", `unknown asset type ${JSON.stringify(t)}; this API has Node and Disk`);
  const { assets } = computeAssets(ctx.index, { range, types, capacity: (cluster, node) => ctx.rates.lookup(cluster, node) }, now);
  guard(assets.size, ctx.maxResponseRows);
  const warnings = unknown.length === 0 ? [] : [`ignored unknown parameter(s) ${unknown.join(", ")}; accepted: ${[...ASSET_PARAMS].join(", ")} (aggregate, step and disableAdjustments are read but not applied: assets are per node and disk, accumulated)`];
  return ok([Object.fromEntries(assets)], warnings);
}

/** `/model/getConfigs`: the part of OpenCost's configuration clients read (kubectl-cost: the currency). */
export function configsHandler(ctx: ApiContext): ApiResponse {
  return ok({ currencyCode: ctx.currencyCode });
}

/** `/recommendations`: request right-sizing per controller (processors/recommender). */
export function recommendationsHandler(ctx: ApiContext, params: URLSearchParams): ApiResponse {
  const r = recommendations(ctx.recommender, ctx.rates, params, ctx.now(), ctx.nodeSizing ?? { underusedPct: 50, headroomPct: 20 });
  guard(r.items.length, ctx.maxResponseRows);
  const data: Recommendations = { currencyCode: ctx.currencyCode, monthlySavingsUsd: r.monthlySavingsUsd, items: r.items, nodes: r.nodes };
  return ok(data, r.warnings);
}
