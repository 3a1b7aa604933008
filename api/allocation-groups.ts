import { UNMOUNTED } from "../model/events.ts";
import { aggregateKey } from "./aggregate.ts";
import type { RowPools } from "./compact-rows.ts";
import type { Filter, FilterTarget } from "./filter.ts";
import type { StoredWindow } from "./rollup-index.ts";
import { dimensionRange, N, NUM, S, STR, TOTALS } from "./row-layout.ts";

// Column offsets as plain numbers (row-layout.ts), read in the scan's loop without a property load.
const AT_NODE = STR.node;
const AT_UID = STR.podUid;
const AT_NAMESPACE = STR.namespace;
const AT_KIND = STR.controllerKind;
const AT_NAME = STR.controllerName;
const AT_POD = STR.pod;
const AT_REALISED = NUM.realisedSavings;
const AT_POTENTIAL = NUM.potentialSavings;
const AT_CPU_COST = NUM.cpuCost;
const AT_RAM_COST = NUM.ramCost;
const AT_GPU_COST = NUM.gpuCost;
const AT_PV_COST = NUM.pvCost;
const AT_POD_HOURS = NUM.podHours;

/** One allocation being summed: its members' rows, properties they agree on, and where they ran. */
export interface Group {
  key: string;
  properties: Map<string, string | undefined>;
  labels: Record<string, string> | undefined;
  /** CostTotals in column order (row-layout.ts), summed over the members' rows. */
  sums: Float64Array;
  pods: Set<string>;
  members: number;
  /** Compute cost (for sharing idle by weight) and storage cost (`pvs`) per cluster, by the query's cluster index. */
  compute: Float64Array;
  pv: Float64Array;
  /** Where the members were active (activeSpan over their windows). */
  firstMs: number;
  lastMs: number;
  /** Idle shared into the group (shareIdle), per resource: OpenCost's *CostIdle fields. */
  sharedIdle?: { cpu: number; ram: number; gpu: number };
}

/** A query's allocations by name, and the clusters its windows come from. */
export class Groups {
  readonly byKey = new Map<string, Group>();
  readonly clusters: readonly string[];
  private readonly clusterIndex: Map<string, number>;

  constructor(clusters: Iterable<string>) {
    this.clusters = [...new Set(clusters)];
    this.clusterIndex = new Map(this.clusters.map((c, i) => [c, i]));
  }

  /** The index of a cluster of the query's windows. */
  clusterAt(cluster: string): number {
    const i = this.clusterIndex.get(cluster);
    if (i === undefined) throw new Error(`cluster ${cluster} is not among the query's windows`);
    return i;
  }

  get(key: string): Group {
    let g = this.byKey.get(key);
    if (g === undefined) {
      const n = this.clusters.length;
      g = { key, properties: new Map(), labels: undefined, sums: new Float64Array(TOTALS), pods: new Set(), members: 0, compute: new Float64Array(n), pv: new Float64Array(n), firstMs: Infinity, lastMs: -Infinity };
      this.byKey.set(key, g);
    }
    return g;
  }
}

const PROPERTY_OF: ReadonlyArray<readonly [string, (t: FilterTarget) => string]> = [
  ["cluster", (t) => t.cluster],
  ["node", (t) => t.node],
  ["namespace", (t) => t.namespace],
  // Raw here (compared per member); lower-cased once per allocation in toAllocation.
  ["controllerKind", (t) => t.controllerKind],
  ["controller", (t) => t.controllerName],
  ["pod", (t) => t.pod],
];

const PROPERTY_READERS = new Map(PROPERTY_OF);

/** Keeps a property only while every member agrees on it (as OpenCost does). Merging the same target again changes nothing. */
export function mergeProperties(g: Group, t: FilterTarget): void {
  const first = g.members === 0;
  g.members += 1;
  if (first) {
    for (const [name, read] of PROPERTY_OF) {
      const v = read(t);
      if (v !== "") g.properties.set(name, v);
    }
    g.labels = { ...t.labels };
    return;
  }
  for (const [name, value] of g.properties) if (value !== undefined) {
    const read = PROPERTY_READERS.get(name);
    if (read !== undefined && read(t) !== value) g.properties.set(name, undefined);
  }
  const labels = g.labels;
  if (labels !== undefined) for (const k in labels) if (t.labels[k] !== labels[k]) delete labels[k];
}

/** A distinct pod row identity (a pod in a cluster with its node, names and labels) and the group it sums into. */
interface Member {
  cluster: number;
  namespace: number;
  kind: number;
  name: number;
  pod: number;
  node: number;
  labels: number;
  /** Undefined when the filter leaves the member out. */
  group: Group | undefined;
  /** Another member with the same pod uid (a pod whose labels changed between windows). */
  next: Member | undefined;
}

/** A window's pod rows [start, end) and what is the same for all of them. */
interface RowRun {
  num: Float64Array;
  str: Int32Array;
  labels: Int32Array;
  start: number;
  end: number;
  cluster: string;
  ci: number;
  windowStartMs: number;
  endMs: number;
  byNode: Map<number, PodSavings> | undefined;
}

