import type { DiskTierPrices } from "../types.ts";

/** What a cloud adapter fetches; the live price book caches it and decides when to call. */
export interface OnDemandPrice {
  hourly: number;
  /** The instance type's shape when the API says (pods are split by the node's own capacity). */
  vcpu?: number;
  memoryGiB?: number;
  gpus?: number;
  /** List price of one of its GPUs per hour, when the source prices GPUs as their own SKUs. */
  gpuListHour?: number;
}

/** The `zone` of a spot price that holds for every zone of a region (Azure, GCP). */
export function regionWideZone(region: string): string {
  return `region:${region}`;
}

export interface SpotPrice {
  /** A zone, or regionWideZone(region). */
  zone: string;
  instanceType: string;
  hourly: number;
  /** Spot price of one of its GPUs per hour, when the source prices GPUs as their own SKUs. */
  gpuListHour?: number;
  /** When the provider published this price. */
  atMs: number;
}

export interface StorageRates {
  /** Per GiB-month by volume type. */
  perGiB: Map<string, number>;
  /** Volume types billed per disk by size tier (Azure managed disks) → their tiers' monthly prices. */
  tiers?: Map<string, DiskTierPrices>;
}

export interface CloudPriceSource {
  readonly provider: string;
  /** ISO 4217 code of every price this source returns for a region (CNY in AWS China, else USD). */
  currency(region: string): string;
  /** The Linux on-demand price and shape of an instance type in a region; undefined when unknown. */
  onDemand(region: string, instanceType: string): Promise<OnDemandPrice | undefined>;
  /** Storage prices of a region, in the region's currency. */
  storage(region: string): Promise<StorageRates>;
  /** Per-hour price of one attached GPU of an accelerator type (GKE's `nvidia-tesla-t4`), on-demand or spot; undefined when unknown. */
  gpuPrice?(region: string, gpuType: string, spot: boolean): Promise<number | undefined>;
  /** The latest spot price of each instance type in each zone of a region. */
  spot(region: string, instanceTypes: readonly string[]): Promise<SpotPrice[]>;
  /** Ends pending waits (call budget, backoff) and releases clients. */
  close(): void;
}
