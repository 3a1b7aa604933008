import type { Config, PricingDefaults } from "../config/schema.ts";
import type { EgressClass, NodePrice, NodePriceQuery, StoragePrice } from "./types.ts";

/** Hours per month, as OpenCost and the cloud bills use. */
export const HOURS_PER_MONTH = 730;
export const GIB = 1024 ** 3;

/**
 * The default rates for a cloud: `pricing.defaults` with `pricing.cloudDefaults.<provider>` on top
 * (OpenCost ships distinct AWS and Azure defaults; the shipped cloudDefaults carry them).
 */
export function defaultsFor(pricing: Config["pricing"], provider: string): PricingDefaults {
  const own = (pricing.cloudDefaults as Record<string, Partial<PricingDefaults> | undefined>)[provider];
  return own === undefined ? pricing.defaults : { ...pricing.defaults, ...own };
}

/**
 * Price of a node nobody lists, from OpenCost-style default rates: cores × CPU rate +
 * GiB × RAM rate + GPUs × GPU rate (spot rates for spot nodes). USD per hour.
 */
export function defaultNodePrice(query: NodePriceQuery, defaults: PricingDefaults, asOfMs: number): NodePrice {
  const onDemand =
    query.cpuCores * defaults.cpuCoreHour + query.memoryGiB * defaults.ramGiBHour + query.gpus * defaults.gpuHour;
  const spot =
    query.cpuCores * defaults.spotCpuCoreHour + query.memoryGiB * defaults.spotRamGiBHour + query.gpus * defaults.gpuHour;
  return {
    hourlyCost: query.capacityType === "SPOT" ? spot : onDemand,
    onDemandHourlyCost: onDemand,
    spotHourlyCost: spot,
    source: "opencost-default",
    asOfMs,
  };
}

/** Storage price from the default rate (USD per GiB-month). */
export function defaultStoragePrice(defaults: PricingDefaults, asOfMs: number): StoragePrice {
  return { gibMonthlyRate: defaults.storageGiBMonth, source: "opencost-default", asOfMs };
}

/** Egress USD per GiB for a traffic class. */
export function defaultEgressPrice(defaults: PricingDefaults, egress: EgressClass): number {
  switch (egress) {
    case "none":
      return 0;
    case "zone":
      return defaults.zoneEgressGiB;
    case "region":
      return defaults.regionEgressGiB;
    case "internet":
      return defaults.internetEgressGiB;
  }
}
