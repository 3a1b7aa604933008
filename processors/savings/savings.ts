import type { PricedForSavings } from "../../codec/events.ts";
import type { NamespaceSavings, SavingsReport } from "../../model/events.ts";

export const IDLE_NAMESPACE = "__idle__";

/**
 * Spot savings of one priced snapshot. Spot nodes realise (on-demand − price paid) × hours;
 * on-demand nodes could save (on-demand − spot) × hours. Both are attributed to namespaces by
 * their share of the node's compute cost; the unallocated share goes to `__idle__`.
 * Nodes of unknown capacity type save nothing (we cannot tell what they pay).
 */
/** A node's savings over one window (USD): realised if spot, potential if on-demand. */
export function nodeSavings(priced: Omit<PricedForSavings, "pods">): { realised: number; potential: number } {
  const n = priced.nodeCost;
  const hours = priced.windowSeconds / 3600;
  const realised = n.capacityType === "SPOT" && n.onDemandHourlyCost > n.hourlyCost ? (n.onDemandHourlyCost - n.hourlyCost) * hours : 0;
  const potential =
    n.capacityType === "ON_DEMAND" && n.spotHourlyCost > 0 && n.spotHourlyCost < n.onDemandHourlyCost
      ? (n.onDemandHourlyCost - n.spotHourlyCost) * hours
      : 0;
  return { realised, potential };
}

/** The cost a node's savings are shared by: its pods' compute cost plus its idle cost. */
export function savingsDenominator(priced: PricedForSavings): number {
  return priced.pods.reduce((s, p) => s + p.cpuCost + p.ramCost + p.gpuCost, 0) + priced.nodeCost.idleCost;
}

export function savingsFor(priced: PricedForSavings): SavingsReport {
  const n = priced.nodeCost;
  const { realised, potential } = nodeSavings(priced);

  const compute = new Map<string, number>();
  for (const pod of priced.pods) {
    compute.set(pod.namespace, (compute.get(pod.namespace) ?? 0) + pod.cpuCost + pod.ramCost + pod.gpuCost);
  }
  const denominator = savingsDenominator(priced);
  const byNamespace: NamespaceSavings[] = [];
  if (denominator > 0 && (realised > 0 || potential > 0)) {
    for (const [namespace, cost] of [...compute.entries(), [IDLE_NAMESPACE, n.idleCost] as const]) {
      const share = cost / denominator;
      if (share > 0) byNamespace.push({ namespace, realisedSavings: realised * share, potentialSavings: potential * share });
    }
  }
  return {
    cluster: priced.cluster,
    node: priced.node,
    windowStartMs: priced.windowStartMs,
    windowSeconds: priced.windowSeconds,
    instanceType: n.instanceType,
    capacityType: n.capacityType,
    onDemandHourlyCost: n.onDemandHourlyCost,
    spotHourlyCost: n.spotHourlyCost,
    priceSource: n.priceSource,
    realisedSavings: realised,
    potentialSavings: potential,
    byNamespace,
  };
}
