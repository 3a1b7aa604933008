import { isVolumeInventory, VOLUMES_NODE, type CostRollup, type PricedSnapshotView, type SavingsReport } from "../../model/events.ts";
import { HOURS_PER_MONTH } from "../../pricing/defaults.ts";
import { VERSION } from "../../model/version.ts";
import { costFamilies, type CostFamilies } from "./families.ts";
import { escapeLabel, lineWith, sampleLine } from "./text-format.ts";
import { WorkloadHours, type HourUse, type WorkloadUse } from "./workload-hours.ts";

const HOUR_MS = 3_600_000;

interface NodeEntry {
  windowStartMs: number;
  seenAtMs: number;
}

interface HourWindow {
  rev: number;
  byNamespace: Map<string, number>;
  /** namespace → cost by resource (cpu, ram, gpu, pv, network). */
  resources: Map<string, Record<Resource, number>>;
  /** controllers' requested and used core- and byte-hours, packed (workload-hours.ts). */
  workloads: HourUse;
}

type Resource = "cpu" | "ram" | "gpu" | "pv" | "network";

const RESOURCES: Resource[] = ["cpu", "ram", "gpu", "pv", "network"];

export interface CostViewOptions {
  staleAfterMs: number;
  namespaceDailyHours: number;
  /** Serve OpenCost's per-pod allocation families (default true). */
  openCostAllocations?: boolean;
}

/**
 * The Prometheus sink's state: cost metrics as pre-rendered text, updated incrementally by
 * events. Per-node families are regrouped on each node's newest snapshot; per-cluster families
 * (namespace daily cost, spot savings) are re-rendered when their cluster changes.
 */
/** Spot savings counters: cluster → namespace → USD since the counter began. */
export type SavingsTotals = Record<string, Record<string, number>>;

export class CostView {
  readonly families: CostFamilies = costFamilies();
  /** Families grouped by cluster (from rollups and savings), not by node: never dropped with a node. */
  private readonly clusterFamilies = new Set<unknown>([
    this.families.namespaceDaily,
    this.families.spotSavings,
    this.families.namespaceResourceDaily,
    this.families.workloadCpuEfficiency,
    this.families.workloadMemoryEfficiency,
    this.families.buildInfo,
    this.families.namespaceLabels,
  ]);
  /** Namespaces with pods, per node group (kube_namespace_labels is their union per cluster). */
  private readonly namespacesOf = new Map<string, Set<string>>();
  private readonly options: CostViewOptions;
  private readonly nodes = new Map<string, NodeEntry>();
  /** Clusters whose volume inventory has arrived (and has not gone stale). */
  private readonly inventoryClusters = new Set<string>();
  /** Clusters whose opencost_build_info sample is rendered. */
  private readonly buildInfoClusters = new Set<string>();
  private readonly hours = new Map<string, Map<number, HourWindow>>();
  /** The controller rows of those hours (names shared by all of them). */
  private readonly workloadHours = new WorkloadHours();
  private readonly savings = new Map<string, Map<string, number>>();
  /** Savings reports already counted: cluster\0node → window start → when it was seen (dedupe of redeliveries). */
  private readonly savingsSeen = new Map<string, Map<number, number>>();
  /** The newest savings window seen, for forgetting ids by event time too (a replay brings hours at once). */
  private newestSavingsMs = 0;

  constructor(options: CostViewOptions) {
    this.options = options;
  }

