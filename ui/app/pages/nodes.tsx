import { useApi } from "../api.ts";
import { Section, Status } from "../components/bits.tsx";
import { Table, type Column } from "../components/table.tsx";
import { age, money, num, pct } from "../format.ts";
import { href } from "../route.ts";
import type { NodeRate, Rates } from "../types.ts";

/** A price older than this is flagged: spot prices move hourly, list prices a few times a year. */
export function staleAfterMs(r: NodeRate): number {
  return r.capacityType === "SPOT" ? 2 * 3_600_000 : 30 * 86_400_000;
}

const priceAge = (r: NodeRate, nowMs: number): number => (r.priceAsOfMs > 0 ? nowMs - r.priceAsOfMs : Number.POSITIVE_INFINITY);

function columns(nowMs: number): Column<NodeRate>[] {
  return [
    { key: "node", title: "Node", value: (r) => r.node, render: (r) => <a href={href("allocation", { window: "24h", aggregate: "pod", filter: `node:"${r.node}"` })}>{r.node}</a> },
    { key: "cluster", title: "Cluster", value: (r) => r.cluster },
    { key: "type", title: "Type", value: (r) => r.instanceType },
    { key: "capacity", title: "Capacity", value: (r) => (r.capacityType === "SPOT" ? "spot" : r.capacityType === "ON_DEMAND" ? "on-demand" : r.capacityType.toLowerCase()) },
    { key: "region", title: "Region", value: (r) => r.region },
    { key: "cpu", title: "vCPU", value: (r) => r.cpuCores, numeric: true, total: true, format: (v) => num(v) },
    { key: "ram", title: "GiB", value: (r) => r.memoryGiB, numeric: true, total: true, format: (v) => num(v, 1) },
    { key: "gpu", title: "GPU", value: (r) => r.gpus, numeric: true, total: true, format: (v) => num(v, 0) },
    { key: "price", title: "Price / h", value: (r) => r.hourlyCost, numeric: true, total: true, format: money },
    { key: "coreRate", title: "per core-h", value: (r) => r.cpuCoreHourlyRate, numeric: true, format: money },
    { key: "gibRate", title: "per GiB-h", value: (r) => r.ramGiBHourlyRate, numeric: true, format: money },
    { key: "requested", title: "CPU requested", value: (r) => (r.cpuCores > 0 ? r.cpuRequestedCores / r.cpuCores : 0), numeric: true, format: (v) => pct(v, 0) },
    { key: "idle", title: "Idle / h", value: (r) => r.idleHourlyCost, numeric: true, total: true, format: money },
    { key: "source", title: "Price source", value: (r) => r.priceSource },
    {
      key: "age",
      title: "Price age",
      value: (r) => priceAge(r, nowMs),
      numeric: true,
      render: (r) => {
        const a = priceAge(r, nowMs);
        return Number.isFinite(a) ? <span title={new Date(r.priceAsOfMs).toISOString()}>{age(a)}</span> : "unknown";
      },
      className: (r) => (priceAge(r, nowMs) > staleAfterMs(r) ? "stale" : ""),
    },
  ];
}

/** Every node with its type, capacity type, price and rates, where the price came from and how old it is. */
export function NodesPage(props: { version: number }) {
  const rates = useApi<Rates>("/rates", props.version);
  const nodes = rates.data?.nodes ?? [];
  const nowMs = Date.now();
  const stale = nodes.filter((r) => priceAge(r, nowMs) > staleAfterMs(r)).length;
  return (
    <div class="page" id="page-nodes">
      <Status error={rates.error} loading={rates.loading} hasData={rates.data !== undefined} />
      <Section title={`Nodes (${nodes.length})`} actions={stale > 0 ? <span class="badge warn" id="stale-count">{`${stale} stale price${stale === 1 ? "" : "s"}`}</span> : <span class="badge good">prices fresh</span>}>
        {rates.data === undefined ? null : <Table id="nodes-table" columns={columns(nowMs)} rows={nodes} rowKey={(r) => `${r.cluster}/${r.node}`} totalLabel="All nodes" sort={{ key: "price", desc: true }} />}
      </Section>
      <p class="hint">Spot prices older than 2 h and list prices older than 30 days are marked stale. Each node's price is split into per-core and per-GiB rates that add back to it (DESIGN.md §3).</p>
    </div>
  );
}
