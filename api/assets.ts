import { activeSpan, spanWithin } from "./allocation.ts";
import type { NodeRate } from "./rates.ts";
import type { RollupIndex } from "./rollup-index.ts";
import { rfc3339, type TimeRange } from "./window.ts";

/** OpenCost's cost breakdown of a node resource: shares of idle, system, user and other (sum 1). */
interface Breakdown {
  idle: number;
  other: number;
  system: number;
  user: number;
}

interface AssetProperties {
  category: string;
  provider: string;
  service: string;
  cluster: string;
  name: string;
  providerID: string;
}

/** What every asset in OpenCost's asset JSON has. */
interface AssetBase {
  properties: AssetProperties;
  labels: Record<string, string>;
  window: { start: string; end: string };
  start: string;
  end: string;
  minutes: number;
  adjustment: number;
  totalCost: number;
}

/** A node in OpenCost's asset JSON (`kubectl cost node` reads it into its AssetNode struct). */
export interface NodeAsset extends AssetBase {
  type: "Node";
  nodeType: string;
  cpuCores: number;
  ramBytes: number;
  cpuCoreHours: number;
  ramByteHours: number;
  GPUHours: number;
  cpuBreakdown: Breakdown;
  ramBreakdown: Breakdown;
  preemptible: number;
  discount: number;
  cpuCost: number;
  gpuCost: number;
  gpuCount: number;
  ramCost: number;
}

/** A persistent volume in OpenCost's asset JSON. */
export interface DiskAsset extends AssetBase {
  type: "Disk";
  storageClass: string;
  volumeName: string;
  claimName: string;
  claimNamespace: string;
}

export type Asset = NodeAsset | DiskAsset;

export interface AssetQuery {
  range: TimeRange;
  /** Asset types to return (OpenCost's `filterTypes`): Node, Disk; empty = all. */
  types: ReadonlySet<string>;
  /** Capacity of a node, when a recent priced snapshot told us. */
  capacity: (cluster: string, node: string) => Pick<NodeRate, "cpuCores" | "memoryGiB" | "gpus"> | undefined;
}

const share = (part: number, whole: number): number => (whole > 0 ? Math.min(1, Math.max(0, part / whole)) : 0);
const breakdown = (idle: number, whole: number): Breakdown => {
  const i = share(idle, whole);
  return { idle: i, other: 0, system: 0, user: whole > 0 ? 1 - i : 0 };
};

/** Nodes and disks over a range from the rollups' node and volume rows, keyed `<cluster>/<name>`. */
export function computeAssets(index: RollupIndex, q: AssetQuery, nowMs: number): { covered: TimeRange; assets: Map<string, Asset> } {
  const plan = index.plan(q.range, nowMs);
  const want = (type: string): boolean => q.types.size === 0 || q.types.has(type);
  const window = { start: rfc3339(plan.covered.startMs), end: rfc3339(plan.covered.endMs) };
  const nodes = new Map<string, { asset: NodeAsset; firstMs: number; lastMs: number; idleCpu: number; idleRam: number }>();
  const disks = new Map<string, { asset: DiskAsset; firstMs: number; lastMs: number }>();
  for (const w of plan.windows) {
    if (want("Node")) for (const n of w.nodes) {
      const key = `${w.cluster}/${n.node}`;
      const known = nodes.get(key);
      const entry = known ?? { asset: emptyNode(w.cluster, n.node, n.providerId, n.instanceType, n.capacityType === "SPOT", window), firstMs: Infinity, lastMs: -Infinity, idleCpu: 0, idleRam: 0 };
      const a = entry.asset;
      const cap = q.capacity(w.cluster, n.node);
      a.cpuCost += n.cpuCost;
      a.ramCost += n.ramCost;
      a.gpuCost += n.gpuCost;
      a.totalCost += n.nodeCost;
      a.cpuCoreHours += (cap?.cpuCores ?? 0) * n.hours;
      a.ramByteHours += (cap?.memoryGiB ?? 0) * 2 ** 30 * n.hours;
      a.GPUHours += (cap?.gpus ?? 0) * n.hours;
      entry.idleCpu += n.idleCpuCost;
      entry.idleRam += n.idleRamCost;
      const span = activeSpan(w, n.hours, plan.covered.endMs);
      entry.firstMs = Math.min(entry.firstMs, span.startMs);
      entry.lastMs = Math.max(entry.lastMs, span.endMs);
      nodes.set(key, entry);
    }
    if (want("Disk")) for (const v of w.volumes) {
      const key = `${w.cluster}/${v.pvName}`;
      const entry = disks.get(key) ?? {
        asset: {
          type: "Disk" as const,
          properties: { category: "Storage", provider: "", service: "Kubernetes", cluster: w.cluster, name: v.pvName, providerID: v.volumeId },
          labels: {}, window, start: "", end: "", minutes: 0,
          storageClass: v.storageClass, volumeName: v.pvName, claimName: v.claimName, claimNamespace: v.claimNamespace, adjustment: 0, totalCost: 0,
        },
        firstMs: w.windowStartMs,
        lastMs: w.windowEndMs,
      };
      entry.asset.totalCost += v.cost;
      entry.firstMs = Math.min(entry.firstMs, w.windowStartMs);
      entry.lastMs = Math.max(entry.lastMs, w.windowEndMs);
      disks.set(key, entry);
    }
  }
  const out = new Map<string, Asset>();
  const span = (a: { start: string; end: string; minutes: number }, firstMs: number, lastMs: number): void => {
    const { startMs, endMs } = spanWithin(plan.covered, firstMs, lastMs);
    a.start = rfc3339(startMs);
    a.end = rfc3339(endMs);
    a.minutes = (endMs - startMs) / 60_000;
  };
  for (const [key, e] of nodes) {
    span(e.asset, e.firstMs, e.lastMs);
    const hours = e.asset.minutes / 60;
    e.asset.cpuCores = hours > 0 ? e.asset.cpuCoreHours / hours : 0;
    e.asset.ramBytes = hours > 0 ? e.asset.ramByteHours / hours : 0;
    e.asset.gpuCount = hours > 0 ? e.asset.GPUHours / hours : 0;
    e.asset.cpuBreakdown = breakdown(e.idleCpu, e.asset.cpuCost);
    e.asset.ramBreakdown = breakdown(e.idleRam, e.asset.ramCost);
    out.set(key, e.asset);
  }
  for (const [key, e] of disks) {
    span(e.asset, e.firstMs, e.lastMs);
    out.set(key, e.asset);
  }
  return { covered: plan.covered, assets: out };
}

function emptyNode(cluster: string, node: string, providerId: string, instanceType: string, spot: boolean, window: { start: string; end: string }): NodeAsset {
  return {
    type: "Node",
    properties: { category: "Compute", provider: "", service: "Kubernetes", cluster, name: node, providerID: providerId },
    labels: {},
    window,
    start: "",
    end: "",
    minutes: 0,
    nodeType: instanceType,
    cpuCores: 0,
    ramBytes: 0,
    cpuCoreHours: 0,
    ramByteHours: 0,
    GPUHours: 0,
    cpuBreakdown: { idle: 0, other: 0, system: 0, user: 0 },
    ramBreakdown: { idle: 0, other: 0, system: 0, user: 0 },
    preemptible: spot ? 1 : 0,
    discount: 0,
    cpuCost: 0,
    gpuCost: 0,
    gpuCount: 0,
    ramCost: 0,
    adjustment: 0,
    totalCost: 0,
  };
}
