import type { CostRollup, RollupRow } from "../model/events.ts";

const MINUTE = 60_000;

/**
 * Synthetic final 1m rollup windows of one cluster with known spend: controllers (replicas × $/h per
 * pod), nodes (type, capacity type, price) and a little deterministic noise — scenarios with known answers
 * for the anomaly detector and its tests.
 */
export interface Workload {
  namespace: string;
  name: string;
  pods: number;
  /** $/h per pod on an on-demand node (spot nodes charge `spotFactor` of it). */
  podHourly: number;
  requestCores: number;
}

export interface Node {
  name: string;
  type: string;
  capacity: "SPOT" | "ON_DEMAND";
  hourly: number;
}

/** A deterministic noise of ±3 %, so baselines have a variance as real spend does. */
function noise(t: number, salt: number): number {
  const x = Math.sin((t / MINUTE) * 12.9898 + salt * 78.233) * 43758.5453;
  return 1 + 0.06 * (x - Math.floor(x) - 0.5);
}

function row(dimension: RollupRow["dimension"], namespace: string, controllerName: string, pods: number, hourly: number, request: number): RollupRow {
  const cost = hourly / 60;
  return {
    dimension, namespace, controllerKind: controllerName === "" ? "" : "Deployment", controllerName, labelKey: "", labelValue: "", pod: "", podUid: "", node: "", labels: {}, podCount: pods,
    podHours: pods / 60, cpuCoreHours: (pods * request) / 60, cpuCoreRequestHours: (pods * request) / 60, cpuCoreUsageHours: 0, ramByteHours: 0, ramByteRequestHours: 0, ramByteUsageHours: 0, gpuHours: 0,
    cpuCost: cost, ramCost: 0, gpuCost: 0, pvCost: 0, networkCost: 0, totalCost: cost, realisedSavings: 0, potentialSavings: 0,
  };
}

/** One final 1m window of a cluster running `workloads` on `nodes`; pods on spot nodes cost `spotFactor` as much. */
export function minute(t: number, workloads: Workload[], nodes: Node[], spotFactor = 1, cluster = "prod"): CostRollup {
  const rows: RollupRow[] = [];
  const byNamespace = new Map<string, { pods: number; hourly: number }>();
  workloads.forEach((w, i) => {
    const hourly = w.pods * w.podHourly * spotFactor * noise(t, i);
    rows.push(row("controller", w.namespace, w.name, w.pods, hourly, w.requestCores));
    const ns = byNamespace.get(w.namespace) ?? { pods: 0, hourly: 0 };
    ns.pods += w.pods;
    ns.hourly += hourly;
    byNamespace.set(w.namespace, ns);
  });
  for (const [namespace, ns] of byNamespace) rows.push(row("namespace", namespace, "", ns.pods, ns.hourly, 0));
  const nodeRows = nodes.map((n) => ({
    node: n.name, providerId: "", instanceType: n.type, capacityType: n.capacity, region: "us-east-1", hours: 1 / 60, nodeCost: n.hourly / 60, cpuCost: 0, ramCost: 0, gpuCost: 0,
    podComputeCost: 0, idleCost: (0.1 * n.hourly) / 60, idleCpuCost: 0, idleRamCost: 0, idleGpuCost: 0, overcommitCost: 0, pvCost: 0, realisedSavings: 0, potentialSavings: 0,
  }));
  return { resolution: "1m", cluster, windowStartMs: t, windowEndMs: t + MINUTE, rev: t, final: true, snapshotCount: nodes.length, part: 0, parts: 1, rows, nodes: nodeRows, volumes: [] };
}

/** Office-hours traffic: the web tier runs 4 pods at night and 10 from 08:00 to 20:00 UTC, every day. */
export function steady(t: number): Workload[] {
  const hour = new Date(t).getUTCHours();
  return [
    { namespace: "shop", name: "web", pods: hour >= 8 && hour < 20 ? 10 : 4, podHourly: 0.1, requestCores: 0.5 },
    { namespace: "payments", name: "api", pods: 3, podHourly: 0.2, requestCores: 1 },
    { namespace: "data", name: "etl", pods: 2, podHourly: 0.4, requestCores: 2 },
  ];
}

export const SPOT: Node[] = [1, 2, 3].map((i) => ({ name: `spot-${i}`, type: "m5.xlarge", capacity: "SPOT", hourly: 0.07 }));
export const ON_DEMAND: Node[] = [1, 2, 3].map((i) => ({ name: `od-${i}`, type: "m5.xlarge", capacity: "ON_DEMAND", hourly: 0.192 }));

