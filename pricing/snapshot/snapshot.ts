import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import type { Config } from "../../config/schema.ts";
import { defaultEgressPrice, defaultNodePrice, defaultStoragePrice } from "../defaults.ts";
import { volumeTypeOf } from "../storage-classes.ts";
import type { EgressClass, NodePrice, NodePriceQuery, PriceBook, StoragePrice, StoragePriceQuery } from "../types.ts";

const nodeEntry = z.strictObject({
  provider: z.string(),
  region: z.string(),
  instanceType: z.string(),
  vcpu: z.number().positive(),
  memoryGiB: z.number().positive(),
  gpus: z.number().int().nonnegative(),
  onDemand: z.number().nonnegative(),
  onDemandSource: z.string(),
  spot: z.number().nonnegative().optional(),
  spotSource: z.string().optional(),
});

const storageEntry = z.strictObject({
  provider: z.string(),
  region: z.string(),
  volumeType: z.string(),
  gibMonth: z.number().nonnegative(),
  source: z.string(),
});

const snapshotFile = z.strictObject({
  schemaVersion: z.literal(1),
  asOf: z.iso.datetime(),
  notes: z.string().optional(),
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

export const SHIPPED_SNAPSHOT = fileURLToPath(new URL("./prices.json", import.meta.url));

/** Reads and validates a snapshot file (the shipped one by default). */
export function readPriceSnapshot(path: string = SHIPPED_SNAPSHOT): PriceSnapshot {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (cause) {
    throw new PriceSnapshotError(path, "cannot be read as JSON", { cause });
  }
  const parsed = snapshotFile.safeParse(raw);
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
 * Prices from the offline snapshot, falling back to OpenCost-style default rates for instance
 * types or volume types the snapshot does not list (source `opencost-default`).
 */
export class SnapshotPriceBook implements PriceBook {
  private readonly nodes = new Map<string, SnapshotNode>();
  private readonly storage = new Map<string, number>();
  private readonly asOfMs: number;
  private readonly pricing: Config["pricing"];

  constructor(snapshot: PriceSnapshot, pricing: Config["pricing"]) {
    this.pricing = pricing;
    this.asOfMs = Date.parse(snapshot.asOf);
    for (const n of snapshot.nodes) this.nodes.set(key(n.provider, n.region, n.instanceType), n);
    for (const s of snapshot.storage) this.storage.set(key(s.provider, s.region, s.volumeType), s.gibMonth);
  }

  /**
   * An unlisted size of a listed family in the same region ("m5.4xlarge" when "m5.xlarge" is listed)
   * is priced from a sibling, scaled by vCPUs: sizes of one family are priced linearly.
   */
  private familyPrice(query: NodePriceQuery, fallback: NodePrice): NodePrice | undefined {
    const family = familyOf(query.provider, query.instanceType);
    if (family === undefined || query.cpuCores <= 0 || query.gpus > 0) return undefined;
    const sibling = [...this.nodes.values()].find((n) => n.provider === query.provider && n.region === query.region && n.gpus === 0 && familyOf(n.provider, n.instanceType) === family);
    if (sibling === undefined) return undefined;
    const ratio = query.cpuCores / sibling.vcpu;
    const onDemand = sibling.onDemand * ratio;
    const spot = sibling.spot === undefined ? 0 : sibling.spot * ratio;
    if (query.capacityType === "SPOT" && spot <= 0) return { ...fallback, onDemandHourlyCost: onDemand };
    return { hourlyCost: query.capacityType === "SPOT" ? spot : onDemand, onDemandHourlyCost: onDemand, spotHourlyCost: spot, source: "snapshot-family", asOfMs: this.asOfMs };
  }

  nodePrice(query: NodePriceQuery): NodePrice {
    const entry = this.nodes.get(key(query.provider, query.region, query.instanceType));
    const fallback = defaultNodePrice(query, this.pricing.defaults, this.asOfMs);
    if (entry === undefined) return this.familyPrice(query, fallback) ?? fallback;
    const spot = entry.spot ?? 0;
    if (query.capacityType === "SPOT" && spot <= 0) {
      // Never price a spot node at on-demand: use the default spot estimate, flagged as such.
      return { ...fallback, onDemandHourlyCost: entry.onDemand };
    }
    return {
      hourlyCost: query.capacityType === "SPOT" ? spot : entry.onDemand,
      onDemandHourlyCost: entry.onDemand,
      spotHourlyCost: spot,
      source: "snapshot",
      asOfMs: this.asOfMs,
    };
  }

  storagePrice(query: StoragePriceQuery): StoragePrice {
    const volumeType = volumeTypeOf(query.provider, query.storageClass, this.pricing.storageClasses);
    const rate = volumeType === undefined ? undefined : this.storage.get(key(query.provider, query.region, volumeType));
    if (rate === undefined) return defaultStoragePrice(this.pricing.defaults, this.asOfMs);
    return { gibMonthlyRate: rate, source: "snapshot", asOfMs: this.asOfMs };
  }

  egressPrice(_provider: string, egress: EgressClass): number {
    return defaultEgressPrice(this.pricing.defaults, egress);
  }
}
