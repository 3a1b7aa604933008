/**
 * What the pipeline would charge for a node, per node and per resource, with the price's source and
 * as-of date: the rows of `kce prices show`, computed by the same book and split as the pricer.
 */
import type { Config } from "../config/schema.ts";
import type { CapacityType } from "../model/events.ts";
import { nodeRates } from "../processors/pricer/cost-model.ts";
import type { PriceCatalog } from "./catalog/catalog.ts";
import type { PriceBook, PriceSourceName } from "./types.ts";

export interface PriceAuditRow {
  provider: string;
  region: string;
  instanceType: string;
  capacityType: CapacityType;
  vcpu: number | undefined;
  memoryGiB: number | undefined;
  gpus: number | undefined;
  /** Per hour, what a node of this type is charged at. */
  hourly: number;
  onDemand: number;
  spot: number;
  currency: string;
  /** Per-resource rates per hour; undefined when the shape is unknown. */
  cpuCoreHour: number | undefined;
  ramGiBHour: number | undefined;
  gpuHour: number | undefined;
  source: PriceSourceName;
  /** True when the price is not a listed price of this type in this region. */
  fallback: boolean;
  asOf: string;
}

const EXACT: ReadonlySet<PriceSourceName> = new Set(["snapshot", "custom", "aws-pricing-api", "aws-spot-history", "gcp-billing-catalog", "azure-retail-prices"]);

export interface AuditQuery {
  provider: string;
  region: string;
  instanceType: string;
  capacityType: CapacityType;
  /** Shape to price when the catalog does not know the type's (or to override it). */
  shape?: { vcpu: number; memoryGiB: number; gpus: number };
}

/** One row: the book's price for the type and the split the pricer would use. */
export function auditPrice(book: PriceBook, catalog: PriceCatalog, pricing: Config["pricing"], q: AuditQuery): PriceAuditRow {
  const known = catalog.shape(q.provider, q.instanceType);
  const shape = q.shape ?? (known === undefined ? undefined : { vcpu: known[0], memoryGiB: known[1], gpus: known[2] });
  const price = book.nodePrice({
    provider: q.provider,
    region: q.region,
    zone: "",
    instanceType: q.instanceType,
    capacityType: q.capacityType,
    cpuCores: shape?.vcpu ?? 0,
    memoryGiB: shape?.memoryGiB ?? 0,
    gpus: shape?.gpus ?? 0,
  });
  const rates = shape === undefined ? undefined : nodeRates(price, { cpuCores: shape.vcpu, memoryGiB: shape.memoryGiB, gpus: shape.gpus }, q.capacityType, pricing, q.provider);
  return {
    provider: q.provider,
    region: q.region,
    instanceType: q.instanceType,
    capacityType: q.capacityType,
    vcpu: shape?.vcpu,
    memoryGiB: shape?.memoryGiB,
    gpus: shape?.gpus,
    hourly: price.hourlyCost,
    onDemand: price.onDemandHourlyCost,
    spot: price.spotHourlyCost,
    currency: price.currency ?? "USD",
    cpuCoreHour: rates?.cpuCoreHour,
    ramGiBHour: rates?.ramGiBHour,
    gpuHour: shape !== undefined && shape.gpus > 0 ? rates?.gpuHour : undefined,
    source: price.source,
    fallback: !EXACT.has(price.source),
    asOf: new Date(price.asOfMs).toISOString().slice(0, 10),
  };
}
