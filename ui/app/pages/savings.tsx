import { useApi } from "../api.ts";
import { Card, Section, Status } from "../components/bits.tsx";
import { Table, type Column } from "../components/table.tsx";
import { money, num } from "../format.ts";
import { href, navigate, type Route } from "../route.ts";
import type { Recommendation, Recommendations, Savings, SavingsItem } from "../types.ts";
import { WindowPicker } from "./window-picker.tsx";

const spotColumns: Column<SavingsItem>[] = [
  { key: "name", title: "Workload", value: (r) => r.name },
  { key: "cost", title: "Cost", value: (r) => r.totalCost, numeric: true, total: true, format: money },
  { key: "realised", title: "Saved on spot", value: (r) => r.realisedSavings, numeric: true, total: true, format: money },
  { key: "potential", title: "Possible on spot", value: (r) => r.potentialSavings, numeric: true, total: true, format: money },
];

const gib = (b: number): string => `${num(b / 2 ** 30, 2)} GiB`;

const rightSizeColumns: Column<Recommendation>[] = [
  { key: "workload", title: "Workload", value: (r) => `${r.namespace}/${r.controllerKind.toLowerCase()}:${r.controller}` },
  { key: "status", title: "Status", value: (r) => r.status, render: (r) => <span class={`badge ${r.status === "right-sized" ? "good" : r.status === "learning" ? "" : "warn"}`} title={r.reason}>{r.status}</span> },
  { key: "pods", title: "Pods", value: (r) => r.pods, numeric: true },
  { key: "cpu", title: "CPU request → recommended", value: (r) => r.recommended.cpuCores - r.current.cpuCores, render: (r) => `${num(r.current.cpuCores, 3)} → ${num(r.recommended.cpuCores, 3)}` },
  { key: "mem", title: "Memory request → recommended", value: (r) => r.recommended.memoryBytes - r.current.memoryBytes, render: (r) => `${gib(r.current.memoryBytes)} → ${gib(r.recommended.memoryBytes)}` },
  { key: "savings", title: "Savings / month", value: (r) => r.monthlySavingsUsd, numeric: true, total: true, format: money },
];

/** Spot savings realised and possible by workload, and right-sizing savings. */
export function SavingsPage(props: { route: Route; version: number }) {
  const window = props.route.params.get("window") ?? "7d";
  const savings = useApi<Savings>(`/savings?window=${encodeURIComponent(window)}&aggregate=controller&idle=false`, props.version);
  const recs = useApi<Recommendations>("/recommendations", props.version);
  const s = savings.data;
  return (
    <div class="page" id="page-savings">
      <form class="controls" onSubmit={(e) => e.preventDefault()}>
        <WindowPicker value={window} onChange={(w) => navigate(href("savings", { window: w }))} />
      </form>
      <Status error={savings.error} loading={savings.loading} hasData={s !== undefined} />
      {s === undefined ? null : (
        <div class="cards">
          <Card id="realised-savings" title="Saved by running on spot" value={money(s.realisedSavings)} tone="good" />
          <Card id="potential-savings" title="Possible on spot (on-demand nodes)" value={money(s.potentialSavings)} />
          <Card id="rightsizing-savings" title="Right-sizing, per month" value={money(recs.data?.monthlySavingsUsd ?? 0)} />
        </div>
      )}
      <Section title="Spot savings by workload">{s === undefined ? null : <Table id="savings-table" columns={spotColumns} rows={s.items} rowKey={(r) => r.name} />}</Section>
      <Section title="Right-sizing">
        <Status error={recs.error} loading={recs.loading} hasData={recs.data !== undefined} />
        {recs.data === undefined ? null : <Table id="recommendations-table" columns={rightSizeColumns} rows={recs.data.items} rowKey={(r) => `${r.namespace}/${r.controllerKind}/${r.controller}`} sort={{ key: "savings", desc: true }} empty="No recommendations yet: a workload needs usage history first (recommendations.minHistoryHours)." />}
      </Section>
    </div>
  );
}