  /** Replaces a node's pod, node and PV series with its newest snapshot. Older snapshots are ignored. */
  applyPriced(p: PricedSnapshotView, nowMs: number): void {
    const group = `${p.cluster}\u0000${p.node}`;
    const known = this.nodes.get(group);
    if (known !== undefined && known.windowStartMs > p.windowStartMs) return;
    this.nodes.set(group, { windowStartMs: p.windowStartMs, seenAtMs: nowMs });
    const f = this.families;
    const n = p.nodeCost;
    const cluster = p.cluster;
    // A volume inventory carries volumes only: it is not a node. Once a cluster has one, its PV series
    // come from it alone (a volume mounted on several nodes would otherwise be a duplicate series).
    if (isVolumeInventory(p)) {
      if (!this.inventoryClusters.has(cluster)) {
        this.inventoryClusters.add(cluster);
        for (const g of this.nodes.keys()) if (g.startsWith(`${cluster}\u0000`)) this.setVolumes(g, { ...p, volumes: [] });
      }
      this.setVolumes(group, p);
      return;
    }
    this.setVolumes(group, this.inventoryClusters.has(cluster) ? { ...p, volumes: [] } : p);
    const bodies = podBodies(p);
    this.setAllocations(group, p, bodies);

    const order = p.pods.map((_, i) => i).sort((i, j) => {
      const a = p.pods[i] as PodView;
      const b = p.pods[j] as PodView;
      return a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name);
    });
    f.podHourly.setGroup(group, order.map((i) => lineWith(f.podHourly.name, bodies[i] as string, (p.pods[i] as PodView).hourlyCost)).join(""));
    const base = [["cluster", cluster], ["node", p.node]] as const;
    f.nodeHourly.setGroup(group, sampleLine(f.nodeHourly.name, [...base, ["instance_type", n.instanceType], ["capacity_type", n.capacityType]], n.hourlyCost));
    const hours = p.windowSeconds / 3600;
    f.nodeIdleHourly.setGroup(group, sampleLine(f.nodeIdleHourly.name, base, hours > 0 ? n.idleCost / hours : 0));
    f.nodePriceAsOf.setGroup(group, sampleLine(f.nodePriceAsOf.name, [...base, ["price_source", n.priceSource]], n.priceAsOfMs / 1000));
    const potential =
      n.capacityType === "ON_DEMAND" && n.spotHourlyCost > 0 ? Math.max(0, n.onDemandHourlyCost - n.spotHourlyCost) : 0;
    f.spotPotential.setGroup(group, sampleLine(f.spotPotential.name, [...base, ["instance_type", n.instanceType]], potential));

