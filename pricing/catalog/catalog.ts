import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { catalogFile, type CatalogFile, type CatalogProvider } from "./format.ts";
import { packagePath } from "../../model/paths.ts";

/** Where the shipped catalog files live. */
export const CATALOG_DIR = packagePath("pricing", "catalog") + "/";

/** A catalog file is present but cannot be used; the message names the file. */
export class PriceCatalogError extends Error {
  override readonly name = "PriceCatalogError";
}

export interface CatalogEntry {
  provider: CatalogProvider;
  /** The region the price is listed for (the home region when `regionFallback`). */
  region: string;
  instanceType: string;
  currency: string;
  onDemand: number;
  /** Spot price when the public source lists one. */
  spot?: number;
  /** [vCPUs, GiB, GPUs] when known. */
  shape?: [number, number, number];
  /** Key of the source and what it is. */
  source: string;
  sourceDescription: string;
  asOfMs: number;
  /** The region asked for does not list the type; this is the home region's price. */
  regionFallback: boolean;
}

function isProvider(p: string): p is CatalogProvider {
  return p === "aws" || p === "azure" || p === "gcp";
}

/**
 * The offline catalog of list prices for every instance type the public tables know, per cloud and
 * region. Files are read on first use of a cloud (agents never load them), then kept.
 */
export class PriceCatalog {
  private readonly dir: string;
  private readonly files = new Map<CatalogProvider, CatalogFile | undefined>();

  constructor(dir: string = CATALOG_DIR) {
    this.dir = dir;
  }

  /** The parsed file of a cloud, or undefined when the cloud has none. */
  file(provider: string): CatalogFile | undefined {
    if (!isProvider(provider)) return undefined;
    if (this.files.has(provider)) return this.files.get(provider);
    const path = join(this.dir, `${provider}.json.gz`);
    let file: CatalogFile | undefined;
    if (existsSync(path)) {
      let raw: unknown;
      try {
        raw = JSON.parse(gunzipSync(readFileSync(path)).toString("utf8"));
      } catch (cause) {
        throw new PriceCatalogError(`price catalog ${path}: not gzipped JSON: ${(cause as Error).message}`, { cause });
      }
      const parsed = catalogFile.safeParse(raw);
      if (!parsed.success) throw new PriceCatalogError(`price catalog ${path}: ${parsed.error.issues[0]?.path.join(".") ?? ""}: ${parsed.error.issues[0]?.message ?? "invalid"}`);
      file = parsed.data;
    }
    this.files.set(provider, file);
    return file;
  }

  /** The region whose prices stand in for a region the catalog does not list a type in. */
  homeRegion(provider: string, region: string): string | undefined {
    const homes = this.file(provider)?.homeRegions ?? {};
    const prefix = Object.keys(homes)
      .filter((p) => p !== "" && region.startsWith(p))
      .sort((a, b) => b.length - a.length)[0];
    return homes[prefix ?? ""];
  }

  /** The listed price of a type in a region, else (flagged) the same type in the region's home region. */
  lookup(provider: string, region: string, instanceType: string): CatalogEntry | undefined {
    const exact = this.entry(provider, region, instanceType, false);
    if (exact !== undefined) return exact;
    const home = this.homeRegion(provider, region);
    return home === undefined || home === region ? undefined : this.entry(provider, home, instanceType, true);
  }

  /** [vCPUs, GiB, GPUs] of a type, when the catalog knows it. */
  shape(provider: string, instanceType: string): [number, number, number] | undefined {
    return this.file(provider)?.shapes[instanceType];
  }

  regions(provider: string): string[] {
    return Object.keys(this.file(provider)?.regions ?? {}).sort();
  }

  /** The currency of a region's prices, when the catalog lists the region. */
  currency(provider: string, region: string): string | undefined {
    return this.file(provider)?.regions[region]?.currency;
  }

  instanceTypes(provider: string, region: string): string[] {
    return Object.keys(this.file(provider)?.regions[region]?.onDemand ?? {}).sort();
  }

  private entry(provider: string, region: string, instanceType: string, regionFallback: boolean): CatalogEntry | undefined {
    const file = this.file(provider);
    const r = file?.regions[region];
    const onDemand = r?.onDemand[instanceType];
    if (file === undefined || r === undefined || onDemand === undefined || !isProvider(provider)) return undefined;
    const spot = r.spot?.[instanceType];
    const shape = file.shapes[instanceType];
    const src = file.sources[r.source];
    return {
      provider,
      region,
      instanceType,
      currency: r.currency,
      onDemand,
      ...(spot === undefined ? {} : { spot }),
      ...(shape === undefined ? {} : { shape }),
      source: r.source,
      sourceDescription: src?.description ?? r.source,
      asOfMs: Date.parse(src?.asOf ?? file.generatedAt),
      regionFallback,
    };
  }
}

let shared: PriceCatalog | undefined;

/** The process-wide catalog of the shipped files. */
export function shippedCatalog(): PriceCatalog {
  shared ??= new PriceCatalog();
  return shared;
}
