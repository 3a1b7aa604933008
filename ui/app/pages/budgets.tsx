import { useApi } from "../api.ts";
import { Section, Status } from "../components/bits.tsx";
import { Table, type Column } from "../components/table.tsx";
import { money } from "../format.ts";
import type { BudgetAlert, Budgets, BudgetStatus } from "../types.ts";

function Burn(props: { b: BudgetStatus }) {
  const { b } = props;
  const width = Math.min(100, b.burnPct);
  const over = b.forecastPct >= Math.min(...b.thresholdsPct);
  return (
    <div class="burn" title={`${b.burnPct.toFixed(1)} % spent, ${b.monthElapsedPct.toFixed(1)} % of the month gone`}>
      <span class={`burn-fill ${over ? "warn" : ""}`} style={{ width: `${width}%` }} />
      <span class="burn-marker" style={{ left: `${Math.min(100, b.monthElapsedPct)}%` }} />
    </div>
  );
}

const budgetColumns: Column<BudgetStatus>[] = [
  { key: "name", title: "Budget", value: (b) => b.name },
  { key: "scope", title: "Scope", value: (b) => b.scope },
  { key: "monthly", title: "Per month", value: (b) => b.monthlyUsd, numeric: true, format: money },
  { key: "mtd", title: "Month to date", value: (b) => b.monthToDate, numeric: true, format: money },
  { key: "burn", title: "Burn", value: (b) => b.burnPct, render: (b) => <Burn b={b} /> },
  { key: "runRate", title: "Run rate / month", value: (b) => b.runRateMonthly, numeric: true, format: money },
  { key: "forecast", title: "Forecast", value: (b) => b.forecastMonthly, numeric: true, format: money, className: (b) => (b.forecastPct >= 100 ? "over" : "") },
  { key: "forecastPct", title: "Forecast % of budget", value: (b) => b.forecastPct, numeric: true, format: (v) => `${v.toFixed(0)} %` },
];

const alertColumns: Column<BudgetAlert>[] = [
  { key: "when", title: "Evaluated", value: (a) => a.evaluatedAtMs, render: (a) => new Date(a.evaluatedAtMs).toISOString().replace("T", " ").slice(0, 16) },
  { key: "status", title: "Status", value: (a) => a.status, render: (a) => <span class={`badge ${a.status === "firing" ? "warn" : "good"}`}>{a.status}</span> },
  { key: "rule", title: "Budget", value: (a) => a.rule },
  { key: "scope", title: "Scope", value: (a) => a.scopeDescription },
  { key: "basis", title: "Basis", value: (a) => `${a.basis} ≥ ${a.thresholdPct} %` },
  { key: "observed", title: "Observed / month", value: (a) => a.observedMonthlyUsd, numeric: true, format: money },
  { key: "budget", title: "Budget", value: (a) => a.monthlyBudgetUsd, numeric: true, format: money },
];

/** Configured budgets with burn and forecast, and the alerts the webhook sink raised. */
export function BudgetsPage(props: { version: number }) {
  const budgets = useApi<Budgets>("/budgets", props.version);
  const d = budgets.data;
  return (
    <div class="page" id="page-budgets">
      <Status error={budgets.error} loading={budgets.loading} hasData={d !== undefined} />
      <Section title="Budgets">
        {d === undefined ? null : <Table id="budgets-table" columns={budgetColumns} rows={d.budgets} rowKey={(b) => b.name} empty="No budgets configured: add rules under `budgets` in the config (sinks/webhook/README.md)." />}
        <p class="hint">The bar is the month to date against the budget; the line marks how much of the month has gone.</p>
      </Section>
      <Section title="Recent alerts">
        {d === undefined ? null : <Table id="alerts-table" columns={alertColumns} rows={d.alerts} rowKey={(a) => a.id} sort={{ key: "when", desc: true }} empty="No budget alerts in the last five weeks." />}
      </Section>
    </div>
  );
}
