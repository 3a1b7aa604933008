import type { CapacityType } from "../model/events.ts";
import type { ResourceRates } from "./split.ts";

/** Where a price came from, carried on every priced event so a number can be explained. */
export type PriceSourceName =
  | "snapshot"
  | "snapshot-family"
  | "snapshot-region"
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
  /** The GPUs' accelerator type when the node says (GKE: `nvidia-tesla-t4`), for GPUs attached to a machine type that has none of its own. */
  gpuType?: string;
  /** The node's name and cloud provider id, for sheets that price single nodes. */
  nodeName?: string;
  providerId?: string;
}

export interface NodePrice {
  /** Per hour the node is charged at (spot price for spot nodes), in `currency` (USD when absent). */
  hourlyCost: number;
  /** Per hour on-demand list price; 0 when unknown. */
  onDemandHourlyCost: number;
  /** Per hour spot price; 0 when unknown. */
  spotHourlyCost: number;
  source: PriceSourceName;
  asOfMs: number;
  /** ISO 4217 code of every amount here; absent means USD. */
  currency?: string;
  /** Per-resource rates to use as given (a custom sheet's); when absent the price is split. */
  rates?: ResourceRates;
  /** List price of one of the node's GPUs per hour, when the source prices GPUs on their own. */
  gpuListHour?: number;
}

export interface StoragePriceQuery {
  provider: string;
  region: string;
  storageClass: string;
  /** The PersistentVolume's name, for sheets that price single volumes. */
  pvName?: string;
}

/** A disk SKU billed per disk by size tier: [tier size in GiB, price per month], ascending by size. */
export type DiskTierPrices = ReadonlyArray<readonly [gib: number, monthly: number]>;

export interface StoragePrice {
  /** Per GiB-month (730 hours), in `currency` (USD when absent). */
  gibMonthlyRate: number;
  /**
   * Per-disk monthly prices by size tier, in `currency`, when the source lists them (Azure managed
   * disks): a disk is charged its tier's price, not its size × `gibMonthlyRate`.
   */
  tiers?: DiskTierPrices;
  source: PriceSourceName;
  asOfMs: number;
  currency?: string;
}

export type EgressClass = "none" | "zone" | "region" | "internet";

/**
 * The pricing engine's read side. Lookups are synchronous and never wait for the network:
 * cloud adapters refresh their caches in the background, so the pricer's hot path stays fast.
 */
export interface PriceBook {
  nodePrice(query: NodePriceQuery): NodePrice;
  storagePrice(query: StoragePriceQuery): StoragePrice;
  /** Per GiB of egress of the given class, in pricing.currency; 0 for "none". */
  egressPrice(provider: string, egress: EgressClass): number;
}
