import type { Config } from "../../config/schema.ts";
import { volumeUses } from "../../model/volume-shares.ts";
import { azureBilledGiB, tierMonthlyPrice } from "../../pricing/azure/disk-tiers.ts";
import { volumeTypeOf } from "../../pricing/storage-classes.ts";
import { isVolumeInventory, podIdentity, type CapacityType, type NodeCost, type PodCost, type PodUsage, type PricedSnapshot, type UsageSnapshot, type VolumeCost } from "../../model/events.ts";
import { nodePriceInPipelineCurrency, toPipelineCurrency } from "../../pricing/currency.ts";
import { defaultsFor, GIB, HOURS_PER_MONTH } from "../../pricing/defaults.ts";
import { splitNodePrice, type NodeShapeForSplit, type ResourceRates } from "../../pricing/split.ts";
import type { NodePrice, PriceBook } from "../../pricing/types.ts";

const SECONDS_PER_HOUR = 3600;

interface ComputeTotals {
  cpu: number;
  ram: number;
  gpu: number;
}

/** Cost of one pod for one window, without storage (filled in by attributeVolumes). */
function podCost(pod: PodUsage, rates: ResourceRates, egressPerGiB: number): PodCost {
  const runHours = pod.runningSeconds / SECONDS_PER_HOUR;
  const cpuCoreRequestHours = pod.cpuRequestCores * runHours;
  const cpuCoreUsageHours = pod.cpuCoreSeconds / SECONDS_PER_HOUR;
  const cpuCoreHours = Math.max(cpuCoreRequestHours, cpuCoreUsageHours);
  const ramByteRequestHours = pod.memoryRequestBytes * runHours;
  const ramByteUsageHours = pod.memoryWorkingSetAvgBytes * runHours;
  const ramByteHours = Math.max(ramByteRequestHours, ramByteUsageHours);
  const gpuHours = pod.gpuRequest * runHours;
  const cpuCost = cpuCoreHours * rates.cpuCoreHour;
  const ramCost = (ramByteHours / GIB) * rates.ramGiBHour;
  const gpuCost = gpuHours * rates.gpuHour;
  const networkCost = (pod.networkTxBytes / GIB) * egressPerGiB;
  const totalCost = cpuCost + ramCost + gpuCost + networkCost;
  return {
    ...podIdentity(pod),
    cpuCoreHours,
    cpuCoreRequestHours,
    cpuCoreUsageHours,
    ramByteHours,
    ramByteRequestHours,
    ramByteUsageHours,
    gpuHours,
    networkTxBytes: pod.networkTxBytes,
    cpuCost,
    ramCost,
    gpuCost,
    pvCost: 0,
    networkCost,
    totalCost,
    hourlyCost: runHours > 0 ? totalCost / runHours : 0,
    claims: pod.claims,
  };
}

/**
 * Splits each volume's window cost among the pods on this node that mount its claim, in
 * proportion to their running time (equally if none ran). Mutates the pod costs.
 */
function attributeVolumes(pods: PodCost[], usage: UsageSnapshot, volumes: VolumeCost[]): void {
  for (const { volume, users } of volumeUses(usage.pods, volumes)) {
    for (const user of users) {
      const cost = pods[user.index];
      if (cost === undefined) continue;
      cost.pvCost += volume.windowCost * user.share;
      cost.totalCost += volume.windowCost * user.share;
      const runHours = cost.runningSeconds / SECONDS_PER_HOUR;
      cost.hourlyCost = runHours > 0 ? cost.totalCost / runHours : 0;
    }
  }
}

/**
 * The per-resource rates of a node: a sheet's own rates as given (never re-split), otherwise the
 * node price split by {@link splitNodePrice} (spot weights for spot nodes, the GPU's list price when known).
 */
export function nodeRates(price: NodePrice, shape: NodeShapeForSplit, capacityType: CapacityType, pricing: Config["pricing"], provider: string): ResourceRates {
  if (price.rates !== undefined) return price.rates;
  return splitNodePrice(price.hourlyCost, shape, defaultsFor(pricing, provider), {
    spot: capacityType === "SPOT",
    ...(price.gpuListHour === undefined ? {} : { gpuListHour: price.gpuListHour }),
  });
}

/**
 * Each volume's list cost for the window: its monthly price × hours / 730. The monthly price is the
 * price of the disk's size tier when the source lists tier prices (the live Azure adapter), otherwise
 * billed GiB × the class's GiB-month rate — billed GiB being the capacity, or for Azure managed disks the
 * size of the tier it falls in (a custom sheet's rate is per GiB as written). The published
 * `gibMonthlyRate` is the effective one: capacity × rate = cost.
 */
function priceVolumes(usage: UsageSnapshot, book: PriceBook, pricing: Config["pricing"]): VolumeCost[] {
  const info = usage.nodeInfo;
  const hours = usage.windowSeconds / SECONDS_PER_HOUR;
  return usage.volumes.map((v) => {
    const storage = book.storagePrice({ provider: info.provider, region: info.region, storageClass: v.storageClass, pvName: v.pvName });
    const listRate = toPipelineCurrency(pricing, storage.gibMonthlyRate, storage.currency, `storage class ${v.storageClass} (${info.provider} ${info.region})`);
    const gib = v.capacityBytes / GIB;
    const tierPrice = storage.tiers === undefined ? undefined : tierMonthlyPrice(storage.tiers, gib);
    const volumeType = info.provider === "azure" && storage.source !== "custom" ? volumeTypeOf("azure", v.storageClass, pricing.storageClasses) : undefined;
    const billedGiB = volumeType === undefined ? gib : azureBilledGiB(volumeType, gib);
    const monthlyCost = tierPrice === undefined ? billedGiB * listRate : toPipelineCurrency(pricing, tierPrice, storage.currency, `storage class ${v.storageClass} (${info.provider} ${info.region})`);
    const gibMonthlyRate = gib > 0 ? monthlyCost / gib : listRate;
    return {
      pvName: v.pvName,
      volumeId: v.volumeId,
      storageClass: v.storageClass,
      capacityBytes: v.capacityBytes,
      claimNamespace: v.claimNamespace,
      claimName: v.claimName,
      gibMonthlyRate,
      monthlyCost,
      windowCost: (monthlyCost * hours) / HOURS_PER_MONTH,
      priceSource: storage.source,
    };
  });
}

