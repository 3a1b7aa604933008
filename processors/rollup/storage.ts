import { isVolumeInventory, UNMOUNTED, type PricedSnapshot } from "../../model/events.ts";
import { claimShares, volumeUses } from "../../model/volume-shares.ts";
import type { SnapshotDelta } from "./delta.ts";
import { rowKeysOf, type RowKey } from "./row-keys.ts";

/** What the pricer charged one pod for one volume in one node snapshot, and how long the pod ran. */
interface Charge {
  uid: string;
  node: string;
  keys: string[];
  seconds: number;
  charged: number;
}

interface InventoryVolume {
  claimNamespace: string;
  claimName: string;
  cost: number;
}

/** Serialized ledger (rollup checkpoints). */
export interface LedgerJson {
  cluster: string;
  windowStartMs: number;
  inventory: Array<[string, InventoryVolume]>;
  charged: Array<[string, number]>;
  charges: Array<[string, Charge[]]>;
}

/** A storage correction for one row, pod or node: pvCost and totalCost both change by `cost` (may be negative). */
export interface StorageDelta {
  /** Row key → change; the rows exist in every window the mounting pods were folded into. */
  rows: Map<string, number>;
  pods: Map<string, number>;
  nodes: Map<string, number>;
  /** Volumes no pod mounted, per namespace (the claim's, or `__unmounted__` for unclaimed volumes). */
  unmounted: Array<{ namespace: string; keys: RowKey[]; cost: number }>;
}

/**
 * Makes storage add up across a cluster for one window of the finest resolution (issue 13, item 8).
 * The pricer charges each node's mounted volumes to that node's pods, so a ReadWriteMany volume
 * mounted on three nodes is charged three times, and a volume no pod mounts is charged to nobody.
 * The cluster's volume inventory (one snapshot per window from the agent holding the volume lease)
 * says what each volume really costs. When the window closes, {@link attribute} turns the difference
 * into corrections: each inventoried volume's cost split among all pods that mounted it anywhere in the
 * cluster by running time, minus what the pricer already charged them; volumes nobody mounted go to
 * `__unmounted__` rows (OpenCost's name). Σ pvCost over rows = Σ inventory cost.
 * Without an inventory for the window (no agent holds the lease, or it is turned off) nothing changes.
 */
export class StorageLedger {
  readonly cluster: string;
  readonly windowStartMs: number;
  private readonly inventory = new Map<string, InventoryVolume>();
  /** pvName → Σ of the pricer's window cost over node snapshots listing it. */
  private readonly charged = new Map<string, number>();
  private readonly charges = new Map<string, Charge[]>();

  constructor(cluster: string, windowStartMs: number) {
    this.cluster = cluster;
    this.windowStartMs = windowStartMs;
  }

  /** Records a folded snapshot: an inventory's volume costs, or a node's volume charges to its pods. */
  add(priced: PricedSnapshot, delta: SnapshotDelta): void {
    if (isVolumeInventory(priced)) {
      for (const v of priced.volumes) {
        const known = this.inventory.get(v.pvName);
        if (known === undefined) this.inventory.set(v.pvName, { claimNamespace: v.claimNamespace, claimName: v.claimName, cost: v.windowCost });
        else known.cost += v.windowCost;
      }
      return;
    }
    // What the pricer charged for every volume the node listed, whether or not we can see to whom (pods
    // priced before PricedSnapshot v3 carry no claims): such a volume is left as charged, not called unmounted.
    for (const v of priced.volumes) this.charged.set(v.pvName, (this.charged.get(v.pvName) ?? 0) + v.windowCost);
    for (const { volume, users } of volumeUses(priced.pods, priced.volumes)) {
      const charges = this.charges.get(volume.pvName) ?? [];
      for (const user of users) {
        const row = delta.pods[user.index];
        if (row !== undefined) charges.push({ uid: row.uid, node: priced.node, keys: row.keys, seconds: user.seconds, charged: volume.windowCost * user.share });
      }
      this.charges.set(volume.pvName, charges);
    }
  }

  /** The corrections that make every inventoried volume cost exactly its list cost, split as described above. */
  attribute(labelKeys: readonly string[]): StorageDelta {
    const out: StorageDelta = { rows: new Map(), pods: new Map(), nodes: new Map(), unmounted: [] };
    const unmounted = new Map<string, number>();
    for (const [pvName, volume] of this.inventory) {
      const charges = this.charges.get(pvName) ?? [];
      if (charges.length === 0) {
        // Charged by node snapshots whose pods we cannot see (a pricer older than PricedSnapshot v3): leave as charged.
        if ((this.charged.get(pvName) ?? 0) > 0) continue;
        const namespace = volume.claimNamespace === "" ? UNMOUNTED : volume.claimNamespace;
        unmounted.set(namespace, (unmounted.get(namespace) ?? 0) + volume.cost);
        continue;
      }
      const byPod = mergeByPod(charges);
      const shares = claimShares(byPod.map((c) => c.seconds));
      for (const [i, c] of byPod.entries()) {
        const change = volume.cost * (shares[i] ?? 0) - c.charged;
        if (change === 0) continue;
        out.pods.set(c.uid, (out.pods.get(c.uid) ?? 0) + change);
        out.nodes.set(c.node, (out.nodes.get(c.node) ?? 0) + change);
        for (const key of c.keys) out.rows.set(key, (out.rows.get(key) ?? 0) + change);
      }
    }
    for (const [namespace, cost] of unmounted) {
      const keys = rowKeysOf({ namespace, controllerKind: "", controllerName: UNMOUNTED, labels: {} }, labelKeys);
      out.unmounted.push({ namespace, keys, cost });
    }
    return out;
  }

  toJSON(): LedgerJson {
    return {
      cluster: this.cluster,
      windowStartMs: this.windowStartMs,
      inventory: [...this.inventory],
      charged: [...this.charged],
      charges: [...this.charges],
    };
  }

  static fromJSON(json: LedgerJson): StorageLedger {
    const ledger = new StorageLedger(json.cluster, json.windowStartMs);
    for (const [k, v] of json.inventory) ledger.inventory.set(k, { ...v });
    for (const [k, v] of json.charged) ledger.charged.set(k, v);
    for (const [k, v] of json.charges) ledger.charges.set(k, v.map((c) => ({ ...c })));
    return ledger;
  }
}

/** One pod's charges for a volume over the window's snapshots, seconds and charges summed (a pod runs on one node). */
function mergeByPod(charges: readonly Charge[]): Charge[] {
  const byUid = new Map<string, Charge>();
  for (const c of charges) {
    const known = byUid.get(c.uid);
    if (known === undefined) byUid.set(c.uid, { ...c });
    else {
      known.seconds += c.seconds;
      known.charged += c.charged;
    }
  }
  return [...byUid.values()];
}
