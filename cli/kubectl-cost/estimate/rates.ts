import { azureBilledGiB } from "../../../pricing/azure/disk-tiers.ts";
import { volumeTypeOf } from "../../../pricing/storage-classes.ts";
import type { AverageRates } from "../../../api/rates.ts";
import { validateConfig } from "../../../config/load.ts";
import type { Config } from "../../../config/schema.ts";
import type { CapacityType } from "../../../model/events.ts";
import { nodeRates } from "../../../processors/pricer/cost-model.ts";
import { shippedCatalog } from "../../../pricing/catalog/catalog.ts";
import { nodePriceInPipelineCurrency, toPipelineCurrency } from "../../../pricing/currency.ts";
import { defaultsFor, GIB } from "../../../pricing/defaults.ts";
import { readPriceSnapshot, SnapshotPriceBook } from "../../../pricing/snapshot/snapshot.ts";
import { ManifestError } from "./manifests.ts";

/** Prices for an estimate: per core-hour, GiB-hour, GPU-hour, and storage per GiB-month by class. */
export interface EstimateRates {
  cpuCoreHour: number;
  ramGiBHour: number;
  gpuHour: number;
  storageGiBMonth: (storageClass: string) => number;
  /** GiB a volume of a class is billed for (Azure managed disks: their size tier). */
  billedGiB: (storageClass: string, gib: number) => number;
  /** The volume type a class resolves to ("" when unknown: the default storage rate). */
  volumeType: (storageClass: string) => string;
  /** Where the rates came from, printed under the table. */
  source: string;
  /** The node the rates are for, when one instance type is priced: what a pod must fit in. */
  node?: { instanceType: string; vcpu: number; memoryGiB: number; gpus: number };
}

export const DEFAULT_REGION: Record<string, string> = { aws: "us-east-1", gcp: "us-central1", azure: "eastus" };

const fmt = (n: number) => n.toFixed(6).replace(/0+$/, "").replace(/\.$/, "");

/** The estimate's pricing config: the defaults, plus the input's StorageClasses' volume types. */
function pricingWith(storageClasses: Record<string, { volumeType: string }>): Config["pricing"] {
  return validateConfig({ pricing: { storageClasses } }).pricing;
}

function storage(book: SnapshotPriceBook, pricing: Config["pricing"], provider: string, region: string): Pick<EstimateRates, "storageGiBMonth" | "volumeType" | "billedGiB"> {
  return {
    billedGiB: (storageClass, gib) => {
      const type = provider === "azure" ? volumeTypeOf(provider, storageClass, pricing.storageClasses) : undefined;
      return type === undefined ? gib : azureBilledGiB(type, gib);
    },
    storageGiBMonth: (storageClass) => {
      const p = book.storagePrice({ provider, region, storageClass });
      return toPipelineCurrency(pricing, p.gibMonthlyRate, p.currency, `storage class ${storageClass}`);
    },
    volumeType: (storageClass) => {
      const p = book.storagePrice({ provider, region, storageClass });
      return p.source === "opencost-default" ? "" : (pricing.storageClasses[storageClass]?.volumeType ?? storageClass) + (p.source === "snapshot-region" ? " (home-region price)" : "");
    },
  };
}

/** Rates of one instance type of any region the offline book knows, split exactly as the pricer splits it. */
export function instanceRates(instanceType: string, provider: string, region: string, capacityType: CapacityType, storageClasses: Record<string, { volumeType: string }> = {}): EstimateRates {
  const pricing = pricingWith(storageClasses);
  const catalog = shippedCatalog();
  const shape = catalog.shape(provider, instanceType);
  const listed = catalog.lookup(provider, region, instanceType) !== undefined;
  if (!listed || shape === undefined) {
    const why = !listed ? "is not in the offline price book" : "has no known shape (vCPUs, memory)";
    throw new ManifestError(`--instance-type ${instanceType} (${provider} ${region}) ${why}; \`kce prices show --provider ${provider} --region ${region}\` lists the types it knows`);
  }
  const [vcpu, memoryGiB, gpus] = shape;
  const book = new SnapshotPriceBook(readPriceSnapshot(), pricing);
  const price = nodePriceInPipelineCurrency(pricing, book.nodePrice({ provider, region, zone: "", instanceType, capacityType, cpuCores: vcpu, memoryGiB, gpus }), `${provider} ${instanceType} in ${region}`);
  const r = nodeRates(price, { cpuCores: vcpu, memoryGiB, gpus }, capacityType, pricing, provider);
  return {
    cpuCoreHour: r.cpuCoreHour,
    ramGiBHour: r.ramGiBHour,
    // A type without GPUs has no GPU rate: a GPU request on it is flagged, and priced at the default rate.
    gpuHour: gpus > 0 ? r.gpuHour : defaultsFor(pricing, provider).gpuHour,
    ...storage(book, pricing, provider, region),
    source: `${provider} ${region} ${instanceType} ${capacityType === "SPOT" ? "spot" : "on-demand"} $${fmt(price.hourlyCost)}/h (${price.source} as of ${new Date(price.asOfMs).toISOString().slice(0, 10)})`,
    node: { instanceType, vcpu, memoryGiB, gpus },
  };
}

/** OpenCost's default rates: the offline fallback. */
export function defaultRates(storageClasses: Record<string, { volumeType: string }> = {}, provider = "aws"): EstimateRates {
  const pricing = pricingWith(storageClasses);
  const d = defaultsFor(pricing, provider);
  const book = new SnapshotPriceBook(readPriceSnapshot(), pricing);
  return {
    cpuCoreHour: d.cpuCoreHour,
    ramGiBHour: d.ramGiBHour,
    gpuHour: d.gpuHour,
    ...storage(book, pricing, provider, DEFAULT_REGION[provider] ?? "us-east-1"),
    source: "OpenCost default rates (pass --instance-type, or connect to a cluster, for real prices)",
  };
}

/** The connected cluster's capacity-weighted average rates (from the API's /rates). */
export function clusterRates(average: AverageRates, describe: string, storageClasses: Record<string, { volumeType: string }> = {}, provider = "aws"): EstimateRates {
  const pricing = pricingWith(storageClasses);
  const book = new SnapshotPriceBook(readPriceSnapshot(), pricing);
  return {
    cpuCoreHour: average.cpuCoreHour,
    ramGiBHour: average.ramGiBHour,
    gpuHour: average.gpuHour > 0 ? average.gpuHour : defaultsFor(pricing, provider).gpuHour,
    ...storage(book, pricing, provider, DEFAULT_REGION[provider] ?? "us-east-1"),
    source: `the cluster's current node mix (${average.nodes} nodes, ${describe})`,
  };
}

export const bytesToGiB = (bytes: number): number => bytes / GIB;
