import { stringify } from "csv-stringify/sync";
import { renderTable, type Column } from "../cli/kubectl-cost/format.ts";
import { DAY_MS } from "../api/window.ts";
import type { Runtime } from "../bus/runtime.ts";
import type { CostRollup } from "../model/events.ts";
import { RECONCILED_RESOLUTION } from "../reconcile/reconcile.ts";
import type { ShowbackResult } from "./showback.ts";
import { readWindow } from "../processors/rollup/read-window.ts";


export interface MonthWindows {
  days: number;
  reconciledDays: number;
}

/** Hands over the month's daily windows one day at a time; a reconciled day replaces its estimate when asked. */
export async function readMonth(rt: Runtime, startMs: number, endMs: number, reconciled: boolean, onWindow: (w: CostRollup) => void, cluster?: string): Promise<MonthWindows> {
  const out: MonthWindows = { days: 0, reconciledDays: 0 };
  for (let t = startMs; t < endMs; t += DAY_MS) {
    const estimated = await readWindow(rt, "1d", t, cluster);
    const matched = reconciled ? new Map((await readWindow(rt, RECONCILED_RESOLUTION, t, cluster)).map((w) => [w.cluster, w])) : new Map<string, CostRollup>();
    if (estimated.length > 0) out.days++;
    for (const w of estimated) {
      const r = matched.get(w.cluster);
      if (r !== undefined) out.reconciledDays++;
      onWindow(r ?? w);
    }
  }
  return out;
}

export interface RenderOptions {
  month: string;
  by: string;
  currency: string;
  format: "table" | "csv" | "json";
  days: number;
  reconciledDays: number;
}

function money(x: number): string {
  return x.toFixed(2);
}

export function renderShowback(result: ShowbackResult, o: RenderOptions): string {
  const rows = result.rows.map((r) => ({
    month: o.month,
    cluster: r.cluster,
    [o.by]: r.group,
    direct_cost: money(r.direct),
    idle_cost: money(r.idle),
    shared_cost: money(r.shared),
    total_cost: (r.totalCents / 100).toFixed(2),
    share_pct: ((100 * r.totalCents) / Math.max(1, result.clusters.find((c) => c.cluster === r.cluster)?.totalCents ?? 1)).toFixed(2),
    currency: o.currency,
  }));
  if (o.format === "json") return JSON.stringify({ month: o.month, by: o.by, currency: o.currency, days: o.days, reconciledDays: o.reconciledDays, rows: result.rows, clusters: result.clusters }, null, 2) + "\n";
  const totals = result.clusters.map((c) => ({ month: o.month, cluster: c.cluster, [o.by]: "TOTAL", direct_cost: "", idle_cost: "", shared_cost: "", total_cost: (c.totalCents / 100).toFixed(2), share_pct: "100.00", currency: o.currency }));
  const all = [...rows, ...totals];
  if (o.format === "csv") return stringify(all, { header: true, columns: Object.keys(all[0] ?? rows[0] ?? { month: "" }) });
  type Row = (typeof all)[number];
  const figure = (header: string, value: (r: Row) => string): Column<Row> => ({ header, kind: "count", value });
  const columns: Array<Column<Row>> = [
    { header: "CLUSTER", kind: "text", value: (r) => r.cluster },
    { header: o.by.toUpperCase(), kind: "text", value: (r) => String(r[o.by]) },
    figure("DIRECT", (r) => r.direct_cost),
    figure("IDLE", (r) => r.idle_cost),
    figure("SHARED", (r) => r.shared_cost),
    figure("TOTAL", (r) => r.total_cost),
    figure("SHARE %", (r) => r.share_pct),
  ];
  const note = `${o.month}: ${o.days} day(s) with cost data${o.reconciledDays > 0 ? `, ${o.reconciledDays} reconciled with the bill` : ""}; amounts in ${o.currency}`;
  return `${note}\n${renderTable(columns, all)}`;
}
