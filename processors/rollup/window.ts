import type { Resolution } from "../../config/schema.ts";
import { isVolumeInventory, UNMOUNTED, type CostRollup, type CostTotals, type NodeRollupRow, type PricedSnapshot, type RollupRow, type VolumeRollupRow } from "../../model/events.ts";
import type { StorageDelta } from "./storage.ts";
import { addTotals, emptyTotals, type PodRow, type SnapshotDelta } from "./delta.ts";
import { rowKey, type RowKey } from "./row-keys.ts";

export const RESOLUTION_MS: Record<Resolution, number> = { "1m": 60_000, "1h": 3_600_000, "1d": 86_400_000 };

type RowAccumulator = Omit<RowKey, "key"> & CostTotals;

/** The parts of a window's checkpoint that grow with its pods. */
type WindowArrays = "rows" | "pods" | "podKeys";

function* mapped<T, U>(items: Iterable<T>, f: (t: T) => U): Generator<U> {
  for (const t of items) yield f(t);
}

/** A pod row in a checkpoint: uid as an index into the checkpoint's uid table, rows as indices into `rows`. */
interface PodJson extends Omit<PodRow, "uid" | "keys"> {
  uid: number;
  keys: number[];
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
  rows: Array<Omit<RowKey, "key"> & CostTotals>;
  withPods: boolean;
  /** Pod rows (windows that publish them). */
  pods: PodJson[];
  /** Other windows keep only which rows each pod counts in: [uid index, row indices...]. */
  podKeys: number[][];
  nodes: NodeRollupRow[];
  /** Absent in checkpoints written before CostRollup v3. */
  volumes?: VolumeRollupRow[];
  /** Volumes as the cluster's inventory lists them (absent before the inventory existed). */
  inventoryVolumes?: VolumeRollupRow[];
}

const emptyNode = (node: string, n: PricedSnapshot["nodeCost"]): NodeRollupRow => ({
  node,
  providerId: n.providerId,
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
  idleCpuCost: 0,
  idleRamCost: 0,
  idleGpuCost: 0,
  overcommitCost: 0,
  pvCost: 0,
  realisedSavings: 0,
  potentialSavings: 0,
});

const NO_POD = { pod: "", podUid: "", node: "", labels: {} };

const podRollupRow = (p: PodRow): RollupRow => ({
  dimension: "pod",
  namespace: p.namespace,
  controllerKind: p.controllerKind,
  controllerName: p.controllerName,
  labelKey: "",
  labelValue: "",
  pod: p.pod,
  podUid: p.uid,
  node: p.node,
  labels: p.labels,
  podCount: 1,
  ...p.totals,
});

/** Adds a snapshot's volumes to per-volume rows (hours listed and cost). */
function addVolumeRows(rows: Map<string, VolumeRollupRow>, priced: PricedSnapshot): void {
  for (const v of priced.volumes) {
    const row = rows.get(v.pvName) ?? { pvName: v.pvName, volumeId: v.volumeId, storageClass: v.storageClass, claimNamespace: v.claimNamespace, claimName: v.claimName, hours: 0, cost: 0 };
    row.volumeId = v.volumeId || row.volumeId;
    row.hours += priced.windowSeconds / 3600;
    row.cost += v.windowCost;
    rows.set(v.pvName, row);
  }
}

