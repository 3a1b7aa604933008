import { readFileSync } from "node:fs";
import * as z from "../../model/zod.ts";
import type { Config } from "../../config/schema.ts";
import { shippedCatalog, type CatalogEntry, type PriceCatalog } from "../catalog/catalog.ts";
import { familyEstimate, type Sibling } from "../catalog/family.ts";
import { defaultEgressPrice, defaultNodePrice, defaultStoragePrice, defaultsFor } from "../defaults.ts";
import { toPipelineCurrency } from "../currency.ts";
import { volumeTypeOf } from "../storage-classes.ts";
import type { EgressClass, NodePrice, NodePriceQuery, PriceBook, StoragePrice, StoragePriceQuery } from "../types.ts";
import { packagePath } from "../../model/paths.ts";

const nodeEntry = z.strictObject({
  provider: z.string(),
  region: z.string(),
  instanceType: z.string(),
  vcpu: z.number().check(z.positive()),
  memoryGiB: z.number().check(z.positive()),
  gpus: z.int().check(z.nonnegative()),
  onDemand: z.number().check(z.nonnegative()),
  onDemandSource: z.string(),
  spot: z.optional(z.number().check(z.nonnegative())),
  spotSource: z.optional(z.string()),
});

const storageEntry = z.strictObject({
  provider: z.string(),
  region: z.string(),
  volumeType: z.string(),
  gibMonth: z.number().check(z.nonnegative()),
  source: z.string(),
});

const snapshotFile = z.strictObject({
  schemaVersion: z.literal(1),
  asOf: z.iso.datetime(),
  notes: z.optional(z.string()),
  sources: z.record(z.string(), z.string()),
  nodes: z.array(nodeEntry),
  storage: z.array(storageEntry),
});

export type PriceSnapshot = z.infer<typeof snapshotFile>;
export type SnapshotNode = z.infer<typeof nodeEntry>;

/** Raised when a price snapshot file is missing or malformed. */
export class PriceSnapshotError extends Error {
  override readonly name = "PriceSnapshotError";
  constructor(path: string, message: string, options?: { cause?: unknown }) {
    super(`price snapshot ${path}: ${message}`, options);
  }
}

export const SHIPPED_SNAPSHOT = packagePath("pricing", "snapshot", "prices.json");

/** Reads and validates a snapshot file (the shipped one by default). */
export function readPriceSnapshot(path: string = SHIPPED_SNAPSHOT): PriceSnapshot {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (cause) {
    throw new PriceSnapshotError(path, "cannot be read as JSON", { cause });
  }
  const parsed = z.safeParse(snapshotFile, raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PriceSnapshotError(path, `${issue?.path.join(".") ?? ""}: ${issue?.message ?? "invalid"}`);
  }
  for (const entry of [...parsed.data.nodes.map((n) => n.onDemandSource), ...parsed.data.storage.map((s) => s.source)]) {
    if (parsed.data.sources[entry] === undefined) throw new PriceSnapshotError(path, `source "${entry}" is not described in sources`);
  }
  return parsed.data;
}

const key = (...parts: string[]): string => parts.join("|");

/** Distinct node shapes whose resolved price is kept (a cluster has far fewer). */
const MAX_RESOLVED = 10_000;

/** The family of an instance type: "m5" of "m5.xlarge", "n2-standard" of "n2-standard-4", "Standard_D_v5" of "Standard_D4s_v5". */
export function familyOf(provider: string, instanceType: string): string | undefined {
  if (provider === "aws") return /^([a-z0-9-]+)\.[a-z0-9]+$/.exec(instanceType)?.[1];
  if (provider === "gcp") return /^([a-z0-9]+-[a-z]+)-\d+$/.exec(instanceType)?.[1];
  if (provider === "azure") {
    const m = /^(Standard_[A-Z]+)\d+([a-z]*)(_v\d+)?$/.exec(instanceType);
    return m === null ? undefined : `${m[1] ?? ""}${m[2] ?? ""}${m[3] ?? ""}`;
  }
  return undefined;
}

/**
 * Offline prices, in this order (DESIGN.md §3, pricing/README.md "Offline prices"):
 * 1. the snapshot file (`pricing.snapshotFile`, hand-kept overrides) — source `snapshot`;
 * 2. the shipped catalog, every type of every region its public tables list — source `snapshot`,
 *    in the region's currency (CNY in AWS China);
 * 3. the same type in the cloud's home region (us-east-1, eastus, us-central1; cn-north-1 for China,
 *    us-gov-west-1 for GovCloud) when the region does not list it — source `snapshot-region`;
 * 4. an unlisted size of a listed family, fitted from its siblings' prices — source `snapshot-family`;
 * 5. OpenCost-style default rates × the node's shape — source `opencost-default`.
 * A spot node whose spot price is unknown gets the default spot rates, never the on-demand price.
 */
export class SnapshotPriceBook implements PriceBook {
  private readonly nodes = new Map<string, SnapshotNode>();
  private readonly storage = new Map<string, number>();
  private readonly asOfMs: number;
  private readonly pricing: Config["pricing"];
  private readonly catalog: PriceCatalog;

  constructor(snapshot: PriceSnapshot, pricing: Config["pricing"], catalog: PriceCatalog = shippedCatalog()) {
    this.pricing = pricing;
    this.catalog = catalog;
    this.asOfMs = Date.parse(snapshot.asOf);
    for (const n of snapshot.nodes) this.nodes.set(key(n.provider, n.region, n.instanceType), n);
    for (const s of snapshot.storage) this.storage.set(key(s.provider, s.region, s.volumeType), s.gibMonth);
  }

