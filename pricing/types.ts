import type { CapacityType } from "../model/events.ts";

/** Where a price came from, carried on every priced event so a number can be explained. */
export type PriceSourceName =
  | "snapshot"
  | "snapshot-family"
  | "opencost-default"
  | "custom"
  | "aws-pricing-api"
  | "aws-spot-history"
  | "gcp-billing-catalog"
  | "azure-retail-prices"
  | "stale-cache";

export interface NodePriceQuery {
  provider: string;
  region: string;
  zone: string;
  instanceType: string;
  capacityType: CapacityType;
  cpuCores: number;
  memoryGiB: number;
  gpus: number;
}

export interface NodePrice {
  /** USD per hour the node is charged at (spot price for spot nodes). */
  hourlyCost: number;
  /** USD per hour on-demand list price; 0 when unknown. */
  onDemandHourlyCost: number;
  /** USD per hour spot price; 0 when unknown. */
  spotHourlyCost: number;
  source: PriceSourceName;
  asOfMs: number;
}

export interface StoragePriceQuery {
  provider: string;
  region: string;
  storageClass: string;
}

export interface StoragePrice {
  /** USD per GiB-month (730 hours). */
  gibMonthlyRate: number;
  source: PriceSourceName;
  asOfMs: number;
}

export type EgressClass = "none" | "zone" | "region" | "internet";

/**
 * The pricing engine's read side. Lookups are synchronous and never wait for the network:
 * cloud adapters refresh their caches in the background, so the pricer's hot path stays fast.
 */
export interface PriceBook {
  nodePrice(query: NodePriceQuery): NodePrice;
  storagePrice(query: StoragePriceQuery): StoragePrice;
  /** USD per GiB of egress of the given class; 0 for "none". */
  egressPrice(provider: string, egress: EgressClass): number;
}
