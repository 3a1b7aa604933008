import type { V1PersistentVolume, V1Pod } from "@kubernetes/client-node";
import type { Logger } from "../../telemetry/log.ts";
import { backoffMs } from "../../bus/backoff.ts";
import type { Informer, KubeObject } from "./informer.ts";
import { podMetaOf, type PodMeta } from "./pod-meta.ts";
import { parseQuantity } from "../../model/quantity.ts";
import type { ClaimedVolume } from "./snapshots.ts";
import type { VolumeUsage } from "../../model/events.ts";

/** Keeps an informer running: it stops on errors, so restart it with backoff. */
function keepRunning<T extends KubeObject>(informer: Informer<T>, what: string, log: Logger, stopped: () => boolean): void {
  let failures = 0;
  informer.on("connect", () => {
    failures = 0;
  });
  // A failed restart (the API server still unreachable) is a failure like any other: back off and try
  // again, rather than leaving the cache frozen.
  const failed = (error: unknown): void => {
    if (stopped()) return;
    failures += 1;
    const delay = backoffMs(failures, { baseMs: 500, maxMs: 30_000 });
    log.warn(`${what} watch failed; restarting`, { error: error instanceof Error ? error.message : String(error), inMs: delay });
    setTimeout(() => {
      if (!stopped()) informer.start().catch(failed);
    }, delay).unref();
  };
  informer.on("error", failed);
}

/**
 * The pods bound to this node, from a list+watch. Deleted pods are kept (with their deletion
 * time) until the windows they ran in have been published.
 */
export class PodCache {
  private readonly live = new Map<string, PodMeta>();
  private readonly ended = new Map<string, PodMeta>();
  private readonly informer: Informer<V1Pod>;
  private stopped = false;
  private synced = false;

  constructor(informer: Informer<V1Pod>, log: Logger, keepLabels: (labels: Record<string, string>) => Record<string, string>, now: () => number = Date.now) {
    this.informer = informer;
    const meta = (pod: V1Pod, deletedAtMs?: number): PodMeta => {
      const m = podMetaOf(pod, deletedAtMs);
      return { ...m, labels: keepLabels(m.labels) };
    };
    const upsert = (pod: V1Pod) => {
      const m = meta(pod);
      if (m.uid !== "") this.live.set(m.uid, m);
    };
    informer.on("add", upsert);
    informer.on("update", upsert);
    informer.on("delete", (pod: V1Pod) => {
      const m = meta(pod, now());
      this.live.delete(m.uid);
      this.ended.set(m.uid, m);
    });
    informer.on("connect", () => {
      this.synced = true;
    });
    keepRunning(informer, "pod", log, () => this.stopped);
  }

  async start(): Promise<void> {
    await this.informer.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.informer.stop();
  }

  get isSynced(): boolean {
    return this.synced;
  }

  /** Running and recently ended pods. */
  all(): PodMeta[] {
    return [...this.live.values(), ...this.ended.values()];
  }

  /** UIDs of pods still alive (their counter tracks are kept). */
  liveUids(): Set<string> {
    return new Set(this.live.keys());
  }

  /** Forgets ended pods that stopped before `beforeMs` (already published). */
  prune(beforeMs: number): void {
    for (const [uid, pod] of this.ended) if ((pod.endMs ?? 0) < beforeMs) this.ended.delete(uid);
  }
}

/**
 * The cloud's id of a PV's disk, as the bill names it: the CSI volume handle (EBS `vol-…`, a GCE
 * disk path, an Azure disk URI), or the in-tree source's id; "" for anything else (NFS, local).
 */
export function cloudVolumeId(pv: V1PersistentVolume): string {
  const s = pv.spec;
  return s?.csi?.volumeHandle ?? s?.awsElasticBlockStore?.volumeID.replace(/^aws:\/\/[^/]*\//, "") ?? s?.gcePersistentDisk?.pdName ?? s?.azureDisk?.diskURI ?? "";
}

/** Every PersistentVolume of the cluster, by name and by the claim bound to it (`namespace/claim`). */
export class VolumeCache {
  /** Every PersistentVolume by name, with the claim bound to it ("" when none). */
  private readonly byName = new Map<string, ClaimedVolume & { claimNamespace: string; claimName: string }>();
  /** `namespace/claim` → PV name. */
  private readonly byClaim = new Map<string, string>();
  private readonly informer: Informer<V1PersistentVolume>;
  private stopped = false;

  constructor(informer: Informer<V1PersistentVolume>, log: Logger) {
    this.informer = informer;
    const remove = (name: string): void => {
      const known = this.byName.get(name);
      if (known === undefined) return;
      this.byName.delete(name);
      const claimKey = `${known.claimNamespace}/${known.claimName}`;
      if (this.byClaim.get(claimKey) === name) this.byClaim.delete(claimKey);
    };
    const upsert = (pv: V1PersistentVolume) => {
      const name = pv.metadata?.name;
      if (name === undefined) return;
      remove(name);
      // A PV still being provisioned has no disk behind it yet.
      if (pv.status?.phase === "Pending") return;
      const ref = pv.spec?.claimRef;
      const storage = pv.spec?.capacity?.["storage"];
      const entry = {
        pvName: name,
        storageClass: pv.spec?.storageClassName ?? "",
        capacityBytes: storage === undefined ? 0 : Math.round(parseQuantity(storage)),
        volumeId: cloudVolumeId(pv),
        claimNamespace: ref?.namespace ?? "",
        claimName: ref?.name ?? "",
      };
      this.byName.set(name, entry);
      if (entry.claimName !== "") this.byClaim.set(`${entry.claimNamespace}/${entry.claimName}`, name);
    };
    informer.on("add", upsert);
    informer.on("update", upsert);
    informer.on("delete", (pv: V1PersistentVolume) => remove(pv.metadata?.name ?? ""));
    keepRunning(informer, "persistentvolume", log, () => this.stopped);
  }

  async start(): Promise<void> {
    await this.informer.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.informer.stop();
  }

  lookup(namespace: string, claim: string): ClaimedVolume | undefined {
    const name = this.byClaim.get(`${namespace}/${claim}`);
    return name === undefined ? undefined : this.byName.get(name);
  }

  /** Every volume of the cluster (the inventory), sorted by name (code-point order: localeCompare would load ICU's collation data, ~4 MB of RSS on every node). */
  all(): VolumeUsage[] {
    return [...this.byName.values()]
      .sort((a, b) => (a.pvName < b.pvName ? -1 : a.pvName > b.pvName ? 1 : 0))
      .map((v) => ({ pvName: v.pvName, volumeId: v.volumeId, storageClass: v.storageClass, capacityBytes: v.capacityBytes, claimNamespace: v.claimNamespace, claimName: v.claimName, usedBytes: 0 }));
  }
}
