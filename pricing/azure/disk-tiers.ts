import type { DiskTierPrices } from "../types.ts";

/**
 * Azure managed disks (Premium SSD, Standard SSD, Standard HDD) are billed per disk by size tier: a
 * disk is charged the price of the smallest tier at least as large as its provisioned size (a 200 GiB
 * Premium SSD is billed as a P15, 256 GiB). Tier sizes from Azure's documentation ("Managed disk
 * pricing"; P1–P80, E1–E80, S4–S80). Premium SSD v2 and Ultra disks bill per GiB and are not here.
 */
/** Tier number → size in GiB, the same for P, E and S tiers (P1 = 4 GiB … P80 = 32,767 GiB; the HDD tiers start at S4). */
export const TIER_GIB: Readonly<Record<string, number>> = {
  "1": 4, "2": 8, "3": 16, "4": 32, "6": 64, "10": 128, "15": 256, "20": 512,
  "30": 1024, "40": 2048, "50": 4096, "60": 8192, "70": 16384, "80": 32767,
};
const SSD_TIERS_GIB = Object.values(TIER_GIB).sort((a, b) => a - b);
const HDD_TIERS_GIB = SSD_TIERS_GIB.filter((gib) => gib >= 32);

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
