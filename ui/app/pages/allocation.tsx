import { useEffect, useMemo, useState } from "preact/hooks";
import { useApi } from "../api.ts";
import { Section, Status } from "../components/bits.tsx";
import { Chart } from "../components/chart.tsx";
import { sortRows, Table, type Column } from "../components/table.tsx";
import { crumbs, isSpecial, narrow, nextAggregate, termFor } from "../drill.ts";
import { money, pct, time } from "../format.ts";
import { href, navigate, type Route } from "../route.ts";
import { chartSeries } from "../series.ts";
import type { Allocation, AllocationSets, Summary, TimeSeries } from "../types.ts";
import { WindowPicker } from "./window-picker.tsx";

const AGGREGATES = ["cluster", "namespace", "controller", "pod", "node"];

const idleOf = (a: Allocation): number => (isSpecial(a.name) && a.name.endsWith("__idle__") ? a.totalCost : a.cpuCostIdle + a.ramCostIdle + a.gpuCostIdle);

function columns(aggregate: string, state: URLSearchParams): Column<Allocation>[] {
  const next = nextAggregate(aggregate);
  const filter = state.get("filter") ?? "";
  const nameCell = (a: Allocation) => {
    const term = termFor(aggregate, a.name);
    if (next === undefined || term === undefined) return <span class={isSpecial(a.name) ? "special" : ""}>{a.name}</span>;
    const q = new URLSearchParams(state);
    q.set("aggregate", next);
    q.set("filter", narrow(filter, term));
    q.delete("sort");
    q.delete("asc");
    return (
      <a class="drill" href={href("allocation", q)}>
        {a.name}
      </a>
    );
  };
  return [
    { key: "name", title: aggregate.replace(/^label:/, "label "), value: (a) => a.name, render: nameCell },
    { key: "pods", title: "Pods", value: (a) => a.podCount, numeric: true },
    { key: "cpu", title: "CPU", value: (a) => a.cpuCost, numeric: true, total: true, format: money },
    { key: "ram", title: "RAM", value: (a) => a.ramCost, numeric: true, total: true, format: money },
    { key: "gpu", title: "GPU", value: (a) => a.gpuCost, numeric: true, total: true, format: money },
    { key: "pv", title: "PV", value: (a) => a.pvCost, numeric: true, total: true, format: money },
    { key: "network", title: "Network", value: (a) => a.networkCost, numeric: true, total: true, format: money },
    { key: "idle", title: "of which idle", value: idleOf, numeric: true, total: true, format: money },
    { key: "total", title: "Total", value: (a) => a.totalCost, numeric: true, total: true, format: money },
    { key: "efficiency", title: "Efficiency", value: (a) => a.totalEfficiency, numeric: true, format: (v) => (v > 0 ? pct(v) : "—") },
  ];
}

/**
 * What the API gets for the page's state: /allocation for the table, /timeseries (the same selection,
 * each allocation's cost per step; idle as its own series) for the chart.
 */
function apiQuery(state: URLSearchParams, chart: boolean): string {
  const q = new URLSearchParams({ window: state.get("window") ?? "7d", aggregate: state.get("aggregate") ?? "namespace" });
  const filter = state.get("filter") ?? "";
  if (filter !== "") q.set("filter", filter);
  if (state.get("idle") === "false") q.set("idle", "false");
  if (chart) q.set("top", "6");
  else {
    q.set("accumulate", "true");
    if (state.get("shareIdle") === "true") q.set("shareIdle", "true");
  }
  return q.toString();
}

