import { useApi, type Loaded } from "../api.ts";
import { Card, Section, Status } from "../components/bits.tsx";
import { Chart } from "../components/chart.tsx";
import { Table, type Column } from "../components/table.tsx";
import { money, pct } from "../format.ts";
import { href } from "../route.ts";
import { chartSeries } from "../series.ts";
import type { ClusterSummary, Summary, TimeSeries } from "../types.ts";

const clusterColumns: Column<ClusterSummary>[] = [
  { key: "cluster", title: "Cluster", value: (r) => r.cluster, render: (r) => <a href={href("allocation", { window: "month", aggregate: "namespace", filter: `cluster:"${r.cluster}"` })}>{r.cluster}</a> },
  { key: "nodes", title: "Nodes", value: (r) => r.nodes, numeric: true, total: true },
  { key: "hourlyCost", title: "Per hour now", value: (r) => r.hourlyCost, numeric: true, total: true, format: money },
  { key: "today", title: "Today", value: (r) => r.today, numeric: true, total: true, format: money },
  { key: "monthToDate", title: "Month to date", value: (r) => r.monthToDate, numeric: true, total: true, format: money },
  { key: "forecastMonthly", title: "Forecast (month)", value: (r) => r.forecastMonthly, numeric: true, total: true, format: money },
  { key: "idleShare", title: "Idle share", value: (r) => r.idleShare, numeric: true, format: (v) => pct(v) },
  { key: "realisedSavings", title: "Spot savings", value: (r) => r.realisedSavings, numeric: true, total: true, format: money },
  { key: "efficiency", title: "Efficiency", value: (r) => r.efficiency, numeric: true, format: (v) => pct(v) },
];

/** Cost now, today, month to date and forecast, idle, savings and efficiency; per cluster when federated. */
export function Overview(props: { version: number; summary: Loaded<Summary> }) {
  const summary = props.summary;
  const hourly = useApi<TimeSeries>("/timeseries?window=24h&step=1h&aggregate=cluster&top=8", props.version);
  const s = summary.data;
  const t = s?.total;
  const chart = hourly.data === undefined ? undefined : chartSeries(hourly.data);
  const topNamespaces = s?.topNamespaces ?? [];
  const max = topNamespaces[0]?.monthToDate ?? 0;
  return (
    <div class="page" id="page-overview">
      <Status error={summary.error} loading={summary.loading} hasData={s !== undefined} />
      {t === undefined ? null : (
        <div class="cards">
          <Card id="cost-now" title="Cost per hour now" value={money(t.hourlyCost)} note={`${money(t.runRateMonthly)} / month at this rate`} />
          <Card id="cost-today" title="Today (UTC)" value={money(t.today)} />
          <Card id="cost-mtd" title="Month to date" value={money(t.monthToDate)} />
          <Card id="cost-forecast" title="Forecast for the month" value={money(t.forecastMonthly)} note="month to date + run rate to month end" />
          <Card id="idle-share" title="Idle share" value={pct(t.idleShare)} note={`${money(t.idleMonthToDate)} of capacity nobody requested`} tone={t.idleShare > 0.5 ? "warn" : undefined} />
          <Card id="spot-savings" title="Spot savings, month to date" value={money(t.realisedSavings)} note={<a href={href("savings", { window: "month" })}>{money(t.potentialSavings)} more possible</a>} tone="good" />
          <Card id="efficiency" title="Efficiency" value={pct(t.efficiency)} note="CPU and RAM used ÷ requested, cost-weighted" />
        </div>
      )}
      {s !== undefined && s.clusters.length > 1 ? (
        <Section title="Clusters">
          <Table id="clusters" columns={clusterColumns} rows={s.clusters} rowKey={(r) => r.cluster} totalLabel="All clusters" />
        </Section>
      ) : null}
      <Section title="Cost per hour by cluster (idle apart), last 24 h">
        <Status error={hourly.error} loading={hourly.loading} hasData={chart !== undefined} />
        {chart === undefined || chart.x.length === 0 ? null : <Chart id="overview-chart" x={chart.x} series={chart.series} format={money} range={[Date.now() / 1000 - 86_400, Date.now() / 1000]} />}
      </Section>
      <Section title="Namespaces, month to date" actions={<a href={href("allocation", { window: "month", aggregate: "namespace" })}>Explore →</a>}>
        <ol class="bars" id="top-namespaces">
          {topNamespaces.map((a) => (
            <li key={a.namespace}>
              <a href={a.namespace.startsWith("__") ? href("allocation", { window: "month", aggregate: "namespace" }) : href("allocation", { window: "month", aggregate: "controller", filter: `namespace:"${a.namespace}"` })}>{a.namespace}</a>
              <span class="bar" style={{ width: `${max > 0 ? (a.monthToDate / max) * 100 : 0}%` }} />
              <span class="num">{money(a.monthToDate)}</span>
            </li>
          ))}
        </ol>
      </Section>
    </div>
  );
}
