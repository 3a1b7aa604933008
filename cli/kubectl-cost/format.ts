import { stringify } from "yaml";

export type CellKind = "text" | "money" | "count" | "percent";

export interface Column<R> {
  header: string;
  kind: CellKind;
  value: (row: R) => string | number | undefined;
}

export type OutputFormat = "table" | "json" | "csv" | "yaml";

/** Decimal places for money: cents normally, more when every amount is below a dollar. */
function moneyDecimals(values: number[]): number {
  const max = Math.max(0, ...values.map(Math.abs));
  if (max >= 1 || max === 0) return 2;
  return max >= 0.01 ? 4 : 6;
}

function cell(kind: CellKind, v: string | number | undefined, decimals: number): string {
  if (v === undefined || v === "") return "";
  if (typeof v === "string") return v;
  switch (kind) {
    case "money":
      return `${v < 0 ? "-" : ""}$${Math.abs(v).toFixed(decimals)}`;
    case "percent":
      return `${(v * 100).toFixed(1)}%`;
    case "count":
      return String(Math.round(v));
    case "text":
      return String(v);
  }
}

/**
 * A plain kubectl-style table: upper-case headers, columns separated by three spaces, numbers
 * right-aligned, money as $45.20 (more decimals for a column of sub-dollar amounts), optional
 * footer row. Pipes well: no colours, no borders.
 */
export function renderTable<R>(columns: Column<R>[], rows: R[], footer?: R): string {
  const all = footer === undefined ? rows : [...rows, footer];
  // One precision for every money column, so amounts line up and compare at a glance.
  const money = columns.filter((c) => c.kind === "money").flatMap((c) => all.map((r) => c.value(r)).filter((v): v is number => typeof v === "number"));
  const places = moneyDecimals(money);
  const decimals = columns.map(() => places);
  const cells = all.map((r) => columns.map((c, i) => cell(c.kind, c.value(r), decimals[i] ?? 2)));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((row) => (row[i] ?? "").length)));
  const line = (values: string[]) =>
    values.map((v, i) => (columns[i]?.kind === "text" ? v.padEnd(widths[i] ?? 0) : v.padStart(widths[i] ?? 0))).join("   ").trimEnd();
  return [line(columns.map((c) => c.header)), ...cells.map(line)].join("\n") + "\n";
}

function csvEscape(v: unknown): string {
  if (v === undefined || v === null) return "";
  const s = typeof v === "number" || typeof v === "boolean" ? String(v) : typeof v === "string" ? v : JSON.stringify(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** CSV with a fixed header (`fields`), full-precision numbers, no total row: stable for scripts. */
export function renderCsv(fields: readonly string[], records: ReadonlyArray<Record<string, unknown>>): string {
  return [fields.join(","), ...records.map((r) => fields.map((f) => csvEscape(r[f])).join(","))].join("\n") + "\n";
}

export function renderStructured(format: "json" | "yaml", document: unknown): string {
  return format === "json" ? JSON.stringify(document, null, 2) + "\n" : stringify(document);
}
