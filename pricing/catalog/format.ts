/**
 * The offline price catalog's file format: one gzipped JSON file per cloud (`<cloud>.json.gz` beside
 * this file), written by `scripts/price-catalog.ts` from public price tables and read lazily by
 * `catalog.ts`. Amounts are per hour in the region's `currency`.
 */
import * as z from "../../model/zod.ts";

/** [vCPUs, memory GiB, GPUs] of an instance type; vCPUs may be fractional (shared-core types). */
export const shapeTuple = z.tuple([z.number().check(z.positive()), z.number().check(z.positive()), z.int().check(z.nonnegative())]);

const priceTable = z.record(z.string(), z.number().check(z.nonnegative()));

export const catalogRegion = z.strictObject({
  /** ISO 4217 code of every price in this region. */
  currency: z.string().check(z.regex(/^[A-Z]{3}$/)),
  /** Key into the file's `sources`. */
  source: z.string(),
  onDemand: priceTable,
  spot: z.optional(priceTable),
});

export const catalogFile = z.strictObject({
  schemaVersion: z.literal(1),
  provider: z.enum(["aws", "azure", "gcp"]),
  generatedAt: z.iso.datetime(),
  /** What each source is: the public table it came from, its commit and the date its prices were read. */
  sources: z.record(z.string(), z.strictObject({ description: z.string(), asOf: z.iso.datetime() })),
  /** Region used for a type that a region does not list, per region prefix ("cn-" → "cn-north-1"); "" is the default. */
  homeRegions: z.record(z.string(), z.string()),
  shapes: z.record(z.string(), shapeTuple),
  regions: z.record(z.string(), catalogRegion),
});

export type CatalogFile = z.infer<typeof catalogFile>;
export type CatalogRegion = z.infer<typeof catalogRegion>;
export type CatalogProvider = CatalogFile["provider"];
export const CATALOG_PROVIDERS: readonly CatalogProvider[] = ["aws", "azure", "gcp"];
