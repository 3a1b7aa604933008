import type { Config } from "../config/schema.ts";
import { readPriceSnapshot, SnapshotPriceBook } from "./snapshot/snapshot.ts";
import type { PriceBook } from "./types.ts";

/** Builds the price book selected by `pricing.provider`. */
export function createPriceBook(pricing: Config["pricing"]): PriceBook {
  switch (pricing.provider) {
    case "snapshot":
      return new SnapshotPriceBook(readPriceSnapshot(pricing.snapshotFile), pricing);
  }
}
