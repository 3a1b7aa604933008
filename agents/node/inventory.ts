import type { Lease } from "../../bus/lease.ts";
import { VOLUMES_NODE, type NodeInfo, type UsageSnapshot, type VolumeUsage } from "../../model/events.ts";
import type { Logger } from "../../telemetry/log.ts";

export interface InventoryInput {
  cluster: string;
  /** The reporting agent's node: its cloud, region and zone price the volumes. */
  nodeInfo: NodeInfo;
  agentVersion: string;
  windowStartMs: number;
  windowSeconds: number;
  sampledAtMs: number;
  volumes: VolumeUsage[];
}

/** The cluster's volume inventory for one window: every PV, no pods, on the reserved node {@link VOLUMES_NODE}. */
export function inventorySnapshot(input: InventoryInput): UsageSnapshot {
  const n = input.nodeInfo;
  return {
    cluster: input.cluster,
    node: VOLUMES_NODE,
    windowStartMs: input.windowStartMs,
    windowSeconds: input.windowSeconds,
    sampledAtMs: input.sampledAtMs,
    agentVersion: input.agentVersion,
    backfilled: false,
    nodeInfo: { provider: n.provider, providerId: "", instanceType: "", region: n.region, zone: n.zone, capacityType: "UNKNOWN", cpuCores: 0, memoryBytes: 0, gpus: 0, nodePool: "", gpuType: "" },
    pods: [],
    volumes: input.volumes,
  };
}

/**
 * Decides whether this agent publishes the cluster's volume inventory: the one holding the lease does.
 * A holder that dies (kill -9, node lost) keeps the lease until it expires, and another agent takes it at
 * its next window boundary after that, so up to lease-time + one interval of windows may lack an
 * inventory. The new holder therefore also reports those windows (copies the old holder did publish are
 * dropped by their message id, or by the rollup as already folded): a take-over loses no volume cost.
 */
export class VolumeReporter {
  private readonly lease: Lease;
  private readonly log: Logger;
  private readonly leaseMs: number;
  private holding = false;

  constructor(lease: Lease, leaseMs: number, log: Logger) {
    this.lease = lease;
    this.leaseMs = leaseMs;
    this.log = log;
  }

  /** Window starts to report at the close of the window starting at `windowStartMs`: none, it, or (just taken over) it and the ones a dead holder may have missed. */
  async windowsFor(windowStartMs: number, intervalMs: number): Promise<number[]> {
    if (this.holding) return [windowStartMs];
    if (!(await this.lease.tryAcquire().catch(() => false))) return [];
    this.holding = true;
    this.log.info("this agent now publishes the cluster's volume inventory (holds the volume lease)");
    this.lease.keep((why) => {
      this.holding = false;
      this.log.warn("volume lease lost; another agent publishes the inventory", { why });
    });
    const missed = Math.ceil(this.leaseMs / intervalMs) + 1;
    return Array.from({ length: missed + 1 }, (_, i) => windowStartMs - (missed - i) * intervalMs);
  }

  async stop(): Promise<void> {
    if (!this.holding) return;
    this.holding = false;
    await this.lease.release(true);
  }
}