  /** An unlisted size priced from the listed sizes of its family in the region (or its home region). */
  private familyPrice(query: NodePriceQuery): NodePrice | undefined {
    const family = familyOf(query.provider, query.instanceType);
    if (family === undefined || query.cpuCores <= 0) return undefined;
    const region = this.catalog.instanceTypes(query.provider, query.region).length > 0 ? query.region : this.catalog.homeRegion(query.provider, query.region);
    const currency = region === undefined ? undefined : this.catalog.currency(query.provider, region);
    if (region === undefined || currency === undefined) return undefined;
    const types = this.catalog.instanceTypes(query.provider, region);
    const siblings = (kind: "onDemand" | "spot"): Sibling[] =>
      types.flatMap((t) => {
        if (familyOf(query.provider, t) !== family) return [];
        const e = this.catalog.lookup(query.provider, region, t);
        const price = kind === "spot" ? e?.spot : e?.onDemand;
        if (e?.shape === undefined || price === undefined || e.shape[2] !== query.gpus) return [];
        return [{ vcpu: e.shape[0], memoryGiB: e.shape[1], price }];
      });
    const target = { vcpu: query.cpuCores, memoryGiB: query.memoryGiB };
    const weights = defaultsFor(this.pricing, query.provider);
    const onDemand = familyEstimate(siblings("onDemand"), target, weights);
    if (onDemand === undefined) return undefined;
    const spot = familyEstimate(siblings("spot"), target, weights) ?? 0;
    return this.priced(query, { onDemand, spot, source: "snapshot-family", asOfMs: this.asOfMs, currency });
  }

  private priced(query: NodePriceQuery, p: { onDemand: number; spot: number; source: NodePrice["source"]; asOfMs: number; currency: string }): NodePrice {
    if (query.capacityType === "SPOT" && p.spot <= 0) {
      // Never price a spot node at on-demand: the list price × the default spot-to-on-demand ratio
      // of this shape, flagged as a default estimate.
      const d = defaultNodePrice(query, defaultsFor(this.pricing, query.provider), this.asOfMs);
      const spot = d.onDemandHourlyCost > 0 ? (p.onDemand * d.spotHourlyCost) / d.onDemandHourlyCost : d.spotHourlyCost;
      return { hourlyCost: spot, onDemandHourlyCost: p.onDemand, spotHourlyCost: spot, source: "opencost-default", asOfMs: this.asOfMs, currency: p.currency };
    }
    return { hourlyCost: query.capacityType === "SPOT" ? p.spot : p.onDemand, onDemandHourlyCost: p.onDemand, spotHourlyCost: p.spot, source: p.source, asOfMs: p.asOfMs, currency: p.currency };
  }

  private fromCatalog(query: NodePriceQuery, e: CatalogEntry): NodePrice {
    return this.priced(query, { onDemand: e.onDemand, spot: e.spot ?? 0, source: e.regionFallback ? "snapshot-region" : "snapshot", asOfMs: e.asOfMs, currency: e.currency });
  }

  /** Resolved prices per query: the fallbacks scan a region's types, so the pricer's hot path must not repeat them. */
  private readonly resolved = new Map<string, NodePrice>();

  nodePrice(query: NodePriceQuery): NodePrice {
    const k = key(query.provider, query.region, query.instanceType, query.capacityType, String(query.cpuCores), String(query.memoryGiB), String(query.gpus));
    let price = this.resolved.get(k);
    if (price === undefined) {
      if (this.resolved.size >= MAX_RESOLVED) this.resolved.clear();
      price = this.resolve(query);
      this.resolved.set(k, price);
    }
    return price;
  }

  private resolve(query: NodePriceQuery): NodePrice {
    const entry = this.nodes.get(key(query.provider, query.region, query.instanceType));
    if (entry !== undefined) return this.priced(query, { onDemand: entry.onDemand, spot: entry.spot ?? 0, source: "snapshot", asOfMs: this.asOfMs, currency: "USD" });
    // The type listed in this region or (flagged) its home region; else fitted from its family; else defaults.
    const listed = this.catalog.lookup(query.provider, query.region, query.instanceType);
    if (listed !== undefined) return this.fromCatalog(query, listed);
    return this.familyPrice(query) ?? defaultNodePrice(query, defaultsFor(this.pricing, query.provider), this.asOfMs);
  }

  storagePrice(query: StoragePriceQuery): StoragePrice {
    const volumeType = volumeTypeOf(query.provider, query.storageClass, this.pricing.storageClasses);
    if (volumeType === undefined) return defaultStoragePrice(defaultsFor(this.pricing, query.provider), this.asOfMs);
    const rate = this.storage.get(key(query.provider, query.region, volumeType));
    if (rate !== undefined) return { gibMonthlyRate: rate, source: "snapshot", asOfMs: this.asOfMs };
    // The volume type's price in the cloud's home region beats the generic default, flagged as a fallback.
    const home = this.catalog.homeRegion(query.provider, query.region);
    const homeRate = home === undefined ? undefined : this.storage.get(key(query.provider, home, volumeType));
    if (homeRate !== undefined) return { gibMonthlyRate: homeRate, source: "snapshot-region", asOfMs: this.asOfMs };
    return defaultStoragePrice(defaultsFor(this.pricing, query.provider), this.asOfMs);
  }

  /** Per GiB in pricing.currency (the default rates are USD, converted with pricing.exchangeRates). */
  egressPrice(provider: string, egress: EgressClass): number {
    return toPipelineCurrency(this.pricing, defaultEgressPrice(defaultsFor(this.pricing, provider), egress), "USD", "the default egress rate");
  }
}
