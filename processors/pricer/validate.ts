import { isVolumeInventory, type UsageSnapshot } from "../../model/events.ts";

/**
 * Physical bounds a usage snapshot must keep to be priced (pricer/README.md "Plausibility"). They are
 * far above any real node (the largest clouds' VMs: 896 vCPUs, 32 TiB, 16 GPUs) and exist so that a
 * corrupt or hostile event cannot inflate or erase money: with them, no total can overflow.
 */
export const BOUNDS = {
  /** Node capacity. */
  maxNodeCores: 4096,
  maxNodeMemoryBytes: 64 * 2 ** 40,
  maxNodeGpus: 64,
  /** Usage may exceed capacity × window by this factor (counter timing), no more. */
  usageTolerance: 1.1,
  /** A pod's requests cannot exceed what its node has (the scheduler would not place it), give or take this. */
  requestTolerance: 1.01,
  /** 400 Gbit/s, the fastest cloud NIC, in bytes per second. */
  maxNetworkBytesPerSecond: 50e9,
  /** A volume (EBS 64 TiB, Azure 32 TiB; network file systems larger). */
  maxVolumeBytes: 2 ** 50,
  maxWindowSeconds: 3600,
} as const;

export interface UsageProblem {
  /** Short reason: the DLQ header and the `error_type` label. */
  reason: "invalid_usage" | "implausible_usage" | "node_capacity" | "future_window";
  detail: string;
}

const finiteNonNegative = (n: number): boolean => Number.isFinite(n) && n >= 0;
const problem = (reason: UsageProblem["reason"], detail: string): UsageProblem => ({ reason, detail });

function windowProblem(s: UsageSnapshot, nowMs: number, maxSkewMs: number): UsageProblem | undefined {
  if (!Number.isInteger(s.windowSeconds) || s.windowSeconds <= 0 || s.windowSeconds > BOUNDS.maxWindowSeconds || BOUNDS.maxWindowSeconds % s.windowSeconds !== 0) {
    return problem("invalid_usage", `windowSeconds is ${s.windowSeconds}; agents publish windows of 1 to 3600 s that divide an hour`);
  }
  if (s.windowStartMs % (s.windowSeconds * 1000) !== 0) return problem("invalid_usage", "windowStartMs is not aligned to windowSeconds");
  const ahead = futureWindow(s, nowMs, maxSkewMs);
  return ahead === undefined ? undefined : problem("future_window", ahead);
}

/**
 * Why a window ends too far in the future (more than `maxSkewMs` after `nowMs`), or undefined. The
 * pricer and the rollup refuse such windows alike: a node clock running ahead must not close others' windows.
 */
export function futureWindow(w: { windowStartMs: number; windowSeconds: number }, nowMs: number, maxSkewMs: number): string | undefined {
  const endMs = w.windowStartMs + w.windowSeconds * 1000;
  if (endMs <= nowMs + maxSkewMs) return undefined;
  return `the window ends at ${new Date(endMs).toISOString()}, more than ${maxSkewMs / 1000} s after now (${new Date(nowMs).toISOString()}): the node's clock is ahead (clock.maxSkewSeconds)`;
}

function nodeProblem(s: UsageSnapshot): UsageProblem | undefined {
  const n = s.nodeInfo;
  for (const [field, value] of [["cpuCores", n.cpuCores], ["memoryBytes", n.memoryBytes], ["gpus", n.gpus]] as const) {
    if (!finiteNonNegative(value)) return problem("invalid_usage", `nodeInfo.${field} is ${value}`);
  }
  if (n.cpuCores <= 0 || n.memoryBytes <= 0) return problem("node_capacity", `node ${s.node} reports ${n.cpuCores} cores and ${n.memoryBytes} bytes: a node without capacity cannot be priced (its cost would vanish)`);
  if (n.cpuCores > BOUNDS.maxNodeCores || n.memoryBytes > BOUNDS.maxNodeMemoryBytes || n.gpus > BOUNDS.maxNodeGpus) {
    return problem("implausible_usage", `node ${s.node} reports ${n.cpuCores} cores, ${n.memoryBytes} bytes, ${n.gpus} GPUs: beyond any real node`);
  }
  return undefined;
}

/** The numbers of a pod that must be finite and non-negative. */
const POD_NUMBERS = ["runningSeconds", "cpuRequestCores", "cpuCoreSeconds", "memoryRequestBytes", "memoryWorkingSetAvgBytes", "networkTxBytes", "gpuRequest"] as const;

