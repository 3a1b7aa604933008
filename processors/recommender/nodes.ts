import type { NodeRate } from "../../api/rates.ts";
import type { PriceCatalog } from "../../pricing/catalog/catalog.ts";

/**
 * Node right-sizing: nodes whose capacity sits mostly unrequested, and the cheapest instance types of the
 * price book (same region) that would still hold what is scheduled on them, with `headroomPct` to spare —
 * in the node's own family (the safest move) and in any family — on-demand, and spot where the book lists it.
 */

const HOURS_PER_MONTH = 730;

export interface NodeSizingConfig {
  /** A node is worth resizing when its pods request less than this share of its CPU and of its memory. */
  underusedPct: number;
  /** Room kept above the scheduled requests when choosing a smaller shape. */
  headroomPct: number;
}

export interface NodeOption {
  instanceType: string;
  vcpus: number;
  memoryGiB: number;
  hourlyUsd: number;
  monthlySavingsUsd: number;
  capacityType: "on-demand" | "spot";
}

export interface NodeRecommendation {
  cluster: string;
  node: string;
  instanceType: string;
  capacityType: string;
  region: string;
  cpuCores: number;
  memoryGiB: number;
  cpuRequestedCores: number;
  memoryRequestedGiB: number;
  /** Requested share of the node, the larger of CPU and memory, %. */
  requestedPct: number;
  hourlyUsd: number;
  idleMonthlyUsd: number;
  sameFamily?: NodeOption | undefined;
  anyFamily?: NodeOption | undefined;
  spot?: NodeOption | undefined;
}

function familyOf(instanceType: string): string {
  // AWS m5.xlarge → m5; GCP n2-standard-4 → n2-standard; Azure Standard_D4s_v3 → Standard_D*s_v3.
  if (instanceType.includes(".")) return instanceType.split(".")[0] ?? instanceType;
  if (instanceType.startsWith("Standard_")) return instanceType.replace(/\d+/, "*");
  return instanceType.replace(/-\d+$/, "");
}

export function rightSizeNodes(nodes: readonly NodeRate[], catalog: PriceCatalog, cfg: NodeSizingConfig): NodeRecommendation[] {
  const out: NodeRecommendation[] = [];
  for (const n of nodes) {
    if (n.cpuCores <= 0 || n.memoryGiB <= 0) continue;
    const requestedPct = 100 * Math.max(n.cpuRequestedCores / n.cpuCores, n.memoryRequestedGiB / n.memoryGiB);
    if (requestedPct >= cfg.underusedPct) continue;
    const needCpu = n.cpuRequestedCores * (1 + cfg.headroomPct / 100);
    const needMem = n.memoryRequestedGiB * (1 + cfg.headroomPct / 100);
    const spotNode = n.capacityType.toUpperCase() === "SPOT";
    const rec: NodeRecommendation = {
      cluster: n.cluster, node: n.node, instanceType: n.instanceType, capacityType: n.capacityType, region: n.region, cpuCores: n.cpuCores, memoryGiB: n.memoryGiB,
      cpuRequestedCores: n.cpuRequestedCores, memoryRequestedGiB: n.memoryRequestedGiB, requestedPct, hourlyUsd: n.hourlyCost, idleMonthlyUsd: n.idleHourlyCost * HOURS_PER_MONTH,
    };
    const family = familyOf(n.instanceType);
    const consider = (type: string, price: number, capacityType: NodeOption["capacityType"], shape: [number, number, number]): NodeOption | undefined => {
      const [vcpus, gib, gpus] = shape;
      if (vcpus < needCpu || gib < needMem || gpus < n.gpus || price >= n.hourlyCost) return undefined;
      return { instanceType: type, vcpus, memoryGiB: gib, hourlyUsd: price, monthlySavingsUsd: (n.hourlyCost - price) * HOURS_PER_MONTH, capacityType };
    };
    const better = (a: NodeOption | undefined, b: NodeOption | undefined) => (b !== undefined && (a === undefined || b.hourlyUsd < a.hourlyUsd) ? b : a);
    for (const type of catalog.instanceTypes(n.provider, n.region)) {
      const entry = catalog.lookup(n.provider, n.region, type);
      if (entry === undefined || entry.shape === undefined || entry.currency !== "USD") continue;
      const onDemand = consider(type, entry.onDemand, "on-demand", entry.shape);
      if (!spotNode) {
        rec.anyFamily = better(rec.anyFamily, onDemand);
        if (familyOf(type) === family) rec.sameFamily = better(rec.sameFamily, onDemand);
      }
      if (entry.spot !== undefined) rec.spot = better(rec.spot, consider(type, entry.spot, "spot", entry.shape));
    }
    if (rec.sameFamily !== undefined || rec.anyFamily !== undefined || rec.spot !== undefined) out.push(rec);
  }
  return out.sort((a, b) => b.idleMonthlyUsd - a.idleMonthlyUsd);
}
