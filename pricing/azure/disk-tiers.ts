import type { DiskTierPrices } from "../types.ts";

/**
 * Azure managed disks (Premium SSD, Standard SSD, Standard HDD) are billed per disk by size tier: a
 * disk is charged the price of the smallest tier at least as large as its provisioned size (a 200 GiB
 * Premium SSD is billed as a P15, 256 GiB). Tier sizes from Azure's documentation ("Managed disk
 * pricing"; P1–P80, E1–E80, S4–S80). Premium SSD v2 and Ultra disks bill per GiB and are not here.
 */
const SSD_TIERS_GIB = [4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32767];
const HDD_TIERS_GIB = [32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32767];

/** Disk SKUs (with any redundancy suffix) → their tier sizes. */
function tiersOf(volumeType: string): readonly number[] | undefined {
  if (/^(Premium|StandardSSD)_(LRS|ZRS)$/.test(volumeType)) return SSD_TIERS_GIB;
  if (volumeType === "Standard_LRS") return HDD_TIERS_GIB;
  return undefined;
}

/**
 * The GiB a disk of `capacityGiB` is billed for: its tier's size, or the capacity itself for volume types
 * without tiers (and disks beyond the largest tier, which Azure does not offer as one managed disk).
 */
export function azureBilledGiB(volumeType: string, capacityGiB: number): number {
  const tiers = tiersOf(volumeType);
  if (tiers === undefined || capacityGiB <= 0) return capacityGiB;
  const size = wholeGiB(capacityGiB);
  return tiers.find((t) => t >= size) ?? capacityGiB;
}

/** The monthly price of the tier a disk of `capacityGiB` falls in (the smallest at least as large); undefined beyond the largest. */
export function tierMonthlyPrice(tiers: DiskTierPrices, capacityGiB: number): number | undefined {
  const size = wholeGiB(capacityGiB);
  return tiers.find(([gib]) => gib >= size)?.[1];
}

/** Sizes are whole GiB; a capacity a hair over a tier (binary rounding) stays in it. */
function wholeGiB(capacityGiB: number): number {
  return Math.ceil(capacityGiB - 1e-9);
}
