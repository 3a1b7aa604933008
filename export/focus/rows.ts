import { UNMOUNTED, type CostRollup, type NodeRollupRow, type RollupRow, type VolumeRollupRow } from "../../model/events.ts";
import { monthOf, rfc3339 } from "../../api/window.ts";
import { parseProviderId } from "../../model/provider-id.ts";
import type { FocusRow } from "./columns.ts";

/**
 * A rollup window as FOCUS rows. Each node's cost for the charge period is an *origin charge* (the
 * node's line on the cloud bill, ResourceId = the instance); its pods' CPU, RAM and GPU and the node's
 * idle capacity are its *allocated charges* (FOCUS 1.3 split cost allocation: AllocatedResourceId = the
 * pod, null for the unallocated idle part; the AllocatedRatio elements of one node add up to 1). A pod's
 * persistent volumes and network egress are rows of their own. Σ rows = Σ the window's cost.
 */

export const ALLOCATION_METHOD = "kce-node-resource-share";
export const VOLUME_METHOD = "kce-volume-share";
const GIB = 2 ** 30;

export interface FocusContext {
  billingAccountId: string;
  billingAccountName: string | null;
  currency: string;
}

interface CloudIdentity {
  provider: string;
  computeService: string;
  storageService: string;
  resourceId: string;
  resourceType: string;
  zone: string | null;
}

/** Who bills a node and its id on the bill, from spec.providerID (as the clouds' exports name instances). */
export function cloudOf(providerId: string, node: string, cluster: string): CloudIdentity {
  const p = parseProviderId(providerId);
  switch (p?.cloud) {
    case "aws":
      return { provider: "AWS", computeService: "Amazon Elastic Compute Cloud", storageService: "Amazon Elastic Compute Cloud", resourceId: p.instance, resourceType: "Instance", zone: p.zone || null };
    case "gce":
      return { provider: "Google Cloud", computeService: "Compute Engine", storageService: "Compute Engine", resourceId: `projects/${p.project}/zones/${p.zone}/instances/${p.name}`, resourceType: "Compute Instance", zone: p.zone };
    case "azure":
      return { provider: "Microsoft", computeService: "Virtual Machines", storageService: "Storage", resourceId: p.resourceId, resourceType: "Virtual machine", zone: null };
    case undefined:
      return { provider: "Self-managed", computeService: "Kubernetes", storageService: "Kubernetes", resourceId: `${cluster}/${node}`, resourceType: "Kubernetes node", zone: null };
  }
}

/** FOCUS date/time: extended ISO 8601 in UTC, to the second ('YYYY-MM-DDTHH:mm:ssZ') — what OpenCost's RFC 3339 instants are. */
export const focusTime = rfc3339;

function podCompute(r: RollupRow): number {
  return r.cpuCost + r.ramCost + r.gpuCost;
}

function rowKey(r: RollupRow): string {
  return `${r.podUid}|${r.node}|${r.namespace}|${r.pod}`;
}

/** What the estimated twin of a reconciled window charged each row (ListCost). */
export class ListCosts {
  private readonly pods = new Map<string, RollupRow>();
  private readonly nodes = new Map<string, NodeRollupRow>();
  private readonly volumes = new Map<string, VolumeRollupRow>();

  constructor(estimated: CostRollup | undefined) {
    if (estimated === undefined) return;
    for (const r of estimated.rows) if (r.dimension === "pod") this.pods.set(rowKey(r), r);
    for (const n of estimated.nodes) this.nodes.set(n.node, n);
    for (const v of estimated.volumes) this.volumes.set(v.pvName, v);
  }

  volume(v: VolumeRollupRow): VolumeRollupRow | undefined {
    return this.volumes.get(v.pvName);
  }

  pod(r: RollupRow): RollupRow | undefined {
    return this.pods.get(rowKey(r));
  }

  node(n: NodeRollupRow): NodeRollupRow | undefined {
    return this.nodes.get(n.node);
  }
}