/**
 * A cluster's volume inventory ({@link VOLUMES_NODE}): its volumes priced, no node cost and no pods.
 * Nobody is charged here; the rollup splits each volume among the pods that mount its claim.
 */
function priceInventory(usage: UsageSnapshot, book: PriceBook, pricing: Config["pricing"], pricedAtMs: number): PricedSnapshot {
  const { nodePool: _pool, gpuType: _gpuType, ...shape } = usage.nodeInfo;
  const nodeCost: NodeCost = {
    ...shape,
    hourlyCost: 0, onDemandHourlyCost: 0, spotHourlyCost: 0, cpuCoreHourlyRate: 0, ramGiBHourlyRate: 0, gpuHourlyRate: 0,
    priceSource: "volume-inventory", priceAsOfMs: pricedAtMs,
    windowCost: 0, cpuCost: 0, ramCost: 0, gpuCost: 0, idleCost: 0, idleCpuCost: 0, idleRamCost: 0, idleGpuCost: 0, overcommitCost: 0,
  };
  return priced(usage, pricedAtMs, nodeCost, [], priceVolumes(usage, book, pricing));
}

/**
 * Prices one usage snapshot (DESIGN.md §3): the node's hourly price split into CPU/RAM/GPU
 * rates; each pod charged max(request, usage) × rate × hours; volumes by GiB-month / 730;
 * idle = node cost − pods' compute cost, per resource, never negative (excess is overcommit).
 * Invariant: Σ pod compute cost + idle − overcommit = node window cost.
 */
export function priceSnapshot(
  usage: UsageSnapshot,
  book: PriceBook,
  pricing: Config["pricing"],
  pricedAtMs: number,
): PricedSnapshot {
  if (isVolumeInventory(usage)) return priceInventory(usage, book, pricing, pricedAtMs);
  const info = usage.nodeInfo;
  const hours = usage.windowSeconds / SECONDS_PER_HOUR;
  const memoryGiB = info.memoryBytes / GIB;
  const listed = book.nodePrice({
    provider: info.provider,
    region: info.region,
    zone: info.zone,
    instanceType: info.instanceType,
    capacityType: info.capacityType,
    cpuCores: info.cpuCores,
    memoryGiB,
    gpus: info.gpus,
    ...(info.gpuType === "" ? {} : { gpuType: info.gpuType }),
    nodeName: usage.node,
    providerId: info.providerId,
  });
  const price = nodePriceInPipelineCurrency(pricing, listed, `node ${usage.node} (${info.provider} ${info.instanceType} in ${info.region})`);
  const rates = nodeRates(price, { cpuCores: info.cpuCores, memoryGiB, gpus: info.gpus }, info.capacityType, pricing, info.provider);
  const egress = book.egressPrice(info.provider, pricing.networkEgressClass);
  const pods = usage.pods.map((pod) => podCost(pod, rates, egress));

  const volumes = priceVolumes(usage, book, pricing);
  attributeVolumes(pods, usage, volumes);

  const node: ComputeTotals = {
    cpu: rates.cpuCoreHour * info.cpuCores * hours,
    ram: rates.ramGiBHour * memoryGiB * hours,
    gpu: rates.gpuHour * info.gpus * hours,
  };
  const used: ComputeTotals = { cpu: 0, ram: 0, gpu: 0 };
  for (const p of pods) {
    used.cpu += p.cpuCost;
    used.ram += p.ramCost;
    used.gpu += p.gpuCost;
  }
  const idle = (r: keyof ComputeTotals): number => Math.max(0, node[r] - used[r]);
  const over = (r: keyof ComputeTotals): number => Math.max(0, used[r] - node[r]);

  const { nodePool: _pool, gpuType: _gpuType, ...shape } = info;
  const nodeCost: NodeCost = {
    ...shape,
    hourlyCost: price.hourlyCost,
    onDemandHourlyCost: price.onDemandHourlyCost,
    spotHourlyCost: price.spotHourlyCost,
    cpuCoreHourlyRate: rates.cpuCoreHour,
    ramGiBHourlyRate: rates.ramGiBHour,
    gpuHourlyRate: rates.gpuHour,
    priceSource: price.source,
    priceAsOfMs: price.asOfMs,
    windowCost: price.hourlyCost * hours,
    cpuCost: node.cpu,
    ramCost: node.ram,
    gpuCost: node.gpu,
    idleCost: idle("cpu") + idle("ram") + idle("gpu"),
    idleCpuCost: idle("cpu"),
    idleRamCost: idle("ram"),
    idleGpuCost: idle("gpu"),
    overcommitCost: over("cpu") + over("ram") + over("gpu"),
  };
  return priced(usage, pricedAtMs, nodeCost, pods, volumes);
}

/** A usage snapshot's identity with its prices attached. */
function priced(usage: UsageSnapshot, pricedAtMs: number, nodeCost: NodeCost, pods: PodCost[], volumes: VolumeCost[]): PricedSnapshot {
  return { cluster: usage.cluster, node: usage.node, windowStartMs: usage.windowStartMs, windowSeconds: usage.windowSeconds, pricedAtMs, nodeCost, pods, volumes };
}
