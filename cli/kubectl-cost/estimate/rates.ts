import type { AverageRates } from "../../../api/rates.ts";
import { validateConfig } from "../../../config/load.ts";
import type { CapacityType } from "../../../model/events.ts";
import { GIB } from "../../../pricing/defaults.ts";
import { readPriceSnapshot, SnapshotPriceBook } from "../../../pricing/snapshot/snapshot.ts";
import { splitNodePrice } from "../../../pricing/split.ts";
import { ManifestError } from "./manifests.ts";

/** Prices for an estimate: per core-hour, GiB-hour, GPU-hour, and storage per GiB-month by class. */
export interface EstimateRates {
  cpuCoreHour: number;
  ramGiBHour: number;
  gpuHour: number;
  storageGiBMonth: (storageClass: string) => number;
  /** Where the rates came from, printed under the table. */
  source: string;
}

export const DEFAULT_REGION: Record<string, string> = { aws: "us-east-1", gcp: "us-central1", azure: "eastus" };

const config = validateConfig({});
const fmt = (n: number) => n.toFixed(6).replace(/0+$/, "").replace(/\.$/, "");

function storage(book: SnapshotPriceBook, provider: string, region: string): (storageClass: string) => number {
  return (storageClass) => book.storagePrice({ provider, region, storageClass }).gibMonthlyRate;
}

/** Rates of one instance type from the shipped price snapshot (split the OpenCost way). */
export function instanceRates(instanceType: string, provider: string, region: string, capacityType: CapacityType): EstimateRates {
  const snapshot = readPriceSnapshot();
  const entry = snapshot.nodes.find((n) => n.provider === provider && n.region === region && n.instanceType === instanceType);
  if (entry === undefined) {
    const known = snapshot.nodes.filter((n) => n.provider === provider).map((n) => `${n.instanceType} (${n.region})`);
    throw new ManifestError(`--instance-type ${instanceType} in ${provider}/${region} is not in the price snapshot; known: ${known.join(", ") || "none for this provider"}`);
  }
  const book = new SnapshotPriceBook(snapshot, config.pricing);
  const price = book.nodePrice({ provider, region, zone: "", instanceType, capacityType, cpuCores: entry.vcpu, memoryGiB: entry.memoryGiB, gpus: entry.gpus });
  const r = splitNodePrice(price.hourlyCost, { cpuCores: entry.vcpu, memoryGiB: entry.memoryGiB, gpus: entry.gpus }, config.pricing.defaults);
  return {
    cpuCoreHour: r.cpuCoreHour,
    ramGiBHour: r.ramGiBHour,
    gpuHour: r.gpuHour > 0 ? r.gpuHour : config.pricing.defaults.gpuHour,
    storageGiBMonth: storage(book, provider, region),
    source: `${provider} ${region} ${instanceType} ${capacityType === "SPOT" ? "spot" : "on-demand"} $${fmt(price.hourlyCost)}/h (${price.source} as of ${new Date(price.asOfMs).toISOString().slice(0, 10)})`,
  };
}

/** OpenCost's default rates: the offline fallback. */
export function defaultRates(): EstimateRates {
  const d = config.pricing.defaults;
  return {
    cpuCoreHour: d.cpuCoreHour,
    ramGiBHour: d.ramGiBHour,
    gpuHour: d.gpuHour,
    storageGiBMonth: () => d.storageGiBMonth,
    source: "OpenCost default rates (pass --instance-type, or connect to a cluster, for real prices)",
  };
}

/** The connected cluster's capacity-weighted average rates (from the API's /rates). */
export function clusterRates(average: AverageRates, describe: string): EstimateRates {
  const book = new SnapshotPriceBook(readPriceSnapshot(), config.pricing);
  return {
    cpuCoreHour: average.cpuCoreHour,
    ramGiBHour: average.ramGiBHour,
    gpuHour: average.gpuHour > 0 ? average.gpuHour : config.pricing.defaults.gpuHour,
    storageGiBMonth: storage(book, "aws", "us-east-1"),
    source: `the cluster's current node mix (${average.nodes} nodes, ${describe})`,
  };
}

export const bytesToGiB = (bytes: number): number => bytes / GIB;