/** AllocatedMethodDetails: each resource's share of the origin charge (the shares of all of a node's rows add up to 1). */
function ratioDetails(parts: Array<[unit: string, cost: number, quantity?: number]>, origin: number): string | null {
  if (!(origin > 0)) return null;
  const elements = parts.filter(([, cost]) => cost !== 0).map(([unit, cost, quantity]) => ({ AllocatedRatio: cost / origin, UsageUnit: unit, ...(quantity === undefined ? {} : { UsageQuantity: quantity }) }));
  return elements.length === 0 ? null : JSON.stringify({ Elements: elements });
}

/**
 * The FOCUS rows of one window. `window` is the window priced at list prices, or a reconciled window
 * (then `estimated` is its list-price twin, for ListCost).
 */
export function focusRows(window: CostRollup, ctx: FocusContext, reconciled: boolean, estimated?: CostRollup): FocusRow[] {
  return [...focusRowsOf(window, ctx, reconciled, estimated)];
}

/**
 * The same rows in batches of at most `size`, per pod made as they are taken (a 10,000-pod day is never all
 * rows at once), or summed per controller or namespace.
 */
export function* focusRowBatches(window: CostRollup, ctx: FocusContext, reconciled: boolean, estimated: CostRollup | undefined, size: number, aggregate: FocusAggregate = "pod"): Generator<FocusRow[]> {
  let batch: FocusRow[] = [];
  const rows = focusRowsOf(window, ctx, reconciled, estimated);
  for (const row of aggregate === "pod" ? rows : aggregateRows(rows, aggregate)) {
    batch.push(row);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

function* focusRowsOf(window: CostRollup, ctx: FocusContext, reconciled: boolean, estimated?: CostRollup): Generator<FocusRow> {
  const list = new ListCosts(reconciled ? estimated : undefined);
  const { startMs: periodStart, endMs: periodEnd } = monthOf(window.windowStartMs);
  const hours = (window.windowEndMs - window.windowStartMs) / 3_600_000;
  const nodes = new Map(window.nodes.map((n) => [n.node, n]));
  const clusterCloud = window.nodes.map((n) => cloudOf(n.providerId, n.node, window.cluster)).find((c) => c.provider !== "Self-managed") ?? cloudOf("", "", window.cluster);
  // Storage is written per volume (ResourceId = the disk, as the bill names it) when the window's volume rows
  // account for all of its storage cost — they do once the window is closed; otherwise per pod, so no money moves.
  const podStorage = window.rows.reduce((a, r) => a + (r.dimension === "pod" ? r.pvCost : 0), 0);
  const volumeStorage = window.volumes.reduce((a, v) => a + v.cost, 0);
  const byVolume = window.volumes.length > 0 && Math.abs(podStorage - volumeStorage) <= 1e-9 * Math.max(1, Math.abs(podStorage));
  const clusterRegion = window.nodes.find((n) => n.region !== "")?.region ?? null;
  // Who bills storage: the cloud most of the cluster's nodes are on.
  const storage: FocusRow = {
    InvoiceIssuerName: clusterCloud.provider,
    ProviderName: clusterCloud.provider,
    PublisherName: clusterCloud.provider,
    ServiceCategory: "Storage",
    ServiceName: clusterCloud.storageService,
    ServiceSubcategory: "Block Storage",
    PricingCategory: "Standard",
  };
  // The origin charge of each node: its pods' compute + its idle (= the node's cost, plus any overcommit).
  const origin = new Map<string, number>();
  for (const n of window.nodes) origin.set(n.node, n.idleCost);
  for (const r of window.rows) if (r.dimension === "pod" && r.pod !== UNMOUNTED) origin.set(r.node, (origin.get(r.node) ?? 0) + podCompute(r));

  const times = { periodEnd: focusTime(periodEnd), periodStart: focusTime(periodStart), end: focusTime(window.windowEndMs), start: focusTime(window.windowStartMs) };
  const base = (cost: number, listCost: number): FocusRow => ({
    BilledCost: cost,
    BillingAccountId: ctx.billingAccountId,
    BillingAccountName: ctx.billingAccountName,
    BillingCurrency: ctx.currency,
    BillingPeriodEnd: times.periodEnd,
    BillingPeriodStart: times.periodStart,
    ChargeCategory: "Usage",
    ChargeClass: null,
    ChargePeriodEnd: times.end,
    ChargePeriodStart: times.start,
    ContractedCost: cost,
    EffectiveCost: cost,
    ListCost: listCost,
    ChargeFrequency: "Usage-Based",
    x_Cluster: window.cluster,
    x_CostSource: reconciled ? "reconciled" : "list-estimate",
  });
  // What a row says about its node, made once per node and window.
  const nodeFields = new Map<string, FocusRow>();
  const onNode = (n: NodeRollupRow | undefined, nodeName: string): FocusRow => {
    const known = nodeFields.get(nodeName);
    if (known !== undefined) return known;
    const cloud = cloudOf(n?.providerId ?? "", nodeName, window.cluster);
    const fields: FocusRow = {
      InvoiceIssuerName: cloud.provider,
      ProviderName: cloud.provider,
      PublisherName: cloud.provider,
      ServiceCategory: "Compute",
      ServiceName: cloud.computeService,
      ServiceSubcategory: "Virtual Machines",
      AvailabilityZone: cloud.zone,
      PricingCategory: n?.capacityType.toUpperCase() === "SPOT" ? "Dynamic" : "Standard",
      RegionId: n === undefined || n.region === "" ? null : n.region,
      ResourceId: cloud.resourceId,
      ResourceName: nodeName,
      ResourceType: cloud.resourceType,
      x_Node: nodeName,
      x_InstanceType: n === undefined || n.instanceType === "" ? null : n.instanceType,
    };
    nodeFields.set(nodeName, fields);
    return fields;
  };
  for (const r of window.rows) {
    if (r.dimension !== "pod") continue;
    const listed = list.pod(r);
    const who: FocusRow = {
      x_Namespace: r.namespace,
      x_ControllerKind: r.controllerKind === "" ? null : r.controllerKind,
      x_Controller: r.controllerName === "" ? null : r.controllerName,
      x_Pod: r.pod,
      Tags: Object.keys(r.labels).length === 0 ? null : JSON.stringify(r.labels),
      AllocatedTags: Object.keys(r.labels).length === 0 ? null : JSON.stringify(r.labels),
    };
    if (r.pod !== UNMOUNTED) {
      const node = nodes.get(r.node);
      const compute = podCompute(r);
      yield {
        ...base(compute, reconciled ? (listed === undefined ? compute : podCompute(listed)) : compute),
        ...onNode(node, r.node),
        ...who,
        ChargeDescription: `CPU, memory and GPU of pod ${r.namespace}/${r.pod} on node ${r.node}`,
        PricingQuantity: r.podHours,
        PricingUnit: "Hours",
        AllocatedMethodId: ALLOCATION_METHOD,
        AllocatedMethodDetails: ratioDetails([["vCPU-Hours", r.cpuCost, r.cpuCoreHours], ["GiB-Hours", r.ramCost, r.ramByteHours / GIB], ["GPU-Hours", r.gpuCost, r.gpuHours]], origin.get(r.node) ?? 0),
        AllocatedResourceId: r.podUid,
        AllocatedResourceName: `${r.namespace}/${r.pod}`,
        x_CostKind: "pod",
        x_Idle: "false",
        x_CpuCost: r.cpuCost,
        x_RamCost: r.ramCost,
        x_GpuCost: r.gpuCost,
        x_CpuCoreHours: r.cpuCoreHours,
        x_RamGiBHours: r.ramByteHours / GIB,
        x_GpuHours: r.gpuHours,
      };
      if (r.networkCost !== 0) {
        yield {
          ...base(r.networkCost, reconciled ? (listed?.networkCost ?? r.networkCost) : r.networkCost),
          ...onNode(node, r.node),
          ...who,
          ServiceCategory: "Networking",
          ServiceSubcategory: "Network Connectivity",
          ChargeDescription: `Network egress of pod ${r.namespace}/${r.pod} on node ${r.node}`,
          PricingQuantity: r.podHours,
          PricingUnit: "Hours",
          AllocatedMethodId: null,
          AllocatedMethodDetails: null,
          AllocatedResourceId: null,
          AllocatedResourceName: null,
          AllocatedTags: null,
          x_CostKind: "pod",
          x_Idle: "false",
        };
      }
    }
    if (r.pvCost !== 0 && !byVolume) {
      const unmounted = r.pod === UNMOUNTED;
      yield {
        ...base(r.pvCost, reconciled ? (listed?.pvCost ?? r.pvCost) : r.pvCost),
        ...who,
        ...storage,
        ChargeDescription: unmounted ? `Persistent volumes mounted by no pod${r.namespace === UNMOUNTED ? "" : ` (claims of namespace ${r.namespace})`}` : `Persistent volumes of pod ${r.namespace}/${r.pod}`,
        PricingQuantity: hours,
        PricingUnit: "Hours",
        AllocatedMethodId: unmounted ? null : VOLUME_METHOD,
        AllocatedResourceId: unmounted ? null : r.podUid,
        AllocatedResourceName: unmounted ? null : `${r.namespace}/${r.pod}`,
        x_Pod: unmounted ? null : r.pod,
        x_Node: unmounted || r.node === "" ? null : r.node,
        x_CostKind: unmounted ? "unmounted" : "pod",
        x_Idle: "false",
      };
    }
  }
  if (byVolume) {
    for (const v of window.volumes) {
      if (v.cost === 0) continue;
      const listed = list.volume(v);
      const claim = v.claimName === "" ? null : `${v.claimNamespace}/${v.claimName}`;
      yield {
        ...base(v.cost, reconciled ? (listed?.cost ?? v.cost) : v.cost),
        ...storage,
        AvailabilityZone: null,
        RegionId: clusterRegion,
        ResourceId: v.volumeId === "" ? `${window.cluster}/${v.pvName}` : v.volumeId,
        ResourceName: v.pvName,
        ResourceType: "Persistent Volume",
        Tags: null,
        ChargeDescription: claim === null ? `Persistent volume ${v.pvName} (${v.storageClass || "no class"}), bound to no claim` : `Persistent volume ${v.pvName} (${v.storageClass || "no class"}) of claim ${claim}`,
        PricingQuantity: v.hours,
        PricingUnit: "Hours",
        AllocatedMethodId: claim === null ? null : VOLUME_METHOD,
        AllocatedMethodDetails: null,
        AllocatedResourceId: claim,
        AllocatedResourceName: claim,
        AllocatedTags: null,
        x_Namespace: v.claimNamespace === "" ? UNMOUNTED : v.claimNamespace,
        x_ControllerKind: null,
        x_Controller: null,
        x_Pod: null,
        x_Node: null,
        x_InstanceType: null,
        x_CostKind: "volume",
        x_Idle: "false",
      };
    }
  }
  for (const n of window.nodes) {
    if (n.idleCost === 0) continue;
    const listed = list.node(n);
    yield {
      ...base(n.idleCost, reconciled ? (listed?.idleCost ?? n.idleCost) : n.idleCost),
      ...onNode(n, n.node),
      ChargeDescription: `Idle capacity of node ${n.node} (allocated to no pod)`,
      PricingQuantity: n.hours,
      PricingUnit: "Hours",
      AllocatedMethodId: ALLOCATION_METHOD,
      AllocatedMethodDetails: ratioDetails([["vCPU-Hours", n.idleCpuCost], ["GiB-Hours", n.idleRamCost], ["GPU-Hours", n.idleGpuCost]], origin.get(n.node) ?? 0),
      AllocatedResourceId: null,
      AllocatedResourceName: null,
      x_CostKind: "idle",
      x_Idle: "true",
      x_CpuCost: n.idleCpuCost,
      x_RamCost: n.idleRamCost,
      x_GpuCost: n.idleGpuCost,
    };
  }
}

export type FocusAggregate = "pod" | "controller" | "namespace";

const SUMMED = ["BilledCost", "EffectiveCost", "ListCost", "ContractedCost", "PricingQuantity", "x_CpuCost", "x_RamCost", "x_GpuCost", "x_CpuCoreHours", "x_RamGiBHours", "x_GpuHours"] as const;

function mergeDetails(a: FocusRow["AllocatedMethodDetails"], b: FocusRow["AllocatedMethodDetails"]): string | null {
  if (typeof a !== "string") return typeof b === "string" ? b : null;
  if (typeof b !== "string") return a;
  const units = new Map<string, { AllocatedRatio: number; UsageUnit: string; UsageQuantity?: number }>();
  for (const text of [a, b]) {
    for (const e of (JSON.parse(text) as { Elements: Array<{ AllocatedRatio: number; UsageUnit: string; UsageQuantity?: number }> }).Elements) {
      const known = units.get(e.UsageUnit);
      if (known === undefined) units.set(e.UsageUnit, { ...e });
      else {
        known.AllocatedRatio += e.AllocatedRatio;
        if (e.UsageQuantity !== undefined) known.UsageQuantity = (known.UsageQuantity ?? 0) + e.UsageQuantity;
      }
    }
  }
  return JSON.stringify({ Elements: [...units.values()] });
}

/**
 * Rows of one window summed per controller or namespace (and node, service and kind, so each row still
 * points at one origin charge): costs, quantities and allocation ratios add; the allocated resource is the
 * controller (`ns/kind/name`) or the namespace; tags are kept only where every pod had the same.
 */
export function aggregateRows(rows: Iterable<FocusRow>, level: FocusAggregate): FocusRow[] {
  if (level === "pod") return [...rows];
  const groups = new Map<string, FocusRow>();
  for (const r of rows) {
    const owner = r.x_CostKind !== "pod" ? null : level === "namespace" ? String(r.x_Namespace) : `${String(r.x_Namespace)}/${String(r.x_ControllerKind ?? "")}/${String(r.x_Controller ?? "")}`;
    const key = [r.ChargePeriodStart, r.ResourceId, r.ServiceCategory, r.x_CostKind, r.x_Namespace, owner].map(String).join("\u0000");
    const known = groups.get(key);
    if (known === undefined) {
      groups.set(key, {
        ...r,
        x_Pod: null,
        ...(level === "namespace" ? { x_ControllerKind: null, x_Controller: null } : {}),
        ...(r.AllocatedResourceId === null ? {} : { AllocatedResourceId: owner, AllocatedResourceName: owner }),
        ChargeDescription: r.x_CostKind === "pod" ? `${String(r.ServiceCategory)} of ${level} ${String(owner)}${r.x_Node === null ? "" : ` on node ${String(r.x_Node)}`}` : (r.ChargeDescription ?? null),
      });
      continue;
    }
    for (const col of SUMMED) if (typeof r[col] === "number") known[col] = ((known[col] as number | null) ?? 0) + r[col];
    known.AllocatedMethodDetails = mergeDetails(known.AllocatedMethodDetails ?? null, r.AllocatedMethodDetails ?? null);
    if (known.Tags !== r.Tags) known.Tags = null;
    if (known.AllocatedTags !== r.AllocatedTags) known.AllocatedTags = null;
  }
  return [...groups.values()];
}