/** Allocation explorer: window, aggregate, filter, sortable table with drill-down, cost over time, CSV. */
export function AllocationPage(props: { route: Route; version: number; summary: Summary | undefined }) {
  const state = props.route.params;
  const window = state.get("window") ?? "7d";
  const aggregate = state.get("aggregate") ?? "namespace";
  const filter = state.get("filter") ?? "";
  const table = useApi<AllocationSets>(`/allocation?${apiQuery(state, false)}`, props.version);
  const steps = useApi<TimeSeries>(`/timeseries?${apiQuery(state, true)}`, props.version);
  const [filterText, setFilterText] = useState(filter);
  // A drill-down, a breadcrumb or Back changes the filter in the URL: the input follows it.
  useEffect(() => setFilterText(filter), [filter]);
  const set = (changes: Record<string, string | undefined>) => {
    const q = new URLSearchParams(state);
    for (const [k, v] of Object.entries(changes)) if (v === undefined || v === "") q.delete(k);
    else q.set(k, v);
    navigate(href("allocation", q));
  };
  const rows = useMemo(() => Object.values(table.data?.[0] ?? {}), [table.data]);
  const cols = useMemo(() => columns(aggregate, state), [aggregate, state.toString()]);
  const sort = { key: state.get("sort") ?? "total", desc: state.get("asc") !== "true" };
  const chart = useMemo(() => (steps.data === undefined ? undefined : chartSeries(steps.data)), [steps.data]);
  const covered = rows[0]?.window;
  const labelKeys = props.summary?.labelKeys ?? [];
  const exportCsv = async () => {
    // The CSV writer is loaded on the first download, not with the page.
    const { download, toCsv } = await import("../csv.ts");
    const shown = sortRows(rows, cols, sort);
    const text = toCsv(
      ["window_start", "window_end", ...cols.map((c) => c.title)],
      shown.map((a) => [a.window.start, a.window.end, ...cols.map((c) => c.value(a))]),
    );
    download(`kce-allocation-${aggregate.replace(":", "-")}-${window.replace(/[^A-Za-z0-9-]+/g, "_")}.csv`, text);
  };
  return (
    <div class="page" id="page-allocation">
      <form
        class="controls"
        onSubmit={(e) => {
          e.preventDefault();
          set({ filter: filterText });
        }}
      >
        <WindowPicker value={window} onChange={(w) => set({ window: w })} />
        <label>
          Aggregate by{" "}
          <select id="aggregate" value={aggregate} onChange={(e) => set({ aggregate: e.currentTarget.value, sort: undefined, asc: undefined })}>
            {[...AGGREGATES, ...labelKeys.map((k) => `label:${k}`)].map((a) => (
              <option key={a} value={a}>
                {a.replace(/^label:/, "label ")}
              </option>
            ))}
          </select>
        </label>
        <label class="grow">
          Filter{" "}
          <input id="filter" type="text" placeholder='namespace:"prod"+label[team]:"payments"' value={filterText} onInput={(e) => setFilterText(e.currentTarget.value)} />
        </label>
        <label>
          <input id="share-idle" type="checkbox" checked={state.get("shareIdle") === "true"} onChange={(e) => set({ shareIdle: e.currentTarget.checked ? "true" : undefined })} /> share idle
        </label>
        <button type="submit">Apply</button>
      </form>
      <nav class="crumbs" aria-label="drill-down">
        <a href={href("allocation", { window, aggregate: "namespace" })}>All</a>
        {crumbs(filter).map((c) => (
          <span key={c.filter}>
            {" › "}
            <a href={href("allocation", { window, aggregate: c.aggregate, filter: c.filter })}>{c.label}</a>
          </span>
        ))}
      </nav>
      <Section title="Cost over time">
        <Status error={steps.error} loading={steps.loading} hasData={chart !== undefined} />
        {chart === undefined || chart.x.length === 0 ? null : <Chart id="allocation-chart" x={chart.x} series={chart.series} format={money} range={covered === undefined ? undefined : [Date.parse(covered.start) / 1000, Date.parse(covered.end) / 1000]} />}
      </Section>
      <Section
        title={`Allocations (${rows.length})`}
        actions={
          <span class="actions">
            {covered === undefined ? null : <span class="covered">{`${time(covered.start)} – ${time(covered.end)}`}</span>}
            <button type="button" id="download-csv" onClick={() => void exportCsv()} disabled={rows.length === 0}>
              Download CSV
            </button>
          </span>
        }
      >
        <Status error={table.error} loading={table.loading} hasData={table.data !== undefined} />
        {table.data === undefined ? null : <Table id="allocation-table" columns={cols} rows={rows} rowKey={(a) => a.name} sort={sort} onSort={(s) => set({ sort: s.key, asc: s.desc ? undefined : "true" })} />}
      </Section>
    </div>
  );
}
