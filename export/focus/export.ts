import type { Runtime } from "../../bus/runtime.ts";
import type { CostRollup } from "../../model/events.ts";
import { RECONCILED_RESOLUTION } from "../../reconcile/reconcile.ts";
import { readWindow } from "../../processors/rollup/read-window.ts";
import type { FocusSink } from "./files.ts";
import { focusRowBatches, focusTime, type FocusAggregate } from "./rows.ts";
import { DAY_MS, HOUR_MS } from "../../api/window.ts";

/** Rows made and written at a time (one Parquet row group): bounds the memory a big window needs. */
export const BATCH_ROWS = 2000;

export { DAY_MS, HOUR_MS };

export interface FocusExportOptions {
  startMs: number;
  endMs: number;
  /** Charge period: one day (1d rollups) or one hour (1h rollups). */
  stepMs: typeof DAY_MS | typeof HOUR_MS;
  /** Use the reconciled daily rollups where `kce reconcile --publish` wrote them. */
  reconciled: boolean;
  cluster?: string | undefined;
  /** BillingAccountId (default: the cluster's name). */
  billingAccountId?: string | undefined;
  billingAccountName?: string | undefined;
  currency: string;
  /** One row per pod (default), or summed per controller or namespace. */
  aggregate?: FocusAggregate;
}

export interface FocusExportSummary {
  rows: number;
  periods: number;
  windows: number;
  reconciledWindows: number;
  /** Windows still open (not final) when exported: their cost can still grow. */
  openWindows: number;
  /** Charge periods with no rollup at all (the pipeline did not run, or retention dropped them). */
  emptyPeriods: string[];
  effectiveCost: number;
  listCost: number;
  clusters: string[];
}

/** Snaps a range outward to whole charge periods. */
export function snapRange(startMs: number, endMs: number, stepMs: number): { startMs: number; endMs: number } {
  return { startMs: Math.floor(startMs / stepMs) * stepMs, endMs: Math.ceil(endMs / stepMs) * stepMs };
}

/**
 * Writes the FOCUS rows of every charge period of the range, one period at a time (each read from
 * NATS, turned into rows, written, and let go). `progress` is called after each period.
 */
export async function exportFocus(rt: Runtime, opts: FocusExportOptions, sink: FocusSink, progress?: (done: number, total: number, rows: number) => void): Promise<FocusExportSummary> {
  const resolution = opts.stepMs === DAY_MS ? "1d" : "1h";
  const summary: FocusExportSummary = { rows: 0, periods: 0, windows: 0, reconciledWindows: 0, openWindows: 0, emptyPeriods: [], effectiveCost: 0, listCost: 0, clusters: [] };
  const clusters = new Set<string>();
  const total = Math.max(0, Math.round((opts.endMs - opts.startMs) / opts.stepMs));
  for (let t = opts.startMs; t < opts.endMs; t += opts.stepMs) {
    summary.periods++;
    const windows = await readWindow(rt, resolution, t, opts.cluster);
    const reconciled = opts.reconciled && resolution === "1d" ? new Map((await readWindow(rt, RECONCILED_RESOLUTION, t, opts.cluster)).map((w) => [w.cluster, w])) : new Map<string, CostRollup>();
    if (windows.length === 0) summary.emptyPeriods.push(focusTime(t));
    for (const w of windows) {
      const r = reconciled.get(w.cluster);
      const ctx = { billingAccountId: opts.billingAccountId ?? w.cluster, billingAccountName: opts.billingAccountName ?? null, currency: opts.currency };
      for (const rows of r === undefined ? focusRowBatches(w, ctx, false, undefined, BATCH_ROWS, opts.aggregate) : focusRowBatches(r, ctx, true, w, BATCH_ROWS, opts.aggregate)) {
        await sink.write(rows);
        summary.rows += rows.length;
        for (const row of rows) {
          summary.effectiveCost += row.EffectiveCost as number;
          summary.listCost += row.ListCost as number;
        }
      }
      summary.windows++;
      if (r !== undefined) summary.reconciledWindows++;
      if (!w.final) summary.openWindows++;
      clusters.add(w.cluster);
    }
    progress?.(summary.periods, total, summary.rows);
  }
  summary.clusters = [...clusters].sort();
  return summary;
}
