/**
 * TypeScript shapes of the events; they mirror schemas/*.avsc field for field (the codec test
 * round-trips a value of each through its schema). Times are epoch ms; money is USD.
 */

export type CapacityType = "ON_DEMAND" | "SPOT" | "UNKNOWN";

/** What a node is: where, what kind, how big. Shared by NodeInfo and NodeCost. */
export interface NodeShape {
  provider: string;
  providerId: string;
  instanceType: string;
  region: string;
  zone: string;
  capacityType: CapacityType;
  cpuCores: number;
  memoryBytes: number;
  gpus: number;
}

export interface NodeInfo extends NodeShape {
  nodePool: string;
  /** The GPUs' accelerator type when the node says (GKE: `nvidia-tesla-t4`); "" when unknown (UsageSnapshot v4). */
  gpuType: string;
}

/** Who a pod is and how long it ran in the window. Shared by PodUsage and PodCost. */
export interface PodIdentity {
  namespace: string;
  name: string;
  uid: string;
  controllerKind: string;
  controllerName: string;
  labels: Record<string, string>;
  runningSeconds: number;
}

/** Copies the identity fields of a pod record. */
export function podIdentity(p: PodIdentity): PodIdentity {
  return {
    namespace: p.namespace,
    name: p.name,
    uid: p.uid,
    controllerKind: p.controllerKind,
    controllerName: p.controllerName,
    labels: p.labels,
    runningSeconds: p.runningSeconds,
  };
}

/** One container of a pod over the interval (UsageSnapshot v3): for right-sizing per container. */
export interface ContainerUsage {
  name: string;
  cpuRequestCores: number;
  cpuLimitCores: number;
  memoryRequestBytes: number;
  memoryLimitBytes: number;
  cpuUsageCores: number;
  memoryWorkingSetMaxBytes: number;
}

export interface PodUsage extends PodIdentity {
  cpuRequestCores: number;
  cpuLimitCores: number;
  memoryRequestBytes: number;
  memoryLimitBytes: number;
  gpuRequest: number;
  cpuUsageCores: number;
  cpuCoreSeconds: number;
  memoryWorkingSetAvgBytes: number;
  memoryWorkingSetMaxBytes: number;
  networkRxBytes: number;
  networkTxBytes: number;
  restarts: number;
  claims: string[];
  /** Per container (UsageSnapshot v3; [] from older agents). */
  containers: ContainerUsage[];
}

export interface VolumeUsage {
  pvName: string;
  /** The cloud's id of the disk (CSI volume handle, EBS volume id, GCE disk, Azure disk URI); "" when none (UsageSnapshot v2). */
  volumeId: string;
  storageClass: string;
  capacityBytes: number;
  claimNamespace: string;
  claimName: string;
  usedBytes: number;
}

export interface UsageSnapshot {
  cluster: string;
  node: string;
  windowStartMs: number;
  windowSeconds: number;
  sampledAtMs: number;
  agentVersion: string;
  backfilled: boolean;
  nodeInfo: NodeInfo;
  pods: PodUsage[];
  volumes: VolumeUsage[];
}

export interface NodeCost extends NodeShape {
  hourlyCost: number;
  onDemandHourlyCost: number;
  spotHourlyCost: number;
  cpuCoreHourlyRate: number;
  ramGiBHourlyRate: number;
  gpuHourlyRate: number;
  priceSource: string;
  priceAsOfMs: number;
  windowCost: number;
  cpuCost: number;
  ramCost: number;
  gpuCost: number;
  idleCost: number;
  idleCpuCost: number;
  idleRamCost: number;
  idleGpuCost: number;
  overcommitCost: number;
}

/**
 * The node name of a cluster's volume inventory: a UsageSnapshot with no pods that lists every
 * PersistentVolume of the cluster (mounted or not), published once per window by the agent holding
 * the volume lease. No Kubernetes node can have this name (node names are DNS subdomains, no `_`).
 * Its volumes are priced once and split by the rollup among the pods that mount their claims.
 */
export const VOLUMES_NODE = "__volumes__";

export function isVolumeInventory(s: { node: string }): boolean {
  return s.node === VOLUMES_NODE;
}

/** The allocation name OpenCost gives storage no pod mounts (its `UnmountedSuffix`). */
export const UNMOUNTED = "__unmounted__";

export interface PodCost extends PodIdentity {
  cpuCoreHours: number;
  cpuCoreRequestHours: number;
  cpuCoreUsageHours: number;
  ramByteHours: number;
  ramByteRequestHours: number;
  ramByteUsageHours: number;
  gpuHours: number;
  networkTxBytes: number;
  cpuCost: number;
  ramCost: number;
  gpuCost: number;
  pvCost: number;
  networkCost: number;
  totalCost: number;
  hourlyCost: number;
  /** The claims the pod mounts (PricedSnapshot v3). */
  claims: string[];
}

export interface VolumeCost {
  pvName: string;
  /** As VolumeUsage.volumeId (PricedSnapshot v2). */
  volumeId: string;
  storageClass: string;
  capacityBytes: number;
  claimNamespace: string;
  claimName: string;
  gibMonthlyRate: number;
  monthlyCost: number;
  windowCost: number;
  priceSource: string;
}

export interface PricedSnapshot {
  cluster: string;
  node: string;
  windowStartMs: number;
  windowSeconds: number;
  pricedAtMs: number;
  nodeCost: NodeCost;
  pods: PodCost[];
  volumes: VolumeCost[];
}

/** A PricedSnapshot as read by consumers that do not need pod labels (savings, sinks). */
/** A PricedSnapshot read with only some fields of its pods (a codec projection: the rest is skipped, not decoded). */
export interface PricedSnapshotOf<K extends keyof PodCost> extends Omit<PricedSnapshot, "pods"> {
  pods: Array<Pick<PodCost, K>>;
}

