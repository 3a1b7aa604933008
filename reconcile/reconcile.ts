/**
 * Reconciliation: per node and day, factor = billed ÷ what we allocated (pods' compute + idle), and
 * daily rollups with every compute cost on that node scaled by it — so pods, namespaces,
 * controllers, labels and idle on a node add up to its bill exactly. Volumes matched by their cloud
 * disk id take their billed cost, and pods' volume costs scale by the day's storage factor. Network
 * and savings are left as estimated.
 */
import type { CostRollup, NodeRollupRow, RollupRow, VolumeRollupRow } from "../model/events.ts";
import type { BillAggregate, OtherCharge } from "./ingest.ts";
import { normaliseName } from "./cluster-tags.ts";
import { nodeKey, volumeKey } from "./match.ts";

export const RECONCILED_RESOLUTION = "1d-reconciled";

export interface NodeDay {
  cluster: string;
  node: string;
  day: string;
  providerId: string;
  /** Our list-price estimate of the node for the hours we saw it. */
  estimated: number;
  /** What the bill charged for the instance that day; undefined when it is not on the bill. */
  billed: number | undefined;
  /** billed ÷ (pods' compute + idle); 1 when not on the bill. */
  factor: number;
  /** Why the day was left as estimated although the node is on the bill. */
  note?: string;
}

export interface VolumeDay {
  cluster: string;
  pvName: string;
  volumeId: string;
  day: string;
  estimated: number;
  billed: number | undefined;
}

export interface NamespaceDay {
  cluster: string;
  namespace: string;
  day: string;
  estimated: number;
  reconciled: number;
}

export interface ReconcileResult {
  nodeDays: NodeDay[];
  volumeDays: VolumeDay[];
  namespaceDays: NamespaceDay[];
  reconciled: CostRollup[];
  /** Bill items that match no node: other resources (load balancers, NAT, disks), fees, tax, credits. */
  unmatched: OtherCharge[];
  /** Bill items on days without the cluster's cost data (before it started, after it stopped, outside --from/--to). */
  outside: OtherCharge[];
  /** Items matching no node whose tags name one of the clusters (NAT gateways, load balancers, the control plane). */
  clusterCharges: Array<OtherCharge & { cluster: string }>;
  /** The days with cost data (rollups), sorted: the days actually reconciled. */
  days: string[];
  /** Σ of the bill as read, and Σ of what the report accounts for: equal when no line was lost or counted twice. */
  billTotal: number;
  accountedTotal: number;
}

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function scaleNode(n: NodeRollupRow, f: number): NodeRollupRow {
  return {
    ...n,
    nodeCost: n.nodeCost * f,
    cpuCost: n.cpuCost * f,
    ramCost: n.ramCost * f,
    gpuCost: n.gpuCost * f,
    podComputeCost: n.podComputeCost * f,
    idleCost: n.idleCost * f,
    idleCpuCost: n.idleCpuCost * f,
    idleRamCost: n.idleRamCost * f,
    idleGpuCost: n.idleGpuCost * f,
    overcommitCost: n.overcommitCost * f,
  };
}

interface Delta {
  cpu: number;
  ram: number;
  gpu: number;
  pv: number;
}

function applyDelta(row: RollupRow, d: Delta): RollupRow {
  return {
    ...row,
    cpuCost: row.cpuCost + d.cpu,
    ramCost: row.ramCost + d.ram,
    gpuCost: row.gpuCost + d.gpu,
    pvCost: row.pvCost + d.pv,
    totalCost: row.totalCost + d.cpu + d.ram + d.gpu + d.pv,
  };
}

/**
 * Volumes: each matched volume's row takes its billed cost; pods' volume costs (which the rollup does
 * not keep per volume) are scaled by the day's storage factor, billed ÷ estimated over the matched volumes.
 */
function reconcileVolumes(rollup: CostRollup, day: string, bill: BillAggregate, matched: Set<string>): { volumeDays: VolumeDay[]; volumes: VolumeRollupRow[]; storageFactor: number } {
  const volumeDays: VolumeDay[] = [];
  let estimated = 0;
  let billed = 0;
  const volumes = rollup.volumes.map((v) => {
    const key = volumeKey(v.volumeId);
    const id = key === undefined ? undefined : `${key}|${day}`;
    const line = id === undefined ? undefined : bill.byResourceDay.get(id);
    volumeDays.push({ cluster: rollup.cluster, pvName: v.pvName, volumeId: v.volumeId, day, estimated: v.cost, billed: line?.cost });
    if (line === undefined || id === undefined) return v;
    matched.add(id);
    estimated += v.cost;
    billed += line.cost;
    return { ...v, cost: line.cost };
  });
  return { volumeDays, volumes, storageFactor: estimated > 0 ? billed / estimated : 1 };
}

function belongs(pod: RollupRow, row: RollupRow): boolean {
  if (row.dimension === "namespace") return pod.namespace === row.namespace;
  if (row.dimension === "controller") return pod.namespace === row.namespace && pod.controllerKind === row.controllerKind && pod.controllerName === row.controllerName;
  if (row.dimension === "label") return pod.labels[row.labelKey] === row.labelValue;
  return false;
}

