import type { PricingDefaults } from "../config/schema.ts";

export interface ResourceRates {
  /** USD per core-hour. */
  cpuCoreHour: number;
  /** USD per GiB-hour. */
  ramGiBHour: number;
  /** USD per GPU-hour. */
  gpuHour: number;
}

/**
 * Splits a node's hourly price into per-resource rates the way OpenCost does, so our numbers are
 * comparable: GPUs take `gpus × defaults.gpuHour` (at most the whole price), and the rest is
 * divided between CPU and RAM in the ratio of the default CPU and RAM rates. The rates always
 * add back up to the node price: cores × cpu + GiB × ram + gpus × gpu = hourly.
 */
export function splitNodePrice(
  hourly: number,
  shape: { cpuCores: number; memoryGiB: number; gpus: number },
  defaults: PricingDefaults,
): ResourceRates {
  const gpuTotal = shape.gpus > 0 ? Math.min(hourly, shape.gpus * defaults.gpuHour) : 0;
  const gpuHour = shape.gpus > 0 ? gpuTotal / shape.gpus : 0;
  const rest = hourly - gpuTotal;
  const ratio = defaults.ramGiBHour > 0 ? defaults.cpuCoreHour / defaults.ramGiBHour : 0;
  const weight = shape.cpuCores * ratio + shape.memoryGiB;
  if (weight <= 0) {
    // No RAM rate to weigh against: everything goes to CPU (or nothing, for an empty shape).
    return { cpuCoreHour: shape.cpuCores > 0 ? rest / shape.cpuCores : 0, ramGiBHour: 0, gpuHour };
  }
  const ramGiBHour = rest / weight;
  return { cpuCoreHour: ramGiBHour * ratio, ramGiBHour, gpuHour };
}
