import type { ComponentChildren } from "preact";
import { useMemo, useState } from "preact/hooks";

export interface Column<R> {
  key: string;
  title: string;
  /** The value sorted on (and written to CSV). */
  value: (r: R) => number | string;
  /** How a numeric value is shown (cells and the totals row). */
  format?: (v: number) => string;
  /** What the cell shows, when more than the formatted value (links, badges). */
  render?: (r: R) => ComponentChildren;
  numeric?: boolean;
  /** Summed in the footer (numeric columns only). */
  total?: boolean;
  className?: (r: R) => string;
}

export interface SortState {
  key: string;
  desc: boolean;
}

export function sortRows<R>(rows: readonly R[], columns: readonly Column<R>[], sort: SortState): R[] {
  const col = columns.find((c) => c.key === sort.key) ?? columns[0];
  if (col === undefined) return [...rows];
  const dir = sort.desc ? -1 : 1;
  return [...rows].sort((a, b) => {
    const x = col.value(a);
    const y = col.value(b);
    return dir * (typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y)));
  });
}

interface Props<R> {
  id: string;
  columns: readonly Column<R>[];
  rows: readonly R[];
  rowKey: (r: R) => string;
  /** The sort: controlled with onSort (kept in the URL by the page), else the initial one. */
  sort?: SortState;
  onSort?: (s: SortState) => void;
  totalLabel?: string;
  empty?: string;
  /** Rows rendered before "Show all" (a DOM of 10,000 rows takes seconds to build); totals cover every row. */
  limit?: number;
}

/** A sortable table (click a header; again to reverse) with an optional totals row. */
export function Table<R>(props: Props<R>) {
  const [local, setLocal] = useState<SortState>(props.sort ?? { key: props.columns.find((c) => c.numeric === true)?.key ?? "", desc: true });
  const sort = props.onSort !== undefined && props.sort !== undefined ? props.sort : local;
  const setSort = props.onSort ?? setLocal;
  const rows = useMemo(() => sortRows(props.rows, props.columns, sort), [props.rows, props.columns, sort.key, sort.desc]);
  const [all, setAll] = useState(false);
  const limit = props.limit ?? 500;
  const shown = all || rows.length <= limit ? rows : rows.slice(0, limit);
  const hasTotals = props.columns.some((c) => c.total === true);
  if (props.rows.length === 0) return <p class="empty">{props.empty ?? "Nothing to show for this selection."}</p>;
  return (
    <div class="table-wrap">
      <table id={props.id}>
        <thead>
          <tr>
            {props.columns.map((c) => (
              <th key={c.key} data-key={c.key} class={`${c.numeric === true ? "num" : ""} ${sort.key === c.key ? (sort.desc ? "sorted desc" : "sorted asc") : ""}`} aria-sort={sort.key === c.key ? (sort.desc ? "descending" : "ascending") : "none"}>
                <button type="button" onClick={() => setSort({ key: c.key, desc: sort.key === c.key ? !sort.desc : c.numeric === true })}>
                  {c.title}
                </button>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {shown.map((r) => (
            <tr key={props.rowKey(r)} data-row={props.rowKey(r)}>
              {props.columns.map((c) => (
                <td key={c.key} data-key={c.key} class={`${c.numeric === true ? "num" : ""} ${c.className?.(r) ?? ""}`}>
                  {cell(c, r)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
        {hasTotals ? (
          <tfoot>
            <tr>
              {props.columns.map((c, i) => (
                <td key={c.key} data-key={c.key} class={c.numeric === true ? "num" : ""}>
                  {c.total === true ? (c.format ?? String)(sumOf(props.rows, c)) : i === 0 ? props.totalLabel ?? "Total" : ""}
                </td>
              ))}
            </tr>
          </tfoot>
        ) : null}
      </table>
      {shown.length < rows.length ? (
        <p class="more">
          {`Showing ${shown.length} of ${rows.length} rows (the totals and the CSV cover all of them). `}
          <button type="button" class="show-all" onClick={() => setAll(true)}>
            Show all {rows.length}
          </button>
        </p>
      ) : null}
    </div>
  );
}

function sumOf<R>(rows: readonly R[], c: Column<R>): number {
  return rows.reduce((s, r) => s + Number(c.value(r)), 0);
}

function cell<R>(c: Column<R>, r: R): ComponentChildren {
  if (c.render !== undefined) return c.render(r);
  const v = c.value(r);
  return typeof v === "number" && c.format !== undefined ? c.format(v) : v;
}
