import type { PricingDefaults } from "../config/schema.ts";

export interface ResourceRates {
  /** Price currency per core-hour. */
  cpuCoreHour: number;
  /** Price currency per GiB-hour. */
  ramGiBHour: number;
  /** Price currency per GPU-hour. */
  gpuHour: number;
}

export interface NodeShapeForSplit {
  cpuCores: number;
  memoryGiB: number;
  gpus: number;
}

export interface SplitOptions {
  /** Weigh CPU and RAM by the default spot rates (the node is a spot node). */
  spot?: boolean;
  /** The list price of one of the node's GPUs per hour, when the price source knows it (GCP GPU SKUs). */
  gpuListHour?: number;
}

/**
 * Below this share of the node price, the gap between a GPU node's price and what its CPUs and RAM
 * would cost at the default rates is not trusted as the GPUs' price (the defaults over-price this
 * node's CPU and RAM); the GPUs are then weighed at `defaults.gpuHour` instead.
 */
export const MIN_GPU_GAP_SHARE = 0.25;

/**
 * Splits a node's hourly price into per-resource rates. Each resource gets a weight — CPU
 * `cores × default core rate`, RAM `GiB × default GiB rate` (spot defaults for spot nodes) and,
 * on GPU nodes, the GPUs' own price: the GPU's list price when known, otherwise the gap between the
 * node price and its CPU+RAM weight (the price of the same shape without GPUs), otherwise
 * `gpus × defaults.gpuHour` when that gap is under {@link MIN_GPU_GAP_SHARE} of the price. The price
 * is then divided in proportion to the weights, so every resource the node has gets a positive
 * rate when the price is positive, and cores × cpu + GiB × ram + gpus × gpu = hourly (to rounding).
 */
export function splitNodePrice(hourly: number, shape: NodeShapeForSplit, defaults: PricingDefaults, options: SplitOptions = {}): ResourceRates {
  const cpuRate = options.spot === true ? defaults.spotCpuCoreHour : defaults.cpuCoreHour;
  const ramRate = options.spot === true ? defaults.spotRamGiBHour : defaults.ramGiBHour;
  const cores = Math.max(0, shape.cpuCores);
  const gib = Math.max(0, shape.memoryGiB);
  const gpus = Math.max(0, shape.gpus);
  const cpuWeight = cores * cpuRate;
  const ramWeight = gib * ramRate;
  let gpuWeight = 0;
  if (gpus > 0) {
    const gap = hourly - cpuWeight - ramWeight;
    if (options.gpuListHour !== undefined && options.gpuListHour > 0) gpuWeight = gpus * options.gpuListHour;
    else if (gap >= MIN_GPU_GAP_SHARE * hourly && gap > 0) gpuWeight = gap;
    else gpuWeight = gpus * defaults.gpuHour;
  }
  const total = cpuWeight + ramWeight + gpuWeight;
  if (!(total > 0) || !(hourly > 0)) return { cpuCoreHour: 0, ramGiBHour: 0, gpuHour: 0 };
  const scale = hourly / total;
  return {
    cpuCoreHour: cpuRate * scale,
    ramGiBHour: ramRate * scale,
    gpuHour: gpus > 0 ? (gpuWeight / gpus) * scale : 0,
  };
}
