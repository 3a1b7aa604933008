import type { Resolution } from "../../config/schema.ts";
import type { CostRollup, CostTotals, NodeRollupRow, PodCost, PricedSnapshot, RollupDimension, RollupRow } from "../../model/events.ts";

export const RESOLUTION_MS: Record<Resolution, number> = { "1m": 60_000, "1h": 3_600_000, "1d": 86_400_000 };

interface RowAccumulator extends Omit<RollupRow, "podCount"> {
  pods: Set<string>;
}

/** Serialized form of a window, as stored in checkpoints. */
export interface WindowJson {
  resolution: Resolution;
  cluster: string;
  windowStartMs: number;
  lastRev: number;
  lastEmitMs: number;
  dirty: boolean;
  snapshotCount: number;
  /** node → offsets (seconds from window start) of the snapshots already folded. */
  seen: Record<string, number[]>;
  rows: Array<Omit<RollupRow, "podCount"> & { pods: string[] }>;
  nodes: NodeRollupRow[];
}

const emptyTotals = (): CostTotals => ({
  podHours: 0,
  cpuCoreHours: 0,
  cpuCoreRequestHours: 0,
  cpuCoreUsageHours: 0,
  ramByteHours: 0,
  ramByteRequestHours: 0,
  ramByteUsageHours: 0,
  gpuHours: 0,
  cpuCost: 0,
  ramCost: 0,
  gpuCost: 0,
  pvCost: 0,
  networkCost: 0,
  totalCost: 0,
});

/** The totals a pod adds to a row, in the same field names. */
const SUMMED = [
  "cpuCoreHours", "cpuCoreRequestHours", "cpuCoreUsageHours", "ramByteHours", "ramByteRequestHours", "ramByteUsageHours",
  "gpuHours", "cpuCost", "ramCost", "gpuCost", "pvCost", "networkCost", "totalCost",
] as const satisfies ReadonlyArray<keyof CostTotals & keyof PodCost>;

function addPod(row: RowAccumulator, pod: PodCost): void {
  row.pods.add(pod.uid);
  row.podHours += pod.runningSeconds / 3600;
  for (const field of SUMMED) row[field] += pod[field];
}

/**
 * The running totals of one cluster over one window at one resolution, by namespace, by
 * controller, by configured label and by node. Each priced snapshot is folded in at most once
 * (keyed by node and snapshot start), so redelivery never double counts.
 */
export class WindowState {
  readonly resolution: Resolution;
  readonly cluster: string;
  readonly windowStartMs: number;
  lastRev = 0;
  lastEmitMs = 0;
  dirty = false;
  snapshotCount = 0;
  private readonly seen = new Map<string, Set<number>>();
  private readonly rows = new Map<string, RowAccumulator>();
  private readonly nodes = new Map<string, NodeRollupRow>();

  constructor(resolution: Resolution, cluster: string, windowStartMs: number) {
    this.resolution = resolution;
    this.cluster = cluster;
    this.windowStartMs = windowStartMs;
  }

  get windowEndMs(): number {
    return this.windowStartMs + RESOLUTION_MS[this.resolution];
  }

  /** Folds a snapshot in; returns false (and changes nothing) if it was already folded. */
  fold(priced: PricedSnapshot, labelKeys: readonly string[]): boolean {
    const offset = Math.round((priced.windowStartMs - this.windowStartMs) / 1000);
    const seenForNode = this.seen.get(priced.node) ?? new Set<number>();
    if (seenForNode.has(offset)) return false;
    seenForNode.add(offset);
    this.seen.set(priced.node, seenForNode);
    this.snapshotCount += 1;
    this.dirty = true;

    let podCompute = 0;
    for (const pod of priced.pods) {
      podCompute += pod.cpuCost + pod.ramCost + pod.gpuCost;
      addPod(this.row("namespace", pod.namespace, "", "", "", ""), pod);
      addPod(this.row("controller", pod.namespace, pod.controllerKind, pod.controllerName, "", ""), pod);
      for (const labelKey of labelKeys) addPod(this.row("label", "", "", "", labelKey, pod.labels[labelKey] ?? ""), pod);
    }
    const n = priced.nodeCost;
    const node = this.nodes.get(priced.node) ?? {
      node: priced.node,
      instanceType: n.instanceType,
      capacityType: n.capacityType,
      region: n.region,
      hours: 0,
      nodeCost: 0,
      cpuCost: 0,
      ramCost: 0,
      gpuCost: 0,
      podComputeCost: 0,
      idleCost: 0,
      overcommitCost: 0,
      pvCost: 0,
    };
    node.instanceType = n.instanceType;
    node.capacityType = n.capacityType;
    node.hours += priced.windowSeconds / 3600;
    node.nodeCost += n.windowCost;
    node.cpuCost += n.cpuCost;
    node.ramCost += n.ramCost;
    node.gpuCost += n.gpuCost;
    node.podComputeCost += podCompute;
    node.idleCost += n.idleCost;
    node.overcommitCost += n.overcommitCost;
    node.pvCost += priced.volumes.reduce((sum, v) => sum + v.windowCost, 0);
    this.nodes.set(priced.node, node);
    return true;
  }

  private row(
    dimension: RollupDimension,
    namespace: string,
    controllerKind: string,
    controllerName: string,
    labelKey: string,
    labelValue: string,
  ): RowAccumulator {
    const key = [dimension, namespace, controllerKind, controllerName, labelKey, labelValue].join("\u0000");
    let row = this.rows.get(key);
    if (row === undefined) {
      row = { dimension, namespace, controllerKind, controllerName, labelKey, labelValue, pods: new Set(), ...emptyTotals() };
      this.rows.set(key, row);
    }
    return row;
  }

  /** The window as an event, with the given revision. */
  toRollup(rev: number, final: boolean): CostRollup {
    const rows: RollupRow[] = [...this.rows.values()].map(({ pods, ...rest }) => ({ ...rest, podCount: pods.size }));
    return {
      resolution: this.resolution,
      cluster: this.cluster,
      windowStartMs: this.windowStartMs,
      windowEndMs: this.windowEndMs,
      rev,
      final,
      snapshotCount: this.snapshotCount,
      rows,
      nodes: [...this.nodes.values()].map((n) => ({ ...n })),
    };
  }

  toJSON(): WindowJson {
    return {
      resolution: this.resolution,
      cluster: this.cluster,
      windowStartMs: this.windowStartMs,
      lastRev: this.lastRev,
      lastEmitMs: this.lastEmitMs,
      dirty: this.dirty,
      snapshotCount: this.snapshotCount,
      seen: Object.fromEntries([...this.seen].map(([node, offsets]) => [node, [...offsets].sort((a, b) => a - b)])),
      rows: [...this.rows.values()].map(({ pods, ...rest }) => ({ ...rest, pods: [...pods] })),
      nodes: [...this.nodes.values()],
    };
  }

  static fromJSON(json: WindowJson): WindowState {
    const w = new WindowState(json.resolution, json.cluster, json.windowStartMs);
    w.lastRev = json.lastRev;
    w.lastEmitMs = json.lastEmitMs;
    w.dirty = json.dirty;
    w.snapshotCount = json.snapshotCount;
    for (const [node, offsets] of Object.entries(json.seen)) w.seen.set(node, new Set(offsets));
    for (const { pods, ...rest } of json.rows) {
      const key = [rest.dimension, rest.namespace, rest.controllerKind, rest.controllerName, rest.labelKey, rest.labelValue].join("\u0000");
      w.rows.set(key, { ...rest, pods: new Set(pods) });
    }
    for (const node of json.nodes) w.nodes.set(node.node, { ...node });
    return w;
  }
}
