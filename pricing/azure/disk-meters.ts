import type { DiskTierPrices } from "../types.ts";
import { TIER_GIB } from "./disk-tiers.ts";
import type { RetailItem } from "./source.ts";

const KIND: Record<string, string> = { P: "Premium", E: "StandardSSD", S: "Standard" };
/** "P10 LRS Disk", "E4 ZRS Disk": the monthly meter of one tier (not "… Disk Mount", "… Disk Operations" or bursting meters). */
const TIER_METER = /^([PES])(\d+) (LRS|ZRS) Disk$/;
const REFERENCE_GIB = 128;

/**
 * Retail Prices API items of the managed-disk products → volume type (`Premium_LRS`, `StandardSSD_ZRS`,
 * …) → its tiers' monthly prices, ascending by size. Only consumption prices per month in USD count.
 */
export function diskTierMeters(items: readonly RetailItem[]): Map<string, DiskTierPrices> {
  const byType = new Map<string, Map<number, number>>();
  for (const item of items) {
    const m = TIER_METER.exec(item.meterName);
    if (m === null || item.type !== "Consumption" || !/month/i.test(item.unitOfMeasure) || (item.currencyCode ?? "USD") !== "USD") continue;
    const gib = TIER_GIB[m[2] ?? ""];
    const kind = KIND[m[1] ?? ""];
    if (gib === undefined || kind === undefined || !(item.retailPrice > 0)) continue;
    const volumeType = `${kind}_${m[3]}`;
    let tiers = byType.get(volumeType);
    if (tiers === undefined) byType.set(volumeType, (tiers = new Map()));
    // One price per tier; should a region list a tier twice, the lower is the list price.
    tiers.set(gib, Math.min(tiers.get(gib) ?? Infinity, item.retailPrice));
  }
  return new Map([...byType].map(([type, tiers]) => [type, [...tiers].sort((a, b) => a[0] - b[0])]));
}

/** Per GiB-month of each volume type from its 128 GiB tier (P10, E10, S10). */
export function perGiBFromTiers(tiers: ReadonlyMap<string, DiskTierPrices>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [type, list] of tiers) {
    const reference = list.find(([gib]) => gib === REFERENCE_GIB);
    if (reference !== undefined) out.set(type, reference[1] / REFERENCE_GIB);
  }
  return out;
}
