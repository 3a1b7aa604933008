import type { Resolution } from "../../config/schema.ts";
import { T, TotalsColumns, totalsAt } from "../../model/cost-totals.ts";
import { isVolumeInventory, UNMOUNTED, type CostTotals, type NodeRollupRow, type PricedSnapshot, type RollupRow, type VolumeRollupRow } from "../../model/events.ts";
import type { Canon, PodInfo } from "./canon.ts";
import type { SnapshotDelta } from "./delta.ts";
import { PodRows, Revision } from "./revision.ts";
import type { StorageDelta } from "./storage.ts";
import { rowKey, type RowKey } from "./row-keys.ts";

export const RESOLUTION_MS: Record<Resolution, number> = { "1m": 60_000, "1h": 3_600_000, "1d": 86_400_000 };

/** The parts of a window's checkpoint that grow with its pods. */
type WindowArrays = "rows" | "pods" | "podKeys";

function* mapped<T, U>(items: Iterable<T>, f: (t: T) => U): Generator<U> {
  for (const t of items) yield f(t);
}

function* range(n: number): Generator<number> {
  for (let i = 0; i < n; i++) yield i;
}

/** A pod row in a checkpoint: uid as an index into the checkpoint's uid table, rows as indices into `rows`. */
interface PodJson extends Omit<PodInfo, "uid" | "keys" | "rowKeys"> {
  uid: number;
  keys: number[];
  totals: CostTotals;
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
 * The running totals of one cluster over one window at one resolution: by namespace, by controller, by configured
 * label, by pod and by node. Each priced snapshot is folded in at most once (keyed by node and snapshot start), so
 * redelivery never double counts. Row and pod totals are slots of TotalsColumns (one Float64Array each), who they are
 * is shared with every other window (Canon): at 100,000 pods a window's pods took ~48 MB as objects, ~16 MB so.
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
  /** Aggregate rows: slot by key; identity and distinct pods (kept as pods arrive) by slot; totals in `rowTotals`. */
  private readonly rowSlots = new Map<string, number>();
  private readonly rowIds: RowKey[] = [];
  private readonly podCounts: number[] = [];
  private readonly rowTotals = new TotalsColumns();
  /** Pod rows (windows that publish them): slot by uid, who by slot, totals in `podTotals`. */
  private readonly podSlots = new Map<string, number>();
  private readonly podInfos: PodInfo[] = [];
  private readonly podTotals = new TotalsColumns();
  /** Other windows keep only which rows each pod counted in, by uid. */
  private readonly podKeys = new Map<string, readonly string[]>();
  private readonly nodes = new Map<string, NodeRollupRow>();
  private readonly volumes = new Map<string, VolumeRollupRow>();
  /** The same from the cluster's volume inventory: each volume once, so these win over the nodes' rows. */
  private readonly inventoryVolumes = new Map<string, VolumeRollupRow>();
  /** Whether this window publishes one row per pod; others only count pods (less memory, smaller checkpoints). */
  readonly withPods: boolean;
  /** Slots of the rows and pods, and names of the nodes, changed since the last revision or live update (windows that publish live updates). */
  private changes: { rows: Set<number>; pods: Set<number>; nodes: Set<string> } | undefined;

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

    const changes = this.changes;
    for (let j = 0; j < delta.rows.length; j++) {
      const slot = this.rowSlot(delta.rows[j] as RowKey);
      this.rowTotals.add(slot, delta.rowTotals, j);
      changes?.rows.add(slot);
    }
    for (let i = 0; i < delta.pods.length; i++) {
      const info = delta.pods[i] as PodInfo;
      if (!this.withPods) {
        if (!this.podKeys.has(info.uid)) {
          this.podKeys.set(info.uid, info.keys);
          this.countPod(info.keys);
        }
        continue;
      }
      const held = this.podInfos.length;
      const slot = this.podSlot(info);
      if (this.podInfos.length > held) this.countPod(info.keys);
      this.podTotals.add(slot, delta.podTotals, i);
      changes?.pods.add(slot);
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
    changes?.nodes.add(priced.node);
    if (this.withPods) addVolumeRows(this.volumes, priced);
    return true;
  }

  /** The slot of an aggregate row, made (zero) the first time. */
  private rowSlot(k: RowKey): number {
    let slot = this.rowSlots.get(k.key);
    if (slot === undefined) {
      slot = this.rowTotals.push();
      this.rowSlots.set(k.key, slot);
      this.rowIds.push(k);
      this.podCounts.push(0);
    }
    return slot;
  }

