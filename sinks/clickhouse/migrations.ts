/**
 * Versioned, idempotent schema migrations. SQL is kept to what ClickHouse 18.16 (Debian 12's
 * clickhouse-server) accepts: ReplacingMergeTree(version) with new-style PARTITION BY / ORDER BY,
 * DateTime('UTC'), no LowCardinality, no TTL, no Nullable keys.
 */
import { focusTable } from "../../export/focus/clickhouse.ts";

export interface Migration {
  version: number;
  description: string;
  statements: (db: string) => string[];
}

const money = (names: string[]) => names.map((n) => `${n} Float64`).join(", ");

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    description: "pod, node, volume and savings costs per interval; namespace daily rollups; expenses",
    statements: (db) => [
      `CREATE TABLE IF NOT EXISTS ${db}.pod_costs (
        cluster String, window_start DateTime('UTC'), window_seconds UInt32, node String, namespace String, pod String, pod_uid String,
        controller_kind String, controller String, instance_type String, capacity_type String, price_source String,
        running_seconds Float64, cpu_core_hours Float64, cpu_core_request_hours Float64, cpu_core_usage_hours Float64,
        ram_byte_hours Float64, ram_byte_request_hours Float64, ram_byte_usage_hours Float64, gpu_hours Float64,
        ${money(["cpu_cost", "ram_cost", "gpu_cost", "pv_cost", "network_cost", "total_cost"])}, version UInt64
      ) ENGINE = ReplacingMergeTree(version) PARTITION BY toYYYYMM(window_start) ORDER BY (cluster, window_start, node, pod_uid)`,
      `CREATE TABLE IF NOT EXISTS ${db}.node_costs (
        cluster String, window_start DateTime('UTC'), window_seconds UInt32, node String, instance_type String, capacity_type String,
        region String, zone String, price_source String, price_as_of DateTime('UTC'),
        ${money(["hourly_cost", "on_demand_hourly_cost", "spot_hourly_cost", "window_cost", "cpu_cost", "ram_cost", "gpu_cost", "idle_cost", "overcommit_cost"])}, version UInt64
      ) ENGINE = ReplacingMergeTree(version) PARTITION BY toYYYYMM(window_start) ORDER BY (cluster, window_start, node)`,
      `CREATE TABLE IF NOT EXISTS ${db}.pv_costs (
        cluster String, window_start DateTime('UTC'), node String, pv_name String, storage_class String, namespace String, claim String,
        capacity_bytes UInt64, ${money(["gib_monthly_rate", "monthly_cost", "window_cost"])}, version UInt64
      ) ENGINE = ReplacingMergeTree(version) PARTITION BY toYYYYMM(window_start) ORDER BY (cluster, window_start, pv_name)`,
      `CREATE TABLE IF NOT EXISTS ${db}.spot_savings (
        cluster String, window_start DateTime('UTC'), node String, namespace String, instance_type String, capacity_type String,
        ${money(["realised_savings", "potential_savings"])}, version UInt64
      ) ENGINE = ReplacingMergeTree(version) PARTITION BY toYYYYMM(window_start) ORDER BY (cluster, window_start, node, namespace)`,
      `CREATE TABLE IF NOT EXISTS ${db}.namespace_daily (
        cluster String, day Date, namespace String, pod_count UInt32, cpu_core_hours Float64, ram_byte_hours Float64,
        ${money(["cpu_cost", "ram_cost", "gpu_cost", "pv_cost", "network_cost", "total_cost", "realised_savings", "potential_savings"])}, rev UInt64
      ) ENGINE = ReplacingMergeTree(rev) PARTITION BY toYYYYMM(day) ORDER BY (cluster, day, namespace)`,
      `CREATE TABLE IF NOT EXISTS ${db}.expenses (
        cluster String, date Date, resource_type String, resource String,
        ${money(["cost", "cpu_cost", "ram_cost", "gpu_cost", "storage_cost", "network_cost", "idle_cost"])}, rev UInt64
      ) ENGINE = ReplacingMergeTree(rev) PARTITION BY toYYYYMM(date) ORDER BY (cluster, date, resource_type, resource)`,
    ],
  },
  {
    version: 2,
    description: "reconciled daily rollups (kce reconcile): namespace_daily_reconciled, expenses_reconciled",
    statements: (db) => [
      `CREATE TABLE IF NOT EXISTS ${db}.namespace_daily_reconciled AS ${db}.namespace_daily`,
      `CREATE TABLE IF NOT EXISTS ${db}.expenses_reconciled AS ${db}.expenses`,
    ],
  },
  {
    version: 3,
    description: "FOCUS rows (export.focus.clickhouse): focus_costs",
    statements: (db) => [focusTable(db)],
  },
];