/** Reconciles one cluster's whole 1d rollup against the bill. */
function reconcileDay(rollup: CostRollup, bill: BillAggregate, matched: Set<string>): { nodeDays: NodeDay[]; volumeDays: VolumeDay[]; namespaceDays: NamespaceDay[]; reconciled: CostRollup } {
  const day = dayOf(rollup.windowStartMs);
  const factors = new Map<string, number>();
  const nodeDays: NodeDay[] = [];
  for (const n of rollup.nodes) {
    const key = nodeKey(n.providerId);
    const id = key === undefined ? undefined : `${key}|${day}`;
    const line = id === undefined ? undefined : bill.byResourceDay.get(id);
    const allocated = n.podComputeCost + n.idleCost;
    let factor = 1;
    if (line !== undefined && id !== undefined) {
      matched.add(id);
      // A line that does not say what the usage cost leaves the node as estimated (never scaled to 0).
      if (allocated > 0 && line.costKnown) factor = line.cost / allocated;
    }
    factors.set(n.node, factor);
    const unknown = line !== undefined && !line.costKnown;
    nodeDays.push({ cluster: rollup.cluster, node: n.node, day, providerId: n.providerId, estimated: n.nodeCost, billed: unknown ? undefined : line?.cost, factor, ...(unknown ? { note: "committed usage without EffectiveCost in the export: left as estimated" } : {}) });
  }
  const { volumeDays, volumes, storageFactor } = reconcileVolumes(rollup, day, bill, matched);
  const pods = rollup.rows.filter((r) => r.dimension === "pod");
  const podDelta = (pod: RollupRow): Delta => {
    const f = (factors.get(pod.node) ?? 1) - 1;
    return { cpu: pod.cpuCost * f, ram: pod.ramCost * f, gpu: pod.gpuCost * f, pv: pod.pvCost * (storageFactor - 1) };
  };
  const rows = rollup.rows.map((row) => {
    if (row.dimension === "pod") return applyDelta(row, podDelta(row));
    const sum: Delta = { cpu: 0, ram: 0, gpu: 0, pv: 0 };
    for (const pod of pods) {
      if (!belongs(pod, row)) continue;
      const d = podDelta(pod);
      sum.cpu += d.cpu;
      sum.ram += d.ram;
      sum.gpu += d.gpu;
      sum.pv += d.pv;
    }
    return applyDelta(row, sum);
  });
  const namespaceDays = rollup.rows
    .map((row, i) => ({ row, i }))
    .filter(({ row }) => row.dimension === "namespace")
    .map(({ row, i }) => ({ cluster: rollup.cluster, namespace: row.namespace, day, estimated: row.totalCost, reconciled: rows[i]?.totalCost ?? row.totalCost }));
  const reconciled: CostRollup = {
    ...rollup,
    resolution: RECONCILED_RESOLUTION,
    part: 0,
    parts: 1,
    rows,
    nodes: rollup.nodes.map((n) => ({ ...scaleNode(n, factors.get(n.node) ?? 1), pvCost: n.pvCost * storageFactor })),
    volumes,
  };
  return { nodeDays, volumeDays, namespaceDays, reconciled };
}

/**
 * Reconciles whole 1d rollups (one per cluster and day, pod rows included) with what the bills
 * say. Bill items for the same days that match no node are returned as unmatched.
 */
export function reconcile(rollups: readonly CostRollup[], bill: BillAggregate): ReconcileResult {
  const matched = new Set<string>();
  const result: ReconcileResult = { nodeDays: [], volumeDays: [], namespaceDays: [], reconciled: [], unmatched: [], outside: [], clusterCharges: [], days: [], billTotal: 0, accountedTotal: 0 };
  const days = new Set<string>();
  for (const rollup of rollups) {
    const r = reconcileDay(rollup, bill, matched);
    days.add(dayOf(rollup.windowStartMs));
    result.nodeDays.push(...r.nodeDays);
    result.volumeDays.push(...r.volumeDays);
    result.namespaceDays.push(...r.namespaceDays);
    result.reconciled.push(r.reconciled);
  }
  // Every bill line lands in exactly one place: a matched node- or volume-day, an unmatched item on a
  // day with cost data, or a day without it. The check below adds up the report's own rows.
  const clusters = new Map(rollups.map((r) => [normaliseName(r.cluster), r.cluster]));
  const place = (item: OtherCharge): void => {
    if (!days.has(item.day)) return void result.outside.push(item);
    const cluster = item.clusterTag === undefined ? undefined : clusters.get(item.clusterTag);
    if (cluster !== undefined) result.clusterCharges.push({ ...item, cluster });
    else result.unmatched.push(item);
  };
  for (const [id, line] of bill.byResourceDay) {
    if (!matched.has(id)) place({ kind: line.kind, day: line.day, resourceId: line.resourceId, cost: line.cost, ...(line.clusterTag === undefined ? {} : { clusterTag: line.clusterTag }) });
  }
  for (const other of bill.other.values()) place(other);
  result.unmatched.sort((a, b) => b.cost - a.cost);
  result.clusterCharges.sort((a, b) => a.cluster.localeCompare(b.cluster) || b.cost - a.cost);
  result.outside.sort((a, b) => a.day.localeCompare(b.day) || b.cost - a.cost);
  const sum = (xs: ReadonlyArray<{ billed?: number | undefined; cost?: number }>) => xs.reduce((a, x) => a + (x.billed ?? x.cost ?? 0), 0);
  result.billTotal = bill.files.reduce((a, f) => a + f.cost, 0);
  result.days = [...days].sort();
  result.accountedTotal = sum(result.nodeDays) + sum(result.volumeDays) + sum(result.unmatched) + sum(result.outside) + sum(result.clusterCharges);
  return result;
}
