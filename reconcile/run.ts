import type { Runtime } from "../bus/runtime.ts";
import { readDailyRollups } from "./estimates.ts";
import { BillAggregate, ingestFile, billInPipelineCurrency, type Progress } from "./ingest.ts";
import { publishReconciled } from "./publish.ts";
import { reconcile, type ReconcileResult } from "./reconcile.ts";
import { buildReport, type AccuracyReport } from "./report.ts";

export interface ReconcileOptions {
  bills: string[];
  /** Days to reconcile (YYYY-MM-DD); default: every day the bills cover. */
  from?: string | undefined;
  to?: string | undefined;
  cluster?: string | undefined;
  publish: boolean;
  /** Publish even when rows could not be read (their amounts are missing from the totals). */
  allowBadRows?: boolean;
  progress?: Progress;
}

export interface ReconcileRun {
  report: AccuracyReport;
  result: ReconcileResult;
  /** Reconciled rollup messages published. */
  published: number;
  /** Rows of the bills that could not be read (listed with line and column in the report). */
  badRows: number;
  /** Publishing was asked for but refused because of bad rows. */
  publishRefused: boolean;
  /** The days asked for (the bills' range, or --from/--to), and the days actually reconciled (with cost data). */
  days: { from: string; to: string; reconciled: string[] };
}

/** No day to reconcile: the bills are empty or the range is inverted. */
export class NothingToReconcileError extends Error {
  override readonly name = "NothingToReconcileError";
}

function billDays(bill: BillAggregate): string[] {
  const days = new Set<string>();
  for (const r of bill.byResourceDay.values()) days.add(r.day);
  for (const o of bill.other.values()) days.add(o.day);
  return [...days].sort();
}

/** Reads the bills, the daily rollups for their days, reconciles, and optionally publishes. */
export async function runReconcile(rt: Runtime, options: ReconcileOptions): Promise<ReconcileRun> {
  const bill = new BillAggregate();
  for (const path of options.bills) await ingestFile(path, bill, options.progress);
  billInPipelineCurrency(bill, rt.config.pricing.currency, rt.config.pricing.exchangeRates);
  const days = billDays(bill);
  const from = options.from ?? days[0];
  const to = options.to ?? days[days.length - 1];
  if (from === undefined || to === undefined || from > to) throw new NothingToReconcileError(`no day to reconcile: the bills cover ${days.length === 0 ? "no day" : `${days[0]} to ${days[days.length - 1]}`}`);
  const rollups = await readDailyRollups(rt, from, to, options.cluster);
  const result = reconcile(rollups, bill);
  const badRows = bill.files.reduce((n, f) => n + f.badRows, 0);
  const publishRefused = options.publish && badRows > 0 && options.allowBadRows !== true;
  const published = options.publish && !publishRefused ? await publishReconciled(rt, result.reconciled, Date.now()) : 0;
  return { report: buildReport(result, bill.files, bill.currency), result, published, badRows, publishRefused, days: { from, to, reconciled: result.days } };
}
