import { useApi } from "../api.ts";
import { Card, Section, Status } from "../components/bits.tsx";
import { Table, type Column } from "../components/table.tsx";
import { money } from "../format.ts";
import { href, navigate, type Route } from "../route.ts";
import type { NodeDayAccuracy, Reconciliation } from "../types.ts";
import { WindowPicker } from "./window-picker.tsx";

const signedPct = (v: number): string => `${v > 0 ? "+" : ""}${v.toFixed(2)} %`;

const columns: Column<NodeDayAccuracy>[] = [
  { key: "day", title: "Day", value: (r) => r.day },
  { key: "cluster", title: "Cluster", value: (r) => r.cluster },
  { key: "node", title: "Node", value: (r) => r.node, render: (r) => <span title={r.providerId}>{r.node}</span> },
  { key: "type", title: "Type", value: (r) => `${r.instanceType} ${r.capacityType === "SPOT" ? "(spot)" : ""}` },
  { key: "estimated", title: "Estimated (list)", value: (r) => r.estimated, numeric: true, total: true, format: money },
  { key: "billed", title: "Billed", value: (r) => r.billed, numeric: true, total: true, format: money },
  { key: "error", title: "Estimate error", value: (r) => r.errorPct, numeric: true, format: signedPct, className: (r) => (Math.abs(r.errorPct) > 5 ? "off" : "") },
];

/** The accuracy of the estimates per node and day, from the days `kce reconcile --publish` matched to the bill. */
export function ReconciliationPage(props: { route: Route; version: number }) {
  const window = props.route.params.get("window") ?? "30d";
  const rec = useApi<Reconciliation>(`/reconciliation?window=${encodeURIComponent(window)}`, props.version);
  const d = rec.data;
  return (
    <div class="page" id="page-reconciliation">
      <form class="controls" onSubmit={(e) => e.preventDefault()}>
        <WindowPicker value={window} onChange={(w) => navigate(href("reconciliation", { window: w }))} />
      </form>
      <Status error={rec.error} loading={rec.loading} hasData={d !== undefined} />
      {d === undefined ? null : d.rows.length === 0 ? (
        <p class="empty" id="no-reconciliation">
          No reconciled days in this window. Run <code>kce reconcile --bill &lt;export&gt; --publish</code>, or set <code>reconcile.enabled</code> and <code>reconcile.billsDir</code> for <code>kce all</code> to reconcile on a schedule (reconcile/README.md).
        </p>
      ) : (
        <>
          <div class="cards">
            <Card id="rec-billed" title="Billed" value={money(d.totals.billed)} note={`${d.totals.nodeDays} node-days`} />
            <Card id="rec-estimated" title="Estimated from list prices" value={money(d.totals.estimated)} />
            <Card id="rec-error" title="Estimate error" value={signedPct(d.totals.errorPct)} tone={Math.abs(d.totals.errorPct) > 5 ? "warn" : "good"} />
          </div>
          <Section title="Per node and day">
            <Table id="reconciliation-table" columns={columns} rows={d.rows} rowKey={(r) => `${r.cluster}/${r.node}/${r.day}`} sort={{ key: "day", desc: true }} />
          </Section>
        </>
      )}
    </div>
  );
}