/** A UsageSnapshot read with only some fields of its pods (a codec projection). */
export interface UsageSnapshotOf<K extends keyof PodUsage> extends Omit<UsageSnapshot, "pods"> {
  pods: Array<Pick<PodUsage, K>>;
}

export interface PricedSnapshotView extends Omit<PricedSnapshot, "pods"> {
  pods: Array<Omit<PodCost, "labels">>;
}

export type RollupDimension = "namespace" | "controller" | "label" | "pod";

/** Cost and resource totals shared by every rollup row. */
export interface CostTotals {
  podHours: number;
  cpuCoreHours: number;
  cpuCoreRequestHours: number;
  cpuCoreUsageHours: number;
  ramByteHours: number;
  ramByteRequestHours: number;
  ramByteUsageHours: number;
  gpuHours: number;
  cpuCost: number;
  ramCost: number;
  gpuCost: number;
  pvCost: number;
  networkCost: number;
  totalCost: number;
  /** Spot savings attributed by cost share (USD): realised on spot nodes, potential on on-demand ones. */
  realisedSavings: number;
  potentialSavings: number;
}

export interface RollupRow extends CostTotals {
  dimension: RollupDimension;
  namespace: string;
  controllerKind: string;
  controllerName: string;
  labelKey: string;
  labelValue: string;
  /** Pod rows: the pod's name, uid, node and its values of the configured label keys. */
  pod: string;
  podUid: string;
  node: string;
  labels: Record<string, string>;
  podCount: number;
}

export interface NodeRollupRow {
  node: string;
  /** spec.providerID (CostRollup v3; "" when written by v2). */
  providerId: string;
  instanceType: string;
  capacityType: string;
  region: string;
  hours: number;
  nodeCost: number;
  cpuCost: number;
  ramCost: number;
  gpuCost: number;
  podComputeCost: number;
  idleCost: number;
  idleCpuCost: number;
  idleRamCost: number;
  idleGpuCost: number;
  overcommitCost: number;
  pvCost: number;
  realisedSavings: number;
  potentialSavings: number;
}

/** A persistent volume's cost over a rollup window (1h/1d, CostRollup v3). */
export interface VolumeRollupRow {
  pvName: string;
  /** The cloud's id of the disk; "" when not a cloud disk. */
  volumeId: string;
  storageClass: string;
  claimNamespace: string;
  claimName: string;
  hours: number;
  cost: number;
}

export interface CostRollup {
  resolution: string;
  cluster: string;
  windowStartMs: number;
  windowEndMs: number;
  rev: number;
  final: boolean;
  snapshotCount: number;
  /** Rows are split over `parts` messages (0-based `part`); node rows travel in part 0. */
  part: number;
  parts: number;
  rows: RollupRow[];
  nodes: NodeRollupRow[];
  /** Volumes (1h/1d windows; part 0 only; empty when written by v2). */
  volumes: VolumeRollupRow[];
}

export interface NamespaceSavings {
  namespace: string;
  realisedSavings: number;
  potentialSavings: number;
}

export interface SavingsReport {
  cluster: string;
  node: string;
  windowStartMs: number;
  windowSeconds: number;
  instanceType: string;
  capacityType: string;
  onDemandHourlyCost: number;
  spotHourlyCost: number;
  priceSource: string;
  realisedSavings: number;
  potentialSavings: number;
  byNamespace: NamespaceSavings[];
}

export interface CostDriver {
  name: string;
  monthlyUsd: number;
  share: number;
}

export interface BudgetAlert {
  id: string;
  cluster: string;
  rule: string;
  status: "firing" | "resolved";
  basis: "runRate" | "forecast";
  thresholdPct: number;
  period: string;
  scope: { cluster: string; namespace: string; labels: Record<string, string> };
  scopeDescription: string;
  monthlyBudgetUsd: number;
  runRateMonthlyUsd: number;
  monthToDateUsd: number;
  forecastMonthlyUsd: number;
  observedMonthlyUsd: number;
  overBudgetUsd: number;
  overBudgetPct: number;
  topDrivers: CostDriver[];
  dashboardUrl: string;
  evaluatedAtMs: number;
}

/** What moved a cost anomaly, as the stream shows it (processors/anomalies). */
export type AnomalyCauseKind = "scale_up" | "scale_down" | "new_workload" | "requests_changed" | "new_nodes" | "nodes_removed" | "spot_to_on_demand" | "price_change";

export interface AnomalyCause {
  kind: AnomalyCauseKind;
  /** What changed: a controller (`ns/kind/name`), an instance type, or a node. */
  subject: string;
  /** In words, with before → after. */
  detail: string;
  /** How much of the change in $/h it explains (estimated). */
  impactHourlyUsd: number;
}

/** A cluster's or namespace's spend off its learned pattern (firing) or back on it (resolved). */
export interface CostAnomaly {
  /** <cluster>/<scope>/<started at ms>: one anomaly from firing to resolved. */
  id: string;
  cluster: string;
  /** "cluster" or "namespace". */
  scope: string;
  /** The namespace ("" for the cluster). */
  namespace: string;
  status: "firing" | "resolved";
  /** The 1m window that confirmed (or resolved) it. */
  windowStartMs: number;
  startedAtMs: number;
  detectedAtMs: number;
  observedHourlyUsd: number;
  expectedHourlyUsd: number;
  /** (observed − expected) ÷ expected × 100. */
  deviationPct: number;
  zScore: number;
  causes: AnomalyCause[];
  /** Namespaces whose spend moved with a cluster anomaly (cluster scope). */
  namespaces: string[];
  dashboardUrl: string;
}
