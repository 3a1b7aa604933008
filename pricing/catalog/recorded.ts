import type { PriceCatalog } from "./catalog.ts";
import type { PriceBook } from "../types.ts";

/** A recorded price list: region → instance type → on-demand price per hour. */
export type RecordedPrices = Record<string, Record<string, number>>;

/**
 * Prices every (region, type) of a recorded list through the book, as a node of the catalog's shape
 * (2 vCPUs / 8 GiB when unknown), and lists every entry that is not the listed price from the offline
 * book (source `snapshot`, within 1e-9). Used by the catalog test and `npm run bench -- accuracy`.
 */
export function recordedMismatches(book: PriceBook, catalog: PriceCatalog, provider: string, table: RecordedPrices): { checked: number; wrong: string[] } {
  const wrong: string[] = [];
  let checked = 0;
  for (const [region, prices] of Object.entries(table)) {
    for (const [instanceType, listed] of Object.entries(prices)) {
      const shape = catalog.shape(provider, instanceType) ?? [2, 8, 0];
      const p = book.nodePrice({ provider, region, zone: "", instanceType, capacityType: "ON_DEMAND", cpuCores: shape[0], memoryGiB: shape[1], gpus: shape[2] });
      checked++;
      if (p.source !== "snapshot" || Math.abs(p.hourlyCost - listed) > 1e-9) wrong.push(`${region} ${instanceType}: ${p.hourlyCost} (${p.source}) vs ${listed}`);
    }
  }
  return { checked, wrong };
}