/** What a node's pod rows say of its spot savings, for the node's idle share of them. */
export interface PodSavings {
  realised: number;
  potential: number;
}

/**
 * Sums the pod rows of a query's windows into their groups straight from the packed columns: the filter,
 * the allocation's name and the properties are worked out once per distinct pod identity (a member), not
 * once per row, so a 90-day query over 10,000 pods does 10,000 of them and 900,000 additions of numbers.
 */
export class PodScan {
  private readonly members = new Map<number, Member>();
  private readonly groups: Groups;
  private readonly pools: RowPools;
  private readonly filter: Filter;
  private readonly aggregate: readonly string[];
  private readonly coveredEndMs: number;

  constructor(groups: Groups, pools: RowPools, q: { filter: Filter; aggregate: readonly string[] }, coveredEndMs: number) {
    this.groups = groups;
    this.pools = pools;
    this.filter = q.filter;
    this.aggregate = q.aggregate;
    this.coveredEndMs = coveredEndMs;
  }

  /** Adds a window's pod rows to their groups; with `savings`, returns what each node's pod rows saved (filtered or not). */
  add(w: StoredWindow, savings: boolean): Map<string, PodSavings> | undefined {
    const cols = w.rows.columns();
    const { start, end } = dimensionRange(cols, "pod");
    const byNode = savings ? new Map<number, PodSavings>() : undefined;
    // activeSpan per row: ends at the window's end (or the query's), starts the row's running hours earlier.
    const endMs = Math.min(w.windowEndMs, this.coveredEndMs);
    this.sumRows({ num: cols.numbers, str: cols.strings, labels: cols.labelIds, start, end, cluster: w.cluster, ci: this.groups.clusterAt(w.cluster), windowStartMs: w.windowStartMs, endMs, byNode });
    if (byNode === undefined) return undefined;
    const out = new Map<string, PodSavings>();
    for (const [node, s] of byNode) out.set(this.pools.strings.get(node), s);
    return out;
  }

  // One loop over typed arrays held in locals, with nothing after it: V8 keeps it optimized whichever
  // windows (in memory or read from a file) it is given.
  private sumRows(rows: RowRun): void {
    const { num, str, labels, start, end, cluster, ci, windowStartMs, endMs, byNode } = rows;
    for (let i = start; i < end; i++) {
      const n = i * N;
      if (byNode !== undefined) addSavings(byNode, str[i * S + AT_NODE] as number, num[n + AT_REALISED] as number, num[n + AT_POTENTIAL] as number);
      const g = this.member(cluster, ci, str, i * S, labels[i] as number).group;
      if (g === undefined) continue;
      const sums = g.sums;
      for (let c = 0; c < TOTALS; c++) sums[c] = (sums[c] as number) + (num[n + c] as number);
      g.compute[ci] = (g.compute[ci] as number) + (num[n + AT_CPU_COST] as number) + (num[n + AT_RAM_COST] as number) + (num[n + AT_GPU_COST] as number);
      const pv = num[n + AT_PV_COST] as number;
      if (pv !== 0) g.pv[ci] = (g.pv[ci] as number) + pv;
      const startMs = Math.max(windowStartMs, endMs - (num[n + AT_POD_HOURS] as number) * 3_600_000);
      if (startMs < g.firstMs) g.firstMs = startMs;
      if (endMs > g.lastMs) g.lastMs = endMs;
    }
  }

  private member(cluster: string, ci: number, str: Int32Array, s: number, labels: number): Member {
    const uid = str[s + AT_UID] as number;
    const namespace = str[s + AT_NAMESPACE] as number;
    const kind = str[s + AT_KIND] as number;
    const name = str[s + AT_NAME] as number;
    const pod = str[s + AT_POD] as number;
    const node = str[s + AT_NODE] as number;
    const known = this.members.get(uid);
    for (let m = known; m !== undefined; m = m.next) {
      if (m.cluster === ci && m.namespace === namespace && m.kind === kind && m.name === name && m.pod === pod && m.node === node && m.labels === labels) return m;
    }
    const get = (id: number) => this.pools.strings.get(id);
    const target: FilterTarget = { cluster, node: get(node), namespace: get(namespace), controllerKind: get(kind), controllerName: get(name), pod: get(pod), labels: this.pools.labels.get(labels) };
    let group: Group | undefined;
    if (this.filter(target)) {
      group = this.groups.get(aggregateKey(target, this.aggregate));
      mergeProperties(group, target);
      if (target.pod !== UNMOUNTED) group.pods.add(get(uid));
    }
    const m: Member = { cluster: ci, namespace, kind, name, pod, node, labels, group, next: known };
    this.members.set(uid, m);
    return m;
  }
}

function addSavings(byNode: Map<number, PodSavings>, node: number, realised: number, potential: number): void {
  if (realised === 0 && potential === 0) return;
  const s = byNode.get(node);
  if (s === undefined) byNode.set(node, { realised, potential });
  else {
    s.realised += realised;
    s.potential += potential;
  }
}
