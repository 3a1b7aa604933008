import type { PricedForRates } from "../codec/events.ts";
import { isVolumeInventory } from "../model/events.ts";

export interface NodeRate {
  cluster: string;
  node: string;
  provider: string;
  instanceType: string;
  capacityType: string;
  region: string;
  cpuCores: number;
  memoryGiB: number;
  gpus: number;
  hourlyCost: number;
  cpuCoreHourlyRate: number;
  ramGiBHourlyRate: number;
  gpuHourlyRate: number;
  priceSource: string;
  seenAtMs: number;
  /** What the node's pods request (from its newest priced window), and what its unrequested part costs. */
  cpuRequestedCores: number;
  memoryRequestedGiB: number;
  idleHourlyCost: number;
  /** What the node's window cost per hour: its pods (with their volumes and network) plus its idle. */
  totalHourlyCost: number;
  /** When the node's price was read (ms; spot prices move), from the priced snapshot. */
  priceAsOfMs: number;
}

/** Capacity-weighted average rates across nodes: what one more core or GiB costs in this cluster's mix. */
export interface AverageRates {
  cpuCoreHour: number;
  ramGiBHour: number;
  gpuHour: number;
  nodes: number;
}

/** The current price rates of every node, from the newest priced snapshot of each. */
export class NodeRates {
  private readonly byNode = new Map<string, NodeRate>();
  private readonly staleAfterMs: number;

  constructor(staleAfterMs: number) {
    this.staleAfterMs = staleAfterMs;
  }

  apply(p: PricedForRates, nowMs: number): void {
    if (isVolumeInventory(p)) return;
    const n = p.nodeCost;
    const hours = p.windowSeconds / 3600;
    this.byNode.set(`${p.cluster}\u0000${p.node}`, {
      cluster: p.cluster,
      node: p.node,
      provider: n.provider,
      instanceType: n.instanceType,
      capacityType: n.capacityType,
      region: n.region,
      cpuCores: n.cpuCores,
      memoryGiB: n.memoryBytes / 2 ** 30,
      gpus: n.gpus,
      hourlyCost: n.hourlyCost,
      cpuCoreHourlyRate: n.cpuCoreHourlyRate,
      ramGiBHourlyRate: n.ramGiBHourlyRate,
      gpuHourlyRate: n.gpuHourlyRate,
      priceSource: n.priceSource,
      seenAtMs: nowMs,
      cpuRequestedCores: hours > 0 ? p.pods.reduce((a, x) => a + x.cpuCoreRequestHours, 0) / hours : 0,
      memoryRequestedGiB: hours > 0 ? p.pods.reduce((a, x) => a + x.ramByteRequestHours, 0) / hours / 2 ** 30 : 0,
      idleHourlyCost: hours > 0 ? n.idleCost / hours : 0,
      totalHourlyCost: hours > 0 ? (p.pods.reduce((a, x) => a + x.totalCost, 0) + n.idleCost) / hours : 0,
      priceAsOfMs: n.priceAsOfMs,
    });
  }

  /** The last rates seen for a node, however old. */
  lookup(cluster: string, node: string): NodeRate | undefined {
    return this.byNode.get(`${cluster}\u0000${node}`);
  }

  /** A node's per-core and per-GiB hourly rates (what right-sizing prices a change at), however old. */
  rateOf(cluster: string, node: string): { cpuCoreHour: number; ramGiBHour: number } | undefined {
    const r = this.lookup(cluster, node);
    return r === undefined ? undefined : { cpuCoreHour: r.cpuCoreHourlyRate, ramGiBHour: r.ramGiBHourlyRate };
  }

  /** Nodes seen recently, optionally of one cluster. */
  current(nowMs: number, cluster?: string): NodeRate[] {
    return [...this.byNode.values()]
      .filter((r) => nowMs - r.seenAtMs <= this.staleAfterMs && (cluster === undefined || r.cluster === cluster))
      .sort((a, b) => a.cluster.localeCompare(b.cluster) || a.node.localeCompare(b.node));
  }

  average(nodes: readonly NodeRate[]): AverageRates {
    const cores = nodes.reduce((s, n) => s + n.cpuCores, 0);
    const gib = nodes.reduce((s, n) => s + n.memoryGiB, 0);
    const gpus = nodes.reduce((s, n) => s + n.gpus, 0);
    return {
      cpuCoreHour: cores > 0 ? nodes.reduce((s, n) => s + n.cpuCoreHourlyRate * n.cpuCores, 0) / cores : 0,
      ramGiBHour: gib > 0 ? nodes.reduce((s, n) => s + n.ramGiBHourlyRate * n.memoryGiB, 0) / gib : 0,
      gpuHour: gpus > 0 ? nodes.reduce((s, n) => s + n.gpuHourlyRate * n.gpus, 0) / gpus : 0,
      nodes: nodes.length,
    };
  }
}