  /** A pod row's slot, made (zero) the first time. */
  private podSlot(info: PodInfo): number {
    let slot = this.podSlots.get(info.uid);
    if (slot === undefined) {
      slot = this.podTotals.push();
      this.podSlots.set(info.uid, slot);
      this.podInfos.push(info);
    }
    return slot;
  }

  /**
   * Adds the storage corrections of one closed window of the finest resolution (see StorageLedger):
   * to the rows, pods and nodes of the pods that mounted the volumes, and to `__unmounted__` rows.
   */
  applyStorage(d: StorageDelta): void {
    const c = this.changes;
    for (const [key, cost] of d.rows) {
      const slot = this.rowSlots.get(key);
      if (slot === undefined) continue;
      this.rowTotals.addStorage(slot, cost);
      c?.rows.add(slot);
    }
    for (const [uid, cost] of d.pods) {
      const slot = this.podSlots.get(uid);
      if (slot === undefined) continue;
      this.podTotals.addStorage(slot, cost);
      c?.pods.add(slot);
    }
    for (const [name, cost] of d.nodes) {
      const node = this.nodes.get(name);
      if (node !== undefined) node.pvCost += cost;
      c?.nodes.add(name);
    }
    for (const u of d.unmounted) {
      for (const k of u.keys) {
        const slot = this.rowSlot(k);
        this.rowTotals.addStorage(slot, u.cost);
        c?.rows.add(slot);
      }
      if (!this.withPods) continue;
      const keys = u.keys.map((k) => k.key);
      const slot = this.podSlot({ uid: `${UNMOUNTED}/${u.namespace}`, pod: UNMOUNTED, namespace: u.namespace, controllerKind: "", controllerName: UNMOUNTED, node: "", labels: {}, rowKeys: u.keys, keys });
      this.podTotals.addStorage(slot, u.cost);
      c?.pods.add(slot);
    }
    this.dirty = true;
  }

  /** The window as one revision (split into parts by the publisher), with pod rows if it keeps them. */
  toRollup(rev: number, final: boolean): Revision {
    const aggregates = this.rowIds.map((_, slot) => this.aggregateRow(slot));
    const pods = new PodRows(this.podInfos.slice(), this.podTotals.values.slice(0, this.podTotals.size * T));
    this.clearChanges();
    return new Revision(this.head(rev, final, [...this.nodes.values()], this.volumeRows()), aggregates, pods);
  }

  /**
   * A live update: only the rows, pods and nodes that changed since the last revision or live update, with their
   * totals so far (absolute, not increments: a reader keeps the newest value of each row, so a lost update costs
   * nothing once the next one or the next revision arrives). No volumes. Undefined if nothing changed.
   */
  liveRollup(rev: number): Revision | undefined {
    const c = this.changes;
    if (c === undefined || c.rows.size + c.pods.size + c.nodes.size === 0) return undefined;
    const aggregates = [...c.rows].map((slot) => this.aggregateRow(slot));
    const infos: PodInfo[] = [];
    const totals = new Float64Array(c.pods.size * T);
    const all = this.podTotals.values;
    for (const slot of c.pods) {
      totals.set(all.subarray(slot * T, slot * T + T), infos.length * T);
      infos.push(this.podInfos[slot] as PodInfo);
    }
    const nodes = [...c.nodes].flatMap((name) => this.nodes.get(name) ?? []);
    this.clearChanges();
    return new Revision(this.head(rev, false, nodes, []), aggregates, new PodRows(infos, totals));
  }

  /** A namespace, controller or label row as published, with how many pods count in it. */
  private aggregateRow(slot: number): RollupRow {
    return { ...this.rowTotalsOf(slot), ...NO_POD, podCount: this.podCounts[slot] ?? 0 };
  }

  /** An aggregate row's identity (without its map key) and totals: its checkpoint form. */
  private rowTotalsOf(slot: number): Omit<RowKey, "key"> & CostTotals {
    const { key: _key, ...identity } = this.rowIds[slot] as RowKey;
    return { ...identity, ...totalsAt(this.rowTotals.values, slot) };
  }

  private clearChanges(): void {
    this.changes?.rows.clear();
    this.changes?.pods.clear();
    this.changes?.nodes.clear();
  }

  /** Counts a pod seen for the first time in the rows it counts in (pods never leave a window; `__unmounted__` ones are not pods). */
  private countPod(keys: readonly string[]): void {
    for (const k of keys) {
      const slot = this.rowSlots.get(k);
      if (slot !== undefined) this.podCounts[slot] = (this.podCounts[slot] ?? 0) + 1;
    }
  }

