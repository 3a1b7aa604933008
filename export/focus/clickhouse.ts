import { EXPORT_COLUMNS, type FocusColumn, type FocusRow } from "./columns.ts";

/**
 * FOCUS rows in ClickHouse (table `focus_costs`, migration 3 of sinks/clickhouse): the export's columns
 * under their FOCUS names, plus `x_RowKey` (the row's identity within its charge period) and `x_Rev`
 * (the rollup revision) so that a ReplacingMergeTree keeps one row per charge period, row and source
 * (list-price estimate or reconciled): read with FINAL.
 */

function chType(c: FocusColumn): string {
  const base = c.type === "Decimal" ? "Float64" : c.type === "DateTime" ? "DateTime('UTC')" : "String";
  return c.nullable ? `Nullable(${base})` : base;
}

export function focusTable(db: string): string {
  const columns = EXPORT_COLUMNS.map((c) => `${c.name} ${chType(c)}`).join(", ");
  return `CREATE TABLE IF NOT EXISTS ${db}.focus_costs (${columns}, x_RowKey String, x_Rev UInt64)
    ENGINE = ReplacingMergeTree(x_Rev) PARTITION BY toYYYYMM(ChargePeriodStart) ORDER BY (x_Cluster, ChargePeriodStart, x_CostSource, x_RowKey)`;
}

/** A row's identity within its window: what it charges (kind, service) and to whom (node, namespace, pod). */
export function rowKey(r: FocusRow): string {
  return [r.x_CostKind, r.ServiceCategory, r.x_Node, r.x_Namespace, r.AllocatedResourceId ?? r.x_Pod].map((v) => (v === null || v === undefined ? "" : String(v))).join("|");
}

/** JSONEachRow values: FOCUS date/times as ClickHouse DateTime text. */
export function focusValues(r: FocusRow, rev: number): Record<string, string | number | null> {
  const out: Record<string, string | number | null> = { x_RowKey: rowKey(r), x_Rev: rev };
  for (const c of EXPORT_COLUMNS) {
    const v = r[c.name] ?? null;
    out[c.name] = c.type === "DateTime" && typeof v === "string" ? v.replace("T", " ").replace("Z", "") : v;
  }
  return out;
}
