import { podIdentity, type NodeInfo, type PodUsage, type UsageSnapshot, type VolumeUsage } from "../../model/events.ts";
import type { PodRates } from "./accumulator.ts";
import type { PodMeta } from "./pod-meta.ts";

export interface ClaimedVolume {
  pvName: string;
  storageClass: string;
  capacityBytes: number;
  /** The cloud's id of the disk ("" when not a cloud disk). */
  volumeId: string;
}

export interface SnapshotInput {
  cluster: string;
  node: string;
  nodeInfo: NodeInfo;
  agentVersion: string;
  intervalMs: number;
  /** Start of the accumulation period (the last published window end, or the agent's start). */
  fromMs: number;
  /** The window boundary being closed (aligned to intervalMs). */
  toMs: number;
  sampledAtMs: number;
  rates: ReadonlyMap<string, PodRates>;
  pods: readonly PodMeta[];
  volumeOf: (namespace: string, claim: string) => ClaimedVolume | undefined;
  /** At most this many windows before the last are rebuilt after a gap. */
  maxBackfillWindows: number;
}

export interface SnapshotBatch {
  snapshots: UsageSnapshot[];
  /** Windows of the gap that were too old to rebuild. */
  skippedWindows: number;
}

const ZERO: PodRates = { cpuCores: 0, memoryAvgBytes: 0, memoryMaxBytes: 0, rxRate: 0, txRate: 0, volumeUsed: new Map(), containers: new Map() };

function podUsage(pod: PodMeta, rates: PodRates, runningSeconds: number): PodUsage {
  return {
    ...podIdentity({ ...pod, runningSeconds }),
    cpuRequestCores: pod.cpuRequestCores,
    cpuLimitCores: pod.cpuLimitCores,
    memoryRequestBytes: pod.memoryRequestBytes,
    memoryLimitBytes: pod.memoryLimitBytes,
    gpuRequest: pod.gpuRequest,
    cpuUsageCores: rates.cpuCores,
    cpuCoreSeconds: rates.cpuCores * runningSeconds,
    memoryWorkingSetAvgBytes: rates.memoryAvgBytes,
    memoryWorkingSetMaxBytes: Math.round(rates.memoryMaxBytes),
    networkRxBytes: Math.round(rates.rxRate * runningSeconds),
    networkTxBytes: Math.round(rates.txRate * runningSeconds),
    restarts: pod.restarts,
    claims: pod.claims,
    containers: (pod.containers ?? []).map((c) => ({
      ...c,
      cpuUsageCores: rates.containers.get(c.name)?.cpuCores ?? 0,
      memoryWorkingSetMaxBytes: Math.round(rates.containers.get(c.name)?.memoryMaxBytes ?? 0),
    })),
  };
}

/**
 * The usage snapshots that close the period [fromMs, toMs): normally one window; after a gap
 * (agent restart) one per missed window, each with the period's average rates and the running
 * time each pod had in that window. Pods run in a window for the overlap of [start, end) with it.
 */
export function buildSnapshots(input: SnapshotInput): SnapshotBatch {
  const interval = input.intervalMs;
  const firstStart = Math.floor(input.fromMs / interval) * interval;
  const total = Math.max(1, Math.round((input.toMs - firstStart) / interval));
  const kept = Math.min(total, input.maxBackfillWindows + 1);
  const snapshots: UsageSnapshot[] = [];
  for (let i = total - kept; i < total; i++) {
    const start = firstStart + i * interval;
    const end = start + interval;
    const pods: PodUsage[] = [];
    const volumes = new Map<string, VolumeUsage>();
    for (const pod of input.pods) {
      if (pod.startMs === undefined || pod.startMs >= end || (pod.endMs !== undefined && pod.endMs <= start)) continue;
      const running = (Math.min(end, pod.endMs ?? end) - Math.max(start, pod.startMs)) / 1000;
      if (running <= 0) continue;
      const rates = input.rates.get(pod.uid) ?? ZERO;
      pods.push(podUsage(pod, rates, running));
      for (const claim of pod.claims) {
        const pv = input.volumeOf(pod.namespace, claim);
        if (pv === undefined || volumes.has(pv.pvName)) continue;
        volumes.set(pv.pvName, {
          pvName: pv.pvName,
          storageClass: pv.storageClass,
          capacityBytes: pv.capacityBytes,
          volumeId: pv.volumeId,
          claimNamespace: pod.namespace,
          claimName: claim,
          usedBytes: Math.round(rates.volumeUsed.get(claim) ?? 0),
        });
      }
    }
    snapshots.push({
      cluster: input.cluster,
      node: input.node,
      windowStartMs: start,
      windowSeconds: interval / 1000,
      sampledAtMs: input.sampledAtMs,
      agentVersion: input.agentVersion,
      backfilled: i < total - 1,
      nodeInfo: input.nodeInfo,
      pods,
      volumes: [...volumes.values()],
    });
  }
  return { snapshots, skippedWindows: total - kept };
}