  private head(rev: number, final: boolean, nodes: readonly NodeRollupRow[], volumes: readonly VolumeRollupRow[]): Revision["head"] {
    return {
      resolution: this.resolution,
      cluster: this.cluster,
      windowStartMs: this.windowStartMs,
      windowEndMs: this.windowEndMs,
      rev,
      final,
      snapshotCount: this.snapshotCount,
      nodes: nodes.map((n) => ({ ...n })),
      volumes: volumes.map((v) => ({ ...v })),
    };
  }

  /**
   * The window's checkpoint form in parts: the small fields, and the three arrays that grow with pods as iterables,
   * so a checkpoint can be written in batches without building the whole document (engine.jsonText). Pod uids
   * become indices given by `intern` (one table per checkpoint); a row's index is its slot.
   */
  jsonParts(intern: (uid: string) => number): { head: Omit<WindowJson, WindowArrays>; arrays: Record<WindowArrays, Iterable<unknown>> } {
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
    const slotsOf = (keys: readonly string[]) => keys.map((k) => this.rowSlots.get(k) ?? -1);
    return {
      head,
      arrays: {
        rows: mapped(range(this.rowIds.length), (slot) => this.rowTotalsOf(slot)),
        pods: mapped(range(this.podInfos.length), (slot): PodJson => {
          const p = this.podInfos[slot] as PodInfo;
          return { uid: intern(p.uid), pod: p.pod, namespace: p.namespace, controllerKind: p.controllerKind, controllerName: p.controllerName, node: p.node, labels: p.labels, keys: slotsOf(p.keys), totals: totalsAt(this.podTotals.values, slot) };
        }),
        podKeys: mapped(this.podKeys.entries(), ([uid, keys]) => [intern(uid), ...slotsOf(keys)]),
      },
    };
  }

  /** One row per volume: the inventory's where it lists the volume, otherwise what the nodes reported. */
  private volumeRows(): VolumeRollupRow[] {
    const out = new Map(this.volumes);
    for (const [name, row] of this.inventoryVolumes) out.set(name, { ...row, volumeId: row.volumeId || (out.get(name)?.volumeId ?? "") });
    return [...out.values()];
  }

  /** A window from its checkpoint form; who its pods are and its row identities become `canon`'s shared copies. */
  static fromJSON(json: WindowJson, uids: readonly string[], canon: Canon): WindowState {
    const w = new WindowState(json.resolution, json.cluster, json.windowStartMs, json.withPods);
    w.lastRev = json.lastRev;
    w.lastEmitMs = json.lastEmitMs;
    w.dirty = json.dirty;
    w.snapshotCount = json.snapshotCount;
    for (const [node, offsets] of Object.entries(json.seen)) w.seen.set(node, new Set(offsets));
    for (const row of json.rows) {
      const slot = w.rowSlot(canon.rowKey(rowKey(row.dimension, row.namespace, row.controllerKind, row.controllerName, row.labelKey, row.labelValue)));
      w.rowTotals.set(slot, row);
    }
    const rowKeysAt = (indices: readonly number[]): RowKey[] => indices.flatMap((i) => w.rowIds[i] ?? []);
    for (const p of json.pods) {
      const uid = uids[p.uid] ?? `unknown-${p.uid}`;
      const info = canon.podInfo({ uid, pod: p.pod, namespace: p.namespace, controllerKind: p.controllerKind, controllerName: p.controllerName, node: p.node, labels: p.labels, rowKeys: rowKeysAt(p.keys) });
      w.podTotals.set(w.podSlot(info), p.totals);
      if (info.pod !== UNMOUNTED) w.countPod(info.keys);
    }
    for (const [uidIndex = -1, ...rowIndices] of json.podKeys) {
      const keys = canon.list(rowKeysAt(rowIndices).map((k) => k.key));
      w.podKeys.set(canon.string(uids[uidIndex] ?? `unknown-${uidIndex}`), keys);
      w.countPod(keys);
    }
    // Checkpoints written before CostRollup v3 have no providerId.
    for (const node of json.nodes) w.nodes.set(node.node, { ...node, providerId: node.providerId ?? "" });
    for (const v of json.volumes ?? []) w.volumes.set(v.pvName, { ...v });
    for (const v of json.inventoryVolumes ?? []) w.inventoryVolumes.set(v.pvName, { ...v });
    return w;
  }
}