/** Why one pod's numbers are out of bounds for its node, or undefined. Messages are built only for a pod that fails (this runs for every pod). */
function podProblem(s: UsageSnapshot, p: UsageSnapshot["pods"][number], maxCoreSeconds: number): UsageProblem | undefined {
  const n = s.nodeInfo;
  const who = () => `pod ${p.namespace}/${p.name}`;
  for (const field of POD_NUMBERS) {
    if (!finiteNonNegative(p[field])) return problem("invalid_usage", `${who()}: ${field} is ${p[field]}`);
  }
  if (p.runningSeconds > s.windowSeconds + 1) return problem("invalid_usage", `${who()}: runningSeconds ${p.runningSeconds} exceeds the window`);
  const implausible = (detail: string) => problem("implausible_usage", `${who()}: ${detail}`);
  if (p.cpuCoreSeconds > maxCoreSeconds) return implausible(`cpuCoreSeconds ${p.cpuCoreSeconds} > ${n.cpuCores} cores × ${s.windowSeconds} s`);
  if (p.cpuRequestCores > n.cpuCores * BOUNDS.requestTolerance) return implausible(`cpuRequestCores ${p.cpuRequestCores} > the node's ${n.cpuCores} cores`);
  if (p.memoryRequestBytes > n.memoryBytes * BOUNDS.requestTolerance) return implausible(`memoryRequestBytes ${p.memoryRequestBytes} > the node's ${n.memoryBytes}`);
  if (p.memoryWorkingSetAvgBytes > n.memoryBytes * BOUNDS.usageTolerance) return implausible(`memoryWorkingSetAvgBytes ${p.memoryWorkingSetAvgBytes} > the node's ${n.memoryBytes}`);
  if (p.gpuRequest > n.gpus) return implausible(`gpuRequest ${p.gpuRequest} > the node's ${n.gpus} GPUs`);
  if (p.networkTxBytes > BOUNDS.maxNetworkBytesPerSecond * s.windowSeconds) return implausible(`networkTxBytes ${p.networkTxBytes} in ${s.windowSeconds} s is faster than any NIC`);
  return undefined;
}

/** Per-pod bounds against the node's capacity; also the node-wide usage sums. */
function podsProblem(s: UsageSnapshot): UsageProblem | undefined {
  const n = s.nodeInfo;
  const maxCoreSeconds = n.cpuCores * s.windowSeconds * BOUNDS.usageTolerance;
  let coreSeconds = 0;
  for (const p of s.pods) {
    const bad = podProblem(s, p, maxCoreSeconds);
    if (bad !== undefined) return bad;
    coreSeconds += p.cpuCoreSeconds;
  }
  if (coreSeconds > maxCoreSeconds) return problem("implausible_usage", `pods used ${coreSeconds} core-seconds in ${s.windowSeconds} s on a ${n.cpuCores}-core node`);
  return undefined;
}

/** A volume inventory lists volumes only: pods in it would be charged with no node behind them. */
function inventoryProblem(s: UsageSnapshot): UsageProblem | undefined {
  if (s.pods.length > 0) return problem("invalid_usage", `the volume inventory ${s.node} lists ${s.pods.length} pods; it carries volumes only`);
  const names = new Set<string>();
  for (const v of s.volumes) {
    if (names.has(v.pvName)) return problem("invalid_usage", `the volume inventory lists ${v.pvName} twice (it would be charged twice)`);
    names.add(v.pvName);
  }
  return undefined;
}

/**
 * Checks what the schema cannot: sane numbers, a consistent window that has ended (give or take the
 * clock skew), and usage a real node could have. Returns the first problem found, or undefined when
 * the snapshot can be priced.
 */
export function usageProblem(s: UsageSnapshot, nowMs: number = Date.now(), maxSkewMs: number = 120_000): UsageProblem | undefined {
  const early = windowProblem(s, nowMs, maxSkewMs) ?? (isVolumeInventory(s) ? inventoryProblem(s) : (nodeProblem(s) ?? podsProblem(s)));
  if (early !== undefined) return early;
  for (const v of s.volumes) {
    if (!finiteNonNegative(v.capacityBytes)) return problem("invalid_usage", `volume ${v.pvName}: capacityBytes is ${v.capacityBytes}`);
    if (v.capacityBytes > BOUNDS.maxVolumeBytes) return problem("implausible_usage", `volume ${v.pvName}: capacityBytes ${v.capacityBytes} is over 1 PiB`);
  }
  return undefined;
}
