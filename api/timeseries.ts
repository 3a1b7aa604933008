import { aggregateKey, IDLE, idleTarget } from "./aggregate.ts";
import { computeAllocations } from "./allocation.ts";
import { ParamError } from "./errors.ts";
import type { FilterTarget } from "./filter.ts";
import { indexFor, ok, type ApiContext, type ApiResponse } from "./handlers.ts";
import { parseAllocationParams } from "./params.ts";
import type { StoredWindow } from "./rollup-index.ts";
import { DAY_MS, HOUR_MS, rfc3339, steps } from "./window.ts";

export interface TimeSeries {
  /** Start of each step, RFC 3339. */
  x: string[];
  /** The `top` costliest allocations, each step's total cost (idle as `__idle__`). */
  series: Array<{ name: string; values: number[] }>;
  /** The rest summed, when there is a rest. */
  other: { count: number; values: number[] } | null;
  total: number[];
}

/** Terms that only test a namespace row's fields (cluster, namespace): answerable from the rollups' namespace rows. */
const NAMESPACE_TERM = /^\s*(cluster|namespace)!?:/;

/** One step's cost per allocation from the rollups' namespace rows (a few rows per window instead of one per pod). */
function namespaceCosts(windows: readonly StoredWindow[], aggregate: readonly string[], filter: (t: FilterTarget) => boolean, idle: boolean, into: Map<string, number>): void {
  const add = (key: string, v: number) => into.set(key, (into.get(key) ?? 0) + v);
  for (const w of windows) {
    for (const row of w.rows.ofDimension("namespace")) {
      const target = { cluster: w.cluster, node: "", namespace: row.namespace, controllerKind: "", controllerName: "", pod: "", labels: {} };
      if (filter(target)) add(aggregateKey(target, aggregate), row.totalCost);
    }
    if (idle) for (const n of w.nodes) if (filter(idleTarget(w.cluster, n.node))) add(IDLE, n.idleCost);
  }
}

/**
 * `/timeseries?window=…&step=1h|1d&aggregate=…&filter=…&top=6[&idle=false]`: cost over time for a chart —
 * the same allocations as `/allocation?step=` (same parameters, names and totals) but only each one's
 * total per step, for the `top` costliest and the rest summed, so a chart of 10,000 pods is a few kB.
 */
export function timeseriesHandler(ctx: ApiContext, params: URLSearchParams): ApiResponse {
  const nowMs = ctx.now();
  const rest = new URLSearchParams(params);
  const topText = rest.get("top");
  rest.delete("top");
  const top = topText === null ? 6 : Number(topText);
  if (!Number.isInteger(top) || top < 1 || top > 50) throw new ParamError("top", `must be a whole number from 1 to 50, got ${JSON.stringify(topText)}`);
  const p = parseAllocationParams(rest, ctx.labelKeys, nowMs);
  if (p.shareIdle) throw new ParamError("shareIdle", "is not supported by /timeseries; idle is its own series");
  const stepMs = p.stepMs ?? (p.range.endMs - p.range.startMs > 3 * DAY_MS ? DAY_MS : HOUR_MS);
  const byNamespace = p.aggregate.every((a) => a === "cluster" || a === "namespace") && p.filterText.split("+").every((t) => t.trim() === "" || NAMESPACE_TERM.test(t));
  const index = indexFor(ctx, p.reconciled);
  // By cluster or namespace with a filter on those alone, the namespace rows answer; otherwise /allocation's own sums.
  const perStep = steps(p.range, stepMs).map((range) => {
    const costs = new Map<string, number>();
    if (byNamespace) namespaceCosts(index.plan(range, nowMs).windows, p.aggregate, p.filter, p.idle, costs);
    else for (const a of computeAllocations(index, { range, aggregate: p.aggregate, filter: p.filter, idle: p.idle, shareIdle: false }, nowMs).allocations) costs.set(a.name, a.totalCost);
    return { startMs: range.startMs, costs };
  });
  const totals = new Map<string, number>();
  for (const s of perStep) for (const [k, v] of s.costs) totals.set(k, (totals.get(k) ?? 0) + v);
  const ranked = [...totals.entries()].sort((a, b) => b[1] - a[1]).map(([k]) => k);
  const shown = ranked.slice(0, top);
  const others = ranked.slice(top);
  const data: TimeSeries = {
    x: perStep.map((s) => rfc3339(s.startMs)),
    series: shown.map((name) => ({ name, values: perStep.map((s) => s.costs.get(name) ?? 0) })),
    other: others.length === 0 ? null : { count: others.length, values: perStep.map((s) => others.reduce((sum, k) => sum + (s.costs.get(k) ?? 0), 0)) },
    total: perStep.map((s) => [...s.costs.values()].reduce((a, b) => a + b, 0)),
  };
  return ok(data, p.warnings);
}
