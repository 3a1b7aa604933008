import { isVolumeInventory, type CostRollup, type PricedSnapshot, type SavingsReport } from "../../model/events.ts";
import { RECONCILED_RESOLUTION } from "../../reconcile/reconcile.ts";
import { toDate, toDateTime } from "./client.ts";

/** One row for one table. */
export interface TableRow {
  table: "pod_costs" | "node_costs" | "pv_costs" | "spot_savings" | `${"namespace_daily" | "expenses"}${"" | "_reconciled"}`;
  values: Record<string, string | number>;
}

/** Rows of a priced snapshot: one per pod, one for the node, one per volume. version = pricedAtMs. */
export function pricedRows(p: PricedSnapshot): TableRow[] {
  const windowStart = toDateTime(p.windowStartMs);
  const n = p.nodeCost;
  const version = p.pricedAtMs;
  const rows: TableRow[] = p.pods.map((pod) => ({
    table: "pod_costs",
    values: {
      cluster: p.cluster, window_start: windowStart, window_seconds: p.windowSeconds, node: p.node, namespace: pod.namespace, pod: pod.name, pod_uid: pod.uid,
      controller_kind: pod.controllerKind, controller: pod.controllerName, instance_type: n.instanceType, capacity_type: n.capacityType, price_source: n.priceSource,
      running_seconds: pod.runningSeconds, cpu_core_hours: pod.cpuCoreHours, cpu_core_request_hours: pod.cpuCoreRequestHours, cpu_core_usage_hours: pod.cpuCoreUsageHours,
      ram_byte_hours: pod.ramByteHours, ram_byte_request_hours: pod.ramByteRequestHours, ram_byte_usage_hours: pod.ramByteUsageHours, gpu_hours: pod.gpuHours,
      cpu_cost: pod.cpuCost, ram_cost: pod.ramCost, gpu_cost: pod.gpuCost, pv_cost: pod.pvCost, network_cost: pod.networkCost, total_cost: pod.totalCost, version,
    },
  }));
  // A volume inventory is not a node: its rows are its volumes.
  if (!isVolumeInventory(p)) rows.push({
    table: "node_costs",
    values: {
      cluster: p.cluster, window_start: windowStart, window_seconds: p.windowSeconds, node: p.node, instance_type: n.instanceType, capacity_type: n.capacityType,
      region: n.region, zone: n.zone, price_source: n.priceSource, price_as_of: toDateTime(n.priceAsOfMs), hourly_cost: n.hourlyCost,
      on_demand_hourly_cost: n.onDemandHourlyCost, spot_hourly_cost: n.spotHourlyCost, window_cost: n.windowCost, cpu_cost: n.cpuCost, ram_cost: n.ramCost,
      gpu_cost: n.gpuCost, idle_cost: n.idleCost, overcommit_cost: n.overcommitCost, version,
    },
  });
  for (const v of p.volumes) {
    rows.push({
      table: "pv_costs",
      values: {
        cluster: p.cluster, window_start: windowStart, node: p.node, pv_name: v.pvName, storage_class: v.storageClass, namespace: v.claimNamespace, claim: v.claimName,
        capacity_bytes: v.capacityBytes, gib_monthly_rate: v.gibMonthlyRate, monthly_cost: v.monthlyCost, window_cost: v.windowCost, version,
      },
    });
  }
  return rows;
}

/** Rows of a savings report: one per namespace share. */
export function savingsRows(s: SavingsReport, version: number): TableRow[] {
  return s.byNamespace.map((ns) => ({
    table: "spot_savings",
    values: {
      cluster: s.cluster, window_start: toDateTime(s.windowStartMs), node: s.node, namespace: ns.namespace, instance_type: s.instanceType,
      capacity_type: s.capacityType, realised_savings: ns.realisedSavings, potential_savings: ns.potentialSavings, version,
    },
  }));
}

/**
 * Rows of a daily rollup's first part (which holds every namespace row and the node rows):
 * namespace_daily, and `expenses` rows per namespace plus one for the whole cluster (idle included),
 * as seed 004's `expenses` table models a cluster as a resource. Later revisions replace earlier ones.
 */
/**
 * Daily rollups into namespace_daily and expenses; reconciled daily rollups (`1d-reconciled`, from
 * `kce reconcile --publish`) into namespace_daily_reconciled and expenses_reconciled.
 */
export function dailyRows(r: CostRollup): TableRow[] {
  if ((r.resolution !== "1d" && r.resolution !== RECONCILED_RESOLUTION) || r.part !== 0) return [];
  const suffix = r.resolution === RECONCILED_RESOLUTION ? "_reconciled" : "";
  const day = toDate(r.windowStartMs);
  const rows: TableRow[] = [];
  const cluster = { cost: 0, cpu: 0, ram: 0, gpu: 0, storage: 0, network: 0, idle: 0 };
  for (const row of r.rows) {
    if (row.dimension !== "namespace") continue;
    rows.push({
      table: `namespace_daily${suffix}`,
      values: {
        cluster: r.cluster, day, namespace: row.namespace, pod_count: row.podCount, cpu_core_hours: row.cpuCoreHours, ram_byte_hours: row.ramByteHours,
        cpu_cost: row.cpuCost, ram_cost: row.ramCost, gpu_cost: row.gpuCost, pv_cost: row.pvCost, network_cost: row.networkCost, total_cost: row.totalCost,
        realised_savings: row.realisedSavings, potential_savings: row.potentialSavings, rev: r.rev,
      },
    });
    rows.push({
      table: `expenses${suffix}`,
      values: {
        cluster: r.cluster, date: day, resource_type: "namespace", resource: row.namespace, cost: row.totalCost, cpu_cost: row.cpuCost, ram_cost: row.ramCost,
        gpu_cost: row.gpuCost, storage_cost: row.pvCost, network_cost: row.networkCost, idle_cost: 0, rev: r.rev,
      },
    });
    cluster.cost += row.totalCost;
    cluster.cpu += row.cpuCost;
    cluster.ram += row.ramCost;
    cluster.gpu += row.gpuCost;
    cluster.storage += row.pvCost;
    cluster.network += row.networkCost;
  }
  for (const node of r.nodes) {
    cluster.idle += node.idleCost;
    cluster.cost += node.idleCost;
    cluster.cpu += node.idleCpuCost;
    cluster.ram += node.idleRamCost;
    cluster.gpu += node.idleGpuCost;
  }
  rows.push({
    table: `expenses${suffix}`,
    values: {
      cluster: r.cluster, date: day, resource_type: "cluster", resource: r.cluster, cost: cluster.cost, cpu_cost: cluster.cpu, ram_cost: cluster.ram,
      gpu_cost: cluster.gpu, storage_cost: cluster.storage, network_cost: cluster.network, idle_cost: cluster.idle, rev: r.rev,
    },
  });
  return rows;
}
