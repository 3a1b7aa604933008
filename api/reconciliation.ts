import { ParamError } from "./errors.ts";
import { ok, type ApiContext, type ApiResponse } from "./handlers.ts";
import { DAY_MS, parseWindow, rfc3339 } from "./window.ts";

export interface NodeDayAccuracy {
  cluster: string;
  day: string;
  node: string;
  providerId: string;
  instanceType: string;
  capacityType: string;
  /** The pipeline's list-price estimate of the node's compute (pods' CPU/RAM/GPU and idle). */
  estimated: number;
  /** The same from the bill (`kce reconcile --publish`). */
  billed: number;
  /** billed ÷ estimated (1 = the estimate was the bill). */
  ratio: number;
  /** (estimated − billed) ÷ billed, %. */
  errorPct: number;
}

/** `/reconciliation`'s answer. */
export interface Reconciliation {
  currencyCode: string;
  /** Whether this API follows reconciled rollups at all. */
  enabled: boolean;
  totals: { nodeDays: number; estimated: number; billed: number; ratio: number; errorPct: number };
  rows: NodeDayAccuracy[];
}

const compute = (n: { podComputeCost: number; idleCost: number }): number => n.podComputeCost + n.idleCost;

/**
 * `/reconciliation?window=30d[&cluster=]`: per node and day that `kce reconcile --publish` matched to
 * the bill, the estimate beside the billed cost, newest day first, and the totals.
 */
export function reconciliationHandler(ctx: ApiContext, params: URLSearchParams): ApiResponse {
  for (const name of params.keys()) if (name !== "window" && name !== "cluster") throw new ParamError(name, "unknown parameter; accepted: window, cluster");
  const nowMs = ctx.now();
  const range = parseWindow(params.get("window") ?? "30d", nowMs);
  const only = params.get("cluster");
  const rows: NodeDayAccuracy[] = [];
  const reconciled = ctx.reconciled;
  if (reconciled !== undefined) {
    for (const dayStart of reconciled.dayStarts()) {
      if (dayStart + DAY_MS <= range.startMs || dayStart >= range.endMs) continue;
      for (const cluster of reconciled.clusters()) {
        if (only !== null && cluster !== only) continue;
        const billedDay = reconciled.day(cluster, dayStart);
        if (billedDay === undefined) continue;
        const estimatedNodes = new Map((ctx.index.day(cluster, dayStart)?.nodes ?? []).map((n) => [n.node, n]));
        for (const n of billedDay.nodes) {
          const e = estimatedNodes.get(n.node);
          const estimated = e === undefined ? 0 : compute(e);
          const billed = compute(n);
          rows.push({ cluster, day: rfc3339(dayStart).slice(0, 10), node: n.node, providerId: n.providerId, instanceType: n.instanceType, capacityType: n.capacityType, estimated, billed, ratio: estimated > 0 ? billed / estimated : 0, errorPct: billed > 0 ? ((estimated - billed) / billed) * 100 : 0 });
        }
      }
    }
  }
  rows.sort((a, b) => b.day.localeCompare(a.day) || a.cluster.localeCompare(b.cluster) || a.node.localeCompare(b.node));
  const estimated = rows.reduce((s, r) => s + r.estimated, 0);
  const billed = rows.reduce((s, r) => s + r.billed, 0);
  const data: Reconciliation = {
    currencyCode: ctx.currencyCode,
    enabled: reconciled !== undefined,
    totals: { nodeDays: rows.length, estimated, billed, ratio: estimated > 0 ? billed / estimated : 0, errorPct: billed > 0 ? ((estimated - billed) / billed) * 100 : 0 },
    rows,
  };
  return ok(data);
}
