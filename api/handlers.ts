import type { RollupIndex } from "./rollup-index.ts";
import type { NodeRates } from "./rates.ts";
import { computeAllocations, type Allocation } from "./allocation.ts";
import { ParamError } from "./errors.ts";
import { parseAllocationParams } from "./params.ts";
import { steps } from "./window.ts";

export interface ApiContext {
  index: RollupIndex;
  /** Reconciled daily rollups, when the API follows them. */
  reconciled?: RollupIndex;
  rates: NodeRates;
  labelKeys: readonly string[];
  maxResponseRows: number;
  now: () => number;
}

export interface ApiResponse {
  status: number;
  body: unknown;
}

/** OpenCost's envelope: code, status, data, and a warning when parameters were ignored. */
const ok = (data: unknown, warnings: readonly string[] = []): ApiResponse => ({ status: 200, body: { code: 200, status: "success", data, ...(warnings.length > 0 ? { warning: warnings.join("; ") } : {}) } });

/** The estimated rollups, or with `reconciled=true` the reconciled daily ones (whole days only). */
function indexFor(ctx: ApiContext, reconciled: boolean): RollupIndex {
  if (!reconciled) return ctx.index;
  if (ctx.reconciled === undefined) throw new ParamError("reconciled", "this API does not follow reconciled rollups");
  return ctx.reconciled;
}

function guard(count: number, max: number): void {
  if (count > max) throw new ParamError("aggregate", `the answer has ${count} allocations, more than api.maxResponseRows (${max}); aggregate coarser, filter, or shorten the window`);
}

/** `/allocation`: OpenCost's allocation API over the rollups. */
export function allocationHandler(ctx: ApiContext, params: URLSearchParams): ApiResponse {
  const now = ctx.now();
  const p = parseAllocationParams(params, ctx.labelKeys, now);
  const ranges = p.accumulate ? [p.range] : steps(p.range, p.stepMs);
  const data = ranges.map((range) => {
    const set = computeAllocations(indexFor(ctx, p.reconciled), { range, aggregate: p.aggregate, filter: p.filter, idle: p.idle, shareIdle: p.shareIdle }, now);
    guard(set.allocations.length, ctx.maxResponseRows);
    return Object.fromEntries(set.allocations.map((a): [string, Allocation] => [a.name, a]));
  });
  return ok(data, p.warnings);
}

/** `/savings`: spot savings realised and possible over a window, by the same aggregation as /allocation. */
export function savingsHandler(ctx: ApiContext, params: URLSearchParams): ApiResponse {
  const now = ctx.now();
  const p = parseAllocationParams(params, ctx.labelKeys, now);
  const set = computeAllocations(indexFor(ctx, p.reconciled), { range: p.range, aggregate: p.aggregate, filter: p.filter, idle: p.idle, shareIdle: false }, now);
  guard(set.allocations.length, ctx.maxResponseRows);
  const items = set.allocations
    .map((a) => ({ name: a.name, properties: a.properties, totalCost: a.totalCost, realisedSavings: a.realisedSavings, potentialSavings: a.potentialSavings }))
    .sort((a, b) => b.realisedSavings + b.potentialSavings - (a.realisedSavings + a.potentialSavings));
  return ok({
    window: { start: new Date(set.covered.startMs).toISOString(), end: new Date(set.covered.endMs).toISOString() },
    realisedSavings: items.reduce((s, i) => s + i.realisedSavings, 0),
    potentialSavings: items.reduce((s, i) => s + i.potentialSavings, 0),
    items,
  }, p.warnings);
}

/** `/rates`: every node's current price rates and their capacity-weighted average. */
export function ratesHandler(ctx: ApiContext, params: URLSearchParams): ApiResponse {
  for (const name of params.keys()) if (name !== "cluster") throw new ParamError(name, "unknown parameter; accepted: cluster");
  const nodes = ctx.rates.current(ctx.now(), params.get("cluster") ?? undefined);
  return ok({ average: ctx.rates.average(nodes), nodes });
}