    const oc = [
      ["cluster", cluster], ["node", p.node], ["instance", p.node], ["instance_type", n.instanceType],
      ["region", n.region], ["provider_id", n.providerId],
    ] as const;
    f.nodeTotal.setGroup(group, sampleLine(f.nodeTotal.name, oc, n.hourlyCost));
    f.nodeCpu.setGroup(group, sampleLine(f.nodeCpu.name, oc, n.cpuCoreHourlyRate));
    f.nodeRam.setGroup(group, sampleLine(f.nodeRam.name, oc, n.ramGiBHourlyRate));
    // OpenCost emits node_gpu_hourly_cost for every node (0 without GPUs); dashboards sum it per node.
    f.nodeGpu.setGroup(group, sampleLine(f.nodeGpu.name, oc, n.gpus > 0 ? n.gpuHourlyRate : 0));
    f.nodeIsSpot.setGroup(group, sampleLine(f.nodeIsSpot.name, oc, n.capacityType === "SPOT" ? 1 : 0));
  }

  /** OpenCost's per-pod allocation series and the node's capacity series. */
  private setAllocations(group: string, p: PricedSnapshotView, bodies: readonly string[]): void {
    const f = this.families;
    const cluster = p.cluster;
    const n = p.nodeCost;
    const cpu: string[] = [];
    const ram: string[] = [];
    const gpu: string[] = [];
    const pvc: string[] = [];
    const allocations = this.options.openCostAllocations ?? true;
    const gpuFree = new Set<string>();
    const byClaim = new Map(p.volumes.map((v) => [`${v.claimNamespace}/${v.claimName}`, v]));
    const instance = `,instance="${escapeLabel(p.node)}"`;
    for (const [i, pod] of p.pods.entries()) {
      const hours = pod.runningSeconds / 3600;
      if (hours <= 0) continue;
      if (allocations) {
        const body = bodies[i] + instance;
        cpu.push(lineWith(f.containerCpu.name, body, pod.cpuCoreHours / hours));
        ram.push(lineWith(f.containerMemory.name, body, pod.ramByteHours / hours));
        if (pod.gpuHours > 0) gpu.push(lineWith(f.containerGpu.name, body, pod.gpuHours / hours));
        else gpuFree.add(pod.namespace);
      }
      for (const claim of pod.claims ?? []) {
        const v = byClaim.get(`${pod.namespace}/${claim}`);
        if (v !== undefined) pvc.push(sampleLine(f.podPvc.name, [["cluster", cluster], ["namespace", pod.namespace], ["pod", pod.name], ["persistentvolumeclaim", claim], ["persistentvolume", v.pvName]], v.capacityBytes));
      }
    }
    // OpenCost writes a 0 for every container without GPUs; its dashboards add the GPU term to CPU and RAM
    // by (namespace, instance), and an empty term empties the sum. One 0 per namespace and node is enough
    // for that and saves ~1.6 MB of exposition at 10k pods.
    for (const ns of gpuFree) gpu.push(sampleLine(f.containerGpu.name, [["cluster", cluster], ["namespace", ns], ["node", p.node], ["instance", p.node]], 0));
    f.containerCpu.setGroup(group, cpu.join(""));
    f.containerMemory.setGroup(group, ram.join(""));
    f.containerGpu.setGroup(group, gpu.join(""));
    f.podPvc.setGroup(group, pvc.join(""));
    const node = [["cluster", cluster], ["node", p.node], ["instance", p.node]] as const;
    f.nodeCapacity.setGroup(
      group,
      sampleLine(f.nodeCapacity.name, [...node, ["resource", "cpu"], ["unit", "core"]], n.cpuCores) +
        sampleLine(f.nodeCapacity.name, [...node, ["resource", "memory"], ["unit", "byte"]], n.memoryBytes) +
        (n.gpus > 0 ? sampleLine(f.nodeCapacity.name, [...node, ["resource", "nvidia_com_gpu"], ["unit", "integer"]], n.gpus) : ""),
    );
    this.setClusterInfo(cluster, group, new Set(p.pods.map((x) => x.namespace)));
  }

  /** opencost_build_info once per cluster; kube_namespace_labels re-rendered when a cluster's namespaces change. */
  private setClusterInfo(cluster: string, group: string, namespaces: Set<string>): void {
    const f = this.families;
    if (!this.buildInfoClusters.has(cluster)) {
      this.buildInfoClusters.add(cluster);
      f.buildInfo.setGroup(cluster, sampleLine(f.buildInfo.name, [["cluster", cluster], ["version", VERSION]], 1));
    }
    const before = this.namespacesOf.get(group);
    if (before !== undefined && before.size === namespaces.size && [...namespaces].every((ns) => before.has(ns))) return;
    this.namespacesOf.set(group, namespaces);
    this.renderNamespaces(cluster);
  }

  private renderNamespaces(cluster: string): void {
    const all = new Set<string>();
    for (const [group, namespaces] of this.namespacesOf) if (group.startsWith(`${cluster}\u0000`)) for (const ns of namespaces) all.add(ns);
    const f = this.families.namespaceLabels;
    f.setGroup(cluster, [...all].sort().map((ns) => sampleLine(f.name, [["cluster", cluster], ["namespace", ns]], 1)).join(""));
  }

  /** PV series of a node snapshot or inventory. */
  private setVolumes(group: string, p: PricedSnapshotView): void {
    const f = this.families;
    const cluster = p.cluster;
    const volumes = [...p.volumes].sort((a, b) => a.pvName.localeCompare(b.pvName));
    f.pvMonthly.setGroup(
      group,
      volumes.map((v) => sampleLine(f.pvMonthly.name, [["cluster", cluster], ["pv_name", v.pvName], ["storage_class", v.storageClass]], v.monthlyCost)).join(""),
    );
    f.pvHourly.setGroup(
      group,
      volumes
        .map((v) => sampleLine(f.pvHourly.name, [["cluster", cluster], ["persistentvolume", v.pvName], ["volumename", v.pvName], ["provider_id", v.volumeId === "" ? v.pvName : v.volumeId]], v.gibMonthlyRate / HOURS_PER_MONTH))
        .join(""),
    );
    f.pvCapacity.setGroup(group, volumes.map((v) => sampleLine(f.pvCapacity.name, [["cluster", cluster], ["persistentvolume", v.pvName]], v.capacityBytes)).join(""));
    f.pvcInfo.setGroup(
      group,
      volumes
        .filter((v) => v.claimName !== "")
        .map((v) => sampleLine(f.pvcInfo.name, [["cluster", cluster], ["namespace", v.claimNamespace], ["persistentvolumeclaim", v.claimName], ["storageclass", v.storageClass], ["volumename", v.pvName]], 1))
        .join(""),
    );
  }

  /** Takes the newest revision of a 1h window and refreshes the cluster's 24-hour namespace totals. */
  applyHourlyRollup(r: CostRollup, nowMs: number): void {
    if (r.resolution !== "1h") return;
    const windows = this.hours.get(r.cluster) ?? new Map<number, HourWindow>();
    this.hours.set(r.cluster, windows);
    const known = windows.get(r.windowStartMs);
    if (known !== undefined && known.rev >= r.rev) return;
    const byNamespace = new Map<string, number>();
    const resources = new Map<string, Record<Resource, number>>();
    for (const row of r.rows) {
      if (row.dimension !== "namespace") continue;
      byNamespace.set(row.namespace, row.totalCost);
      resources.set(row.namespace, { cpu: row.cpuCost, ram: row.ramCost, gpu: row.gpuCost, pv: row.pvCost, network: row.networkCost });
    }
    if (known !== undefined) this.workloadHours.release(known.workloads);
    windows.set(r.windowStartMs, { rev: r.rev, byNamespace, resources, workloads: this.workloadHours.pack(r.rows) });
    this.renderNamespaceDaily(r.cluster, nowMs);
  }

  private renderNamespaceDaily(cluster: string, nowMs: number): void {
    const windows = this.hours.get(cluster);
    if (windows === undefined) return;
    const from = Math.floor(nowMs / HOUR_MS) * HOUR_MS - (this.options.namespaceDailyHours - 1) * HOUR_MS;
    const totals = new Map<string, number>();
    const resources = new Map<string, Record<Resource, number>>();
    for (const [start, window] of windows) {
      if (start < from) {
        windows.delete(start);
        this.workloadHours.release(window.workloads);
        continue;
      }
      for (const [ns, cost] of window.byNamespace) totals.set(ns, (totals.get(ns) ?? 0) + cost);
      for (const [ns, split] of window.resources) {
        const sum = resources.get(ns) ?? { cpu: 0, ram: 0, gpu: 0, pv: 0, network: 0 };
        for (const res of RESOURCES) sum[res] += split[res];
        resources.set(ns, sum);
      }
    }
    this.renderSplitAndEfficiency(cluster, resources, this.workloadHours.sum([...windows.values()].map((w) => w.workloads)));
    const f = this.families.namespaceDaily;
    const lines = [...totals.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([ns, cost]) => sampleLine(f.name, [["cluster", cluster], ["namespace", ns]], cost));
    f.setGroup(cluster, lines.join(""));
  }

  /** The 24-hour cost split by resource per namespace, and each workload's used ÷ requested CPU and memory. */
  private renderSplitAndEfficiency(cluster: string, resources: Map<string, Record<Resource, number>>, workloads: readonly WorkloadUse[]): void {
    const split = this.families.namespaceResourceDaily;
    const splitLines: string[] = [];
    for (const [ns, r] of [...resources].sort(([a], [b]) => a.localeCompare(b))) {
      for (const res of RESOURCES) if (r[res] !== 0 || res === "cpu" || res === "ram") splitLines.push(sampleLine(split.name, [["cluster", cluster], ["namespace", ns], ["resource", res]], r[res]));
    }
    split.setGroup(cluster, splitLines.join(""));
    const cpu = this.families.workloadCpuEfficiency;
    const ram = this.families.workloadMemoryEfficiency;
    const cpuLines: string[] = [];
    const ramLines: string[] = [];
    for (const w of [...workloads].sort((a, b) => `${a.namespace}/${a.kind}/${a.name}`.localeCompare(`${b.namespace}/${b.kind}/${b.name}`))) {
      const labels: Array<[string, string]> = [["cluster", cluster], ["namespace", w.namespace], ["controller_kind", w.kind], ["controller", w.name]];
      if (w.cpuRequest > 0) cpuLines.push(sampleLine(cpu.name, labels, w.cpuUsage / w.cpuRequest));
      if (w.ramRequest > 0) ramLines.push(sampleLine(ram.name, labels, w.ramUsage / w.ramRequest));
    }
    cpu.setGroup(cluster, cpuLines.join(""));
    ram.setGroup(cluster, ramLines.join(""));
  }

  /** Adds a report's realised savings to the per-namespace counters, once per report. */
  applySavings(s: SavingsReport, nowMs: number): void {
    const nodeKey = `${s.cluster}\u0000${s.node}`;
    const seen = this.savingsSeen.get(nodeKey) ?? new Map<number, number>();
    if (seen.has(s.windowStartMs)) return;
    seen.set(s.windowStartMs, nowMs);
    this.savingsSeen.set(nodeKey, seen);
    this.newestSavingsMs = Math.max(this.newestSavingsMs, s.windowStartMs);
    const counters = this.savings.get(s.cluster) ?? new Map<string, number>();
    this.savings.set(s.cluster, counters);
    for (const ns of s.byNamespace) {
      if (ns.realisedSavings > 0) counters.set(ns.namespace, (counters.get(ns.namespace) ?? 0) + ns.realisedSavings);
    }
    this.renderSavings(s.cluster);
  }

  private renderSavings(cluster: string): void {
    const f = this.families.spotSavings;
    const lines = [...(this.savings.get(cluster) ?? new Map<string, number>()).entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([ns, total]) => sampleLine(f.name, [["cluster", cluster], ["namespace", ns]], total));
    f.setGroup(cluster, lines.join(""));
  }

  /** The savings counters, USD per cluster and namespace (what a restarted sink restores). */
  savingsTotals(): SavingsTotals {
    const out: SavingsTotals = {};
    for (const [cluster, counters] of this.savings) out[cluster] = Object.fromEntries(counters);
    return out;
  }

  /** Starts the savings counters from saved totals (before replaying the reports that followed). */
  restoreSavings(totals: SavingsTotals): void {
    for (const [cluster, counters] of Object.entries(totals)) {
      this.savings.set(cluster, new Map(Object.entries(counters)));
      this.renderSavings(cluster);
    }
  }

  /** Drops nodes that stopped reporting, slides the 24-hour windows, forgets old savings ids. */
  expire(nowMs: number): void {
    for (const [group, entry] of this.nodes) {
      if (nowMs - entry.seenAtMs <= this.options.staleAfterMs) continue;
      this.nodes.delete(group);
      for (const family of Object.values(this.families)) {
        if (!this.clusterFamilies.has(family)) family.deleteGroup(group);
      }
      const cluster = group.slice(0, group.indexOf("\u0000"));
      // A stale inventory gives the PV series back to the nodes' snapshots (the next of each brings them).
      if (group === `${cluster}\u0000${VOLUMES_NODE}`) this.inventoryClusters.delete(cluster);
      if (this.namespacesOf.delete(group)) this.renderNamespaces(cluster);
      if (![...this.nodes.keys()].some((g) => g.startsWith(`${cluster}\u0000`))) {
        this.families.buildInfo.deleteGroup(cluster);
        this.buildInfoClusters.delete(cluster);
      }
    }
    for (const cluster of this.hours.keys()) this.renderNamespaceDaily(cluster, nowMs);
    // Redeliveries come within minutes: ids older than two hours, by processing or by event time, go.
    for (const [nodeKey, seen] of this.savingsSeen) {
      for (const [start, at] of seen) if (nowMs - at > 2 * HOUR_MS || this.newestSavingsMs - start > 2 * HOUR_MS) seen.delete(start);
      if (seen.size === 0) this.savingsSeen.delete(nodeKey);
    }
  }

  /**
   * Exposition text as one chunk per family, for writing to a socket without concatenating
   * megabytes: a scrape costs a join only for families that changed since the last one.
   */
  chunks(): Buffer[] {
    return Object.values(this.families).flatMap((f) => f.chunks());
  }

  /** Concatenated exposition text of every cost family. */
  render(): string {
    return Object.values(this.families).map((f) => f.render()).join("");
  }
}

type PodView = PricedSnapshotView["pods"][number];

/**
 * Each pod's label body `cluster="…",namespace="…",pod="…",node="…"` (escaped), in the snapshot's order: the pod
 * families share it (OpenCost's allocation series add `,instance="…"`), and the node's and cluster's parts are
 * escaped once per snapshot rather than once per pod and family.
 */
function podBodies(p: PricedSnapshotView): string[] {
  const head = `cluster="${escapeLabel(p.cluster)}",namespace="`;
  const tail = `",node="${escapeLabel(p.node)}"`;
  return p.pods.map((pod) => `${head}${escapeLabel(pod.namespace)}",pod="${escapeLabel(pod.name)}${tail}`);
}