/**
 * The running totals of one cluster over one window at one resolution: by namespace, by
 * controller, by configured label, by pod and by node. Each priced snapshot is folded in at most
 * once (keyed by node and snapshot start), so redelivery never double counts.
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
  private readonly pods = new Map<string, PodRow>();
  private readonly podKeys = new Map<string, string[]>();
  /** Pods per aggregate row key, kept as pods arrive. */
  private readonly podCounts = new Map<string, number>();
  private readonly nodes = new Map<string, NodeRollupRow>();
  private readonly volumes = new Map<string, VolumeRollupRow>();
  /** The same from the cluster's volume inventory: each volume once, so these win over the nodes' rows. */
  private readonly inventoryVolumes = new Map<string, VolumeRollupRow>();
  /** Whether this window publishes one row per pod; others only count pods (less memory, smaller checkpoints). */
  readonly withPods: boolean;
  /** Keys of the rows, pods and nodes changed since the last revision or live update (windows that publish live updates). */
  private changes: { rows: Set<string>; pods: Set<string>; nodes: Set<string> } | undefined;

  constructor(resolution: Resolution, cluster: string, windowStartMs: number, withPods: boolean) {
    this.resolution = resolution;
    this.cluster = cluster;
    this.windowStartMs = windowStartMs;
    this.withPods = withPods;
  }

  get windowEndMs(): number {
    return this.windowStartMs + RESOLUTION_MS[this.resolution];
  }

  /** From now on, remember what changes, for `liveRollup` (not checkpointed: the next revision carries everything). */
  trackChanges(): void {
    this.changes ??= { rows: new Set(), pods: new Set(), nodes: new Set() };
  }

  /** Folds a snapshot (and its precomputed delta) in; returns false if it was already folded. */
  fold(priced: PricedSnapshot, delta: SnapshotDelta): boolean {
    const offset = Math.round((priced.windowStartMs - this.windowStartMs) / 1000);
    const seenForNode = this.seen.get(priced.node) ?? new Set<number>();
    if (seenForNode.has(offset)) return false;
    seenForNode.add(offset);
    this.seen.set(priced.node, seenForNode);
    this.snapshotCount += 1;
    this.dirty = true;

    for (const [key, d] of delta.rows) {
      let row = this.rows.get(key);
      if (row === undefined) {
        const { key: _key, ...identity } = d.key;
        row = { ...identity, ...emptyTotals() };
        this.rows.set(key, row);
      }
      addTotals(row, d.totals);
      this.changes?.rows.add(key);
    }
    for (const p of delta.pods) {
      if (!this.withPods) {
        if (!this.podKeys.has(p.uid)) {
          this.podKeys.set(p.uid, p.keys);
          this.countPod(p.keys);
        }
        continue;
      }
      const known = this.pods.get(p.uid);
      if (known === undefined) {
        this.pods.set(p.uid, { ...p, totals: { ...p.totals } });
        this.countPod(p.keys);
      } else addTotals(known.totals, p.totals);
      this.changes?.pods.add(p.uid);
    }

    if (isVolumeInventory(priced)) {
      if (this.withPods) addVolumeRows(this.inventoryVolumes, priced);
      return true;
    }
    const n = priced.nodeCost;
    const node = this.nodes.get(priced.node) ?? emptyNode(priced.node, n);
    node.instanceType = n.instanceType;
    node.capacityType = n.capacityType;
    node.providerId = n.providerId;
    node.hours += priced.windowSeconds / 3600;
    node.nodeCost += n.windowCost;
    node.cpuCost += n.cpuCost;
    node.ramCost += n.ramCost;
    node.gpuCost += n.gpuCost;
    node.podComputeCost += delta.podComputeCost;
    node.idleCost += n.idleCost;
    node.idleCpuCost += n.idleCpuCost;
    node.idleRamCost += n.idleRamCost;
    node.idleGpuCost += n.idleGpuCost;
    node.overcommitCost += n.overcommitCost;
    node.pvCost += priced.volumes.reduce((sum, v) => sum + v.windowCost, 0);
    node.realisedSavings += delta.realisedSavings;
    node.potentialSavings += delta.potentialSavings;
    this.nodes.set(priced.node, node);
    this.changes?.nodes.add(priced.node);
    if (this.withPods) addVolumeRows(this.volumes, priced);
    return true;
  }

  /**
   * Adds the storage corrections of one closed window of the finest resolution (see StorageLedger):
   * to the rows, pods and nodes of the pods that mounted the volumes, and to `__unmounted__` rows.
   */
  applyStorage(d: StorageDelta): void {
    const add = (t: CostTotals, cost: number): void => {
      t.pvCost += cost;
      t.totalCost += cost;
    };
    const c = this.changes;
    for (const [key, cost] of d.rows) {
      const row = this.rows.get(key);
      if (row !== undefined) add(row, cost);
      c?.rows.add(key);
    }
    for (const [uid, cost] of d.pods) {
      const pod = this.pods.get(uid);
      if (pod !== undefined) add(pod.totals, cost);
      c?.pods.add(uid);
    }
    for (const [name, cost] of d.nodes) {
      const node = this.nodes.get(name);
      if (node !== undefined) node.pvCost += cost;
      c?.nodes.add(name);
    }
    for (const u of d.unmounted) {
      for (const k of u.keys) {
        let row = this.rows.get(k.key);
        if (row === undefined) {
          const { key: _key, ...identity } = k;
          row = { ...identity, ...emptyTotals() };
          this.rows.set(k.key, row);
        }
        add(row, u.cost);
        c?.rows.add(k.key);
      }
      if (!this.withPods) continue;
      const uid = `${UNMOUNTED}/${u.namespace}`;
      const pod = this.pods.get(uid) ?? {
        uid, pod: UNMOUNTED, namespace: u.namespace, controllerKind: "", controllerName: UNMOUNTED, node: "", labels: {}, keys: u.keys.map((k) => k.key), totals: emptyTotals(),
      };
      add(pod.totals, u.cost);
      this.pods.set(uid, pod);
      c?.pods.add(uid);
    }
    this.dirty = true;
  }

  /** The window as one event (split into parts by the publisher), with pod rows if it keeps them. */
  toRollup(rev: number, final: boolean): CostRollup {
    const rows: RollupRow[] = [...this.rows].map(([key, row]) => this.aggregateRow(key, row));
    if (this.withPods) for (const p of this.pods.values()) rows.push(podRollupRow(p));
    this.clearChanges();
    return this.rollupOf(rev, final, rows, [...this.nodes.values()], this.volumeRows());
  }

  /**
   * A live update: only the rows, pods and nodes that changed since the last revision or live update, with their
   * totals so far (absolute, not increments: a reader keeps the newest value of each row, so a lost update costs
   * nothing once the next one or the next revision arrives). No volumes. Undefined if nothing changed.
   */
  liveRollup(rev: number): CostRollup | undefined {
    const c = this.changes;
    if (c === undefined || c.rows.size + c.pods.size + c.nodes.size === 0) return undefined;
    const rows: RollupRow[] = [];
    for (const key of c.rows) {
      const row = this.rows.get(key);
      if (row !== undefined) rows.push(this.aggregateRow(key, row));
    }
    for (const uid of c.pods) {
      const p = this.pods.get(uid);
      if (p !== undefined) rows.push(podRollupRow(p));
    }
    const nodes = [...c.nodes].flatMap((name) => this.nodes.get(name) ?? []);
    this.clearChanges();
    return this.rollupOf(rev, false, rows, nodes, []);
  }

  /** A namespace, controller or label row as published, with how many pods count in it. */
  private aggregateRow(key: string, row: RowAccumulator): RollupRow {
    return { ...row, ...NO_POD, podCount: this.podCounts.get(key) ?? 0 };
  }

  private clearChanges(): void {
    this.changes?.rows.clear();
    this.changes?.pods.clear();
    this.changes?.nodes.clear();
  }

  /** Counts a pod seen for the first time in the rows it counts in (pods never leave a window; `__unmounted__` ones are not pods). */
  private countPod(keys: readonly string[]): void {
    for (const k of keys) this.podCounts.set(k, (this.podCounts.get(k) ?? 0) + 1);
  }

  private rollupOf(rev: number, final: boolean, rows: RollupRow[], nodes: readonly NodeRollupRow[], volumes: readonly VolumeRollupRow[]): CostRollup {
    return {
      resolution: this.resolution,
      cluster: this.cluster,
      windowStartMs: this.windowStartMs,
      windowEndMs: this.windowEndMs,
      rev,
      final,
      snapshotCount: this.snapshotCount,
      part: 0,
      parts: 1,
      rows,
      nodes: nodes.map((n) => ({ ...n })),
      volumes: volumes.map((v) => ({ ...v })),
    };
  }

  /**
   * The window's checkpoint form in parts: the small fields, and the three arrays that grow with pods as iterables,
   * so a checkpoint can be written in batches without building the whole document (engine.jsonText). Pod uids
   * become indices given by `intern` (one table per checkpoint).
   */
  jsonParts(intern: (uid: string) => number): { head: Omit<WindowJson, WindowArrays>; arrays: Record<WindowArrays, Iterable<unknown>> } {
    const rowIndex = new Map([...this.rows.keys()].map((key, i) => [key, i]));
    const head: Omit<WindowJson, WindowArrays> = {
      resolution: this.resolution,
      cluster: this.cluster,
      windowStartMs: this.windowStartMs,
      lastRev: this.lastRev,
      lastEmitMs: this.lastEmitMs,
      dirty: this.dirty,
      snapshotCount: this.snapshotCount,
      seen: Object.fromEntries([...this.seen].map(([node, offsets]) => [node, [...offsets].sort((a, b) => a - b)])),
      withPods: this.withPods,
      nodes: [...this.nodes.values()],
      volumes: [...this.volumes.values()],
      inventoryVolumes: [...this.inventoryVolumes.values()],
    };
    const pods = this.pods.values();
    const podKeys = this.podKeys.entries();
    return {
      head,
      arrays: {
        rows: this.rows.values(),
        pods: mapped(pods, (p) => ({ ...p, uid: intern(p.uid), keys: p.keys.map((k) => rowIndex.get(k) ?? -1) })),
        podKeys: mapped(podKeys, ([uid, keys]) => [intern(uid), ...keys.map((k) => rowIndex.get(k) ?? -1)]),
      },
    };
  }

  /** One row per volume: the inventory's where it lists the volume, otherwise what the nodes reported. */
  private volumeRows(): VolumeRollupRow[] {
    const out = new Map(this.volumes);
    for (const [name, row] of this.inventoryVolumes) out.set(name, { ...row, volumeId: row.volumeId || (out.get(name)?.volumeId ?? "") });
    return [...out.values()];
  }

  static fromJSON(json: WindowJson, uids: readonly string[]): WindowState {
    const w = new WindowState(json.resolution, json.cluster, json.windowStartMs, json.withPods);
    w.lastRev = json.lastRev;
    w.lastEmitMs = json.lastEmitMs;
    w.dirty = json.dirty;
    w.snapshotCount = json.snapshotCount;
    for (const [node, offsets] of Object.entries(json.seen)) w.seen.set(node, new Set(offsets));
    const keys: string[] = [];
    for (const row of json.rows) {
      const { key } = rowKey(row.dimension, row.namespace, row.controllerKind, row.controllerName, row.labelKey, row.labelValue);
      keys.push(key);
      w.rows.set(key, { ...row });
    }
    for (const p of json.pods) {
      const uid = uids[p.uid] ?? `unknown-${p.uid}`;
      w.pods.set(uid, { ...p, uid, keys: p.keys.map((i) => keys[i] ?? "") });
    }
    for (const p of w.pods.values()) if (p.pod !== UNMOUNTED) w.countPod(p.keys);
    for (const [uidIndex = -1, ...rowIndices] of json.podKeys) {
      const podKeys = rowIndices.map((i) => keys[i] ?? "");
      w.podKeys.set(uids[uidIndex] ?? `unknown-${uidIndex}`, podKeys);
      w.countPod(podKeys);
    }
    // Checkpoints written before CostRollup v3 have no providerId.
    for (const node of json.nodes) w.nodes.set(node.node, { ...node, providerId: node.providerId ?? "" });
    for (const v of json.volumes ?? []) w.volumes.set(v.pvName, { ...v });
    for (const v of json.inventoryVolumes ?? []) w.inventoryVolumes.set(v.pvName, { ...v });
    return w;
  }
}
