import type { Allocation } from "../../api/allocation.ts";
import type { Column } from "./format.ts";

/** One row of a cost report; also the stable JSON/CSV record (see RECORD_FIELDS). */
export interface CostRecord {
  name: string;
  cluster: string;
  namespace: string;
  controllerKind: string;
  controller: string;
  pod: string;
  node: string;
  label: string;
  podCount: number;
  cpuCost: number;
  ramCost: number;
  gpuCost: number;
  pvCost: number;
  networkCost: number;
  idleCost: number;
  totalCost: number;
  avgPodCost: number;
  cpuCoreHours: number;
  ramByteHours: number;
  cpuEfficiency: number;
  ramEfficiency: number;
  totalEfficiency: number;
  /** How long the allocation ran in the window (OpenCost's `minutes`). */
  minutes: number;
  /** totalCost projected to a month of 43,200 minutes (30 days), as kubectl-cost projects it. */
  monthlyRate: number;
}

export const RECORD_FIELDS: ReadonlyArray<keyof CostRecord> = [
  "name", "cluster", "namespace", "controllerKind", "controller", "pod", "node", "label", "podCount",
  "cpuCost", "ramCost", "gpuCost", "pvCost", "networkCost", "idleCost", "totalCost", "avgPodCost",
  "cpuCoreHours", "ramByteHours", "cpuEfficiency", "ramEfficiency", "totalEfficiency", "minutes", "monthlyRate",
];

/** kubectl-cost's month: 43,200 minutes. */
export const MONTH_MINUTES = 43_200;

const MONEY: ReadonlyArray<keyof CostRecord> = ["cpuCost", "ramCost", "gpuCost", "pvCost", "networkCost", "idleCost", "totalCost", "avgPodCost"];

/** The record with its money projected to a monthly rate by its own running minutes (kubectl-cost's default view). */
export function monthly(r: CostRecord): CostRecord {
  const f = r.minutes > 0 ? MONTH_MINUTES / r.minutes : 0;
  const out = { ...r };
  for (const k of MONEY) (out[k] as number) = (r[k] as number) * f;
  return out;
}

export type ReportKind = "namespace" | "pod" | "deployment" | "statefulset" | "daemonset" | "controller" | "node" | "label" | "cluster";

export interface ReportSpec {
  aggregate: string;
  /** Extra filter terms (controller kind for deployment/statefulset/daemonset). */
  filter: string[];
  /** Idle is asked per row (splitIdle) and shown as a column where it belongs to the rows: nodes and clusters. */
  idleColumn: boolean;
  /** Extra query parameters. */
  params: Record<string, string>;
  /** Which record field a positional NAME filters on. */
  nameFilter: string;
  keys: Array<Column<CostRecord>>;
}

const text = (header: string, field: keyof CostRecord): Column<CostRecord> => ({ header, kind: "text", value: (r) => r[field] });
const KIND: Record<string, string> = { deployment: "Deployment", statefulset: "StatefulSet", daemonset: "DaemonSet" };

/** What each `kubectl cost <kind>` asks the API for and shows. */
export function reportSpec(kind: ReportKind, labelKey: string | undefined): ReportSpec {
  switch (kind) {
    case "namespace":
      return { aggregate: "namespace", filter: [], idleColumn: false, params: {}, nameFilter: "namespace", keys: [text("NAMESPACE", "namespace")] };
    case "pod":
      return { aggregate: "namespace,pod", filter: [], idleColumn: false, params: {}, nameFilter: "pod", keys: [text("NAMESPACE", "namespace"), text("POD", "pod"), text("NODE", "node")] };
    case "deployment":
    case "statefulset":
    case "daemonset":
      return {
        aggregate: "namespace,controller",
        filter: [`controllerKind:"${KIND[kind] ?? ""}"`],
        idleColumn: false,
        params: {},
        nameFilter: "controllerName",
        keys: [text("NAMESPACE", "namespace"), text(kind.toUpperCase(), "controller")],
      };
    case "controller":
      return { aggregate: "namespace,controller", filter: [], idleColumn: false, params: {}, nameFilter: "controllerName", keys: [text("NAMESPACE", "namespace"), text("CONTROLLER", "controller")] };
    case "node":
      return { aggregate: "node", filter: [], idleColumn: true, params: { splitIdle: "true", idleByNode: "true" }, nameFilter: "node", keys: [text("NODE", "node")] };
    case "cluster":
      return { aggregate: "cluster", filter: [], idleColumn: true, params: { splitIdle: "true" }, nameFilter: "cluster", keys: [text("CLUSTER", "cluster")] };
    case "label":
      return { aggregate: `label:${labelKey ?? ""}`, filter: [], idleColumn: false, params: {}, nameFilter: `label[${labelKey ?? ""}]`, keys: [text("LABEL", "label")] };
  }
}

const prop = (a: Allocation, key: string): string => {
  const v = a.properties[key];
  return typeof v === "string" ? v : "";
};

