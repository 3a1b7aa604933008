import type { UsageSnapshot } from "../../model/events.ts";

const finiteNonNegative = (n: number): boolean => Number.isFinite(n) && n >= 0;

/**
 * Checks what the schema cannot: sane numbers and a consistent window. Returns the first problem
 * found, or undefined when the snapshot can be priced.
 */
export function usageProblem(s: UsageSnapshot): string | undefined {
  if (s.windowSeconds <= 0) return `windowSeconds is ${s.windowSeconds}`;
  if (s.windowStartMs % (s.windowSeconds * 1000) !== 0) return "windowStartMs is not aligned to windowSeconds";
  const n = s.nodeInfo;
  for (const [field, value] of [["cpuCores", n.cpuCores], ["memoryBytes", n.memoryBytes], ["gpus", n.gpus]] as const) {
    if (!finiteNonNegative(value)) return `nodeInfo.${field} is ${value}`;
  }
  const slack = s.windowSeconds + 1;
  for (const p of s.pods) {
    const numbers: Array<[string, number]> = [
      ["runningSeconds", p.runningSeconds],
      ["cpuRequestCores", p.cpuRequestCores],
      ["cpuCoreSeconds", p.cpuCoreSeconds],
      ["memoryRequestBytes", p.memoryRequestBytes],
      ["memoryWorkingSetAvgBytes", p.memoryWorkingSetAvgBytes],
      ["networkTxBytes", p.networkTxBytes],
      ["gpuRequest", p.gpuRequest],
    ];
    for (const [field, value] of numbers) {
      if (!finiteNonNegative(value)) return `pod ${p.namespace}/${p.name}: ${field} is ${value}`;
    }
    if (p.runningSeconds > slack) return `pod ${p.namespace}/${p.name}: runningSeconds ${p.runningSeconds} exceeds the window`;
  }
  for (const v of s.volumes) {
    if (!finiteNonNegative(v.capacityBytes)) return `volume ${v.pvName}: capacityBytes is ${v.capacityBytes}`;
  }
  return undefined;
}