/**
 * Turns the API's allocations into report records: `<x>/__idle__` allocations (asked for by node and
 * cluster reports) become the idle of row x; a plain `__idle__` is a row of its own, as kubectl-cost shows it.
 */
export function toRecords(kind: ReportKind, allocations: Allocation[]): CostRecord[] {
  const records = new Map<string, CostRecord>();
  const idle = new Map<string, { cost: number; minutes: number }>();
  for (const a of allocations) {
    if (a.name === IDLE_NAME) {
      records.set(a.name, { ...emptyRecord(IDLE_NAME), cluster: IDLE_NAME, namespace: IDLE_NAME, controller: IDLE_NAME, pod: IDLE_NAME, node: IDLE_NAME, label: IDLE_NAME, cpuCost: a.cpuCost, ramCost: a.ramCost, gpuCost: a.gpuCost, totalCost: a.totalCost, minutes: a.minutes, monthlyRate: rate(a) });
      continue;
    }
    if (a.name.endsWith(`/${IDLE_NAME}`)) {
      const owner = a.name.slice(0, -`/${IDLE_NAME}`.length);
      const known = idle.get(owner) ?? { cost: 0, minutes: 0 };
      idle.set(owner, { cost: known.cost + a.totalCost, minutes: Math.max(known.minutes, a.minutes) });
      continue;
    }
    const controllerKind = prop(a, "controllerKind");
    const controllerName = prop(a, "controller");
    const shortName = kind === "deployment" || kind === "statefulset" || kind === "daemonset" ? controllerName : controllerName === "" ? "" : `${controllerKind.toLowerCase()}:${controllerName}`;
    records.set(a.name, {
      name: a.name,
      cluster: prop(a, "cluster"),
      namespace: prop(a, "namespace"),
      controllerKind,
      controller: a.name.endsWith("__unallocated__") ? "__unallocated__" : shortName,
      pod: prop(a, "pod"),
      node: prop(a, "node"),
      label: kind === "label" ? a.name : "",
      podCount: a.podCount,
      cpuCost: a.cpuCost,
      ramCost: a.ramCost,
      gpuCost: a.gpuCost,
      pvCost: a.pvCost,
      networkCost: a.networkCost,
      idleCost: 0,
      totalCost: a.totalCost,
      avgPodCost: a.podCount > 0 ? a.totalCost / a.podCount : 0,
      cpuCoreHours: a.cpuCoreHours,
      ramByteHours: a.ramByteHours,
      cpuEfficiency: a.cpuEfficiency,
      ramEfficiency: a.ramEfficiency,
      totalEfficiency: a.totalEfficiency,
      minutes: a.minutes,
      monthlyRate: rate(a),
    });
  }
  for (const [owner, { cost, minutes }] of idle) {
    const r = records.get(owner) ?? { ...emptyRecord(owner), node: kind === "node" ? owner : "", cluster: kind === "cluster" ? owner : "" };
    r.idleCost += cost;
    r.totalCost += cost;
    // A node's (or cluster's) idle runs as long as it exists: at least as long as any of its pods.
    r.minutes = Math.max(r.minutes, minutes);
    r.monthlyRate = r.minutes > 0 ? (r.totalCost * MONTH_MINUTES) / r.minutes : 0;
    records.set(owner, r);
  }
  return [...records.values()].sort((a, b) => b.totalCost - a.totalCost || a.name.localeCompare(b.name));
}

const IDLE_NAME = "__idle__";
const rate = (a: Allocation): number => (a.minutes > 0 ? (a.totalCost * MONTH_MINUTES) / a.minutes : 0);

export function emptyRecord(name: string): CostRecord {
  return {
    name, cluster: "", namespace: "", controllerKind: "", controller: "", pod: "", node: "", label: "", podCount: 0,
    cpuCost: 0, ramCost: 0, gpuCost: 0, pvCost: 0, networkCost: 0, idleCost: 0, totalCost: 0, avgPodCost: 0,
    cpuCoreHours: 0, ramByteHours: 0, cpuEfficiency: 0, ramEfficiency: 0, totalEfficiency: 0, minutes: 0, monthlyRate: 0,
  };
}

/** The TOTAL row: sums of counts and money; averages and efficiencies are left blank. */
export function totalRecord(records: CostRecord[]): CostRecord {
  const t = emptyRecord("TOTAL");
  for (const r of records) {
    t.podCount += r.podCount;
    t.cpuCost += r.cpuCost;
    t.ramCost += r.ramCost;
    t.gpuCost += r.gpuCost;
    t.pvCost += r.pvCost;
    t.networkCost += r.networkCost;
    t.idleCost += r.idleCost;
    t.totalCost += r.totalCost;
    t.monthlyRate += r.monthlyRate;
    t.cpuCoreHours += r.cpuCoreHours;
    t.ramByteHours += r.ramByteHours;
  }
  t.avgPodCost = t.podCount > 0 ? (t.totalCost - t.idleCost) / t.podCount : 0;
  return t;
}
