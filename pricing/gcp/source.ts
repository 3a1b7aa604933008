import type { CloudCatalogClient } from "@google-cloud/billing";
import type { PricingCaller } from "../engine/call.ts";
import { regionWideZone, type CloudPriceSource, type OnDemandPrice, type SpotPrice, type StorageRates } from "../engine/source.ts";
import { machineFamily, machineShape, type MachineShape } from "./shapes.ts";

/** Compute Engine's service id in the Cloud Billing Catalog. */
export const COMPUTE_ENGINE = "services/6F81-5844-456A";

interface Money {
  currencyCode?: string | null;
  units?: string | number | null;
  nanos?: number | null;
}

export interface CatalogSku {
  description?: string | null;
  category?: { resourceGroup?: string | null; usageType?: string | null } | null;
  serviceRegions?: string[] | null;
  pricingInfo?: Array<{ pricingExpression?: { usageUnit?: string | null; tieredRates?: Array<{ startUsageAmount?: number | null; unitPrice?: Money | null }> | null } | null }> | null;
}

const usd = (m: Money | null | undefined): number => Number(m?.units ?? 0) + (m?.nanos ?? 0) / 1e9;

/** The first tier's price of a SKU, per its usage unit (h for cores, GiBy.h for memory). */
function skuPrice(sku: CatalogSku): number | undefined {
  const rates = sku.pricingInfo?.[0]?.pricingExpression?.tieredRates ?? [];
  const first = rates.find((r) => (r.startUsageAmount ?? 0) === 0) ?? rates[0];
  // The request asks for USD; a price in any other currency is not a USD price and is not read as one.
  const code = first?.unitPrice?.currencyCode;
  if (first === undefined || (code !== undefined && code !== null && code !== "" && code !== "USD")) return undefined;
  return usd(first.unitPrice);
}

export interface FamilyRates {
  corePerHour: number;
  ramGiBPerHour: number;
}

/**
 * The per-vCPU and per-GiB rates of a machine family in a region, on-demand or spot, from the
 * catalog's Compute SKUs ("N2 Instance Core running in Americas", "Spot Preemptible N2 Instance Ram
 * running in Americas", "T2D AMD Instance Core …"); custom, sole-tenancy and commitment SKUs are not
 * list prices of predefined types and are skipped.
 */
export function familyRates(skus: readonly CatalogSku[], family: string, region: string, spot: boolean): FamilyRates | undefined {
  const pattern = new RegExp(`^(Spot Preemptible )?${family}( AMD| Intel| Arm)? (Predefined )?Instance (Core|Ram) running in`, "i");
  let core: number | undefined;
  let ram: number | undefined;
  for (const sku of skus) {
    const d = sku.description ?? "";
    const m = pattern.exec(d);
    if (m === null || !(sku.serviceRegions ?? []).includes(region)) continue;
    const preemptible = (sku.category?.usageType ?? "") === "Preemptible";
    if (preemptible !== spot) continue;
    const price = skuPrice(sku);
    if (price === undefined) continue;
    if (m[4]?.toLowerCase() === "core") core = price;
    else ram = price;
  }
  return core === undefined || ram === undefined ? undefined : { corePerHour: core, ramGiBPerHour: ram };
}

/**
 * GKE accelerator types (the `cloud.google.com/gke-accelerator` label) → the catalog's name of their GPU
 * SKU ("Nvidia Tesla T4 GPU running in Americas"). GPUs are billed as their own SKUs beside the machine's
 * core and RAM SKUs, whether attached to an N1 machine or included in an A2/A3/G2 type. Names as Google's
 * catalog spells them (its A100 SKU is in test/fixtures/pricing/gcp/skus.json, from OpenCost's recorded
 * catalog; the others as GPU-pricing projects match them, e.g. "Nvidia L4 GPU running in …").
 */
const GPU_SKU: Record<string, string> = {
  "nvidia-tesla-k80": "Nvidia Tesla K80",
  "nvidia-tesla-p4": "Nvidia Tesla P4",
  "nvidia-tesla-p100": "Nvidia Tesla P100",
  "nvidia-tesla-v100": "Nvidia Tesla V100",
  "nvidia-tesla-t4": "Nvidia Tesla T4",
  "nvidia-tesla-a100": "Nvidia Tesla A100",
  "nvidia-a100-80gb": "Nvidia Tesla A100 80GB",
  "nvidia-l4": "Nvidia L4",
  "nvidia-h100-80gb": "Nvidia H100 80GB",
  "nvidia-h100-mega-80gb": "Nvidia H100 80GB Mega",
};

/** The accelerator type of the GPUs an accelerator-optimized machine type includes. */
function includedAccelerator(machineType: string): string | undefined {
  const t = machineType.toLowerCase();
  if (t.startsWith("a2-ultragpu-")) return "nvidia-a100-80gb";
  if (t.startsWith("a2-highgpu-") || t.startsWith("a2-megagpu-")) return "nvidia-tesla-a100";
  if (t.startsWith("a3-megagpu-")) return "nvidia-h100-mega-80gb";
  if (t.startsWith("a3-highgpu-") || t.startsWith("a3-edgegpu-")) return "nvidia-h100-80gb";
  if (t.startsWith("g2-standard-")) return "nvidia-l4";
  return undefined;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * The per-hour price of one GPU in a region, on-demand or spot: "Nvidia L4 GPU running in Americas",
 * "Nvidia L4 GPU attached to Spot Preemptible VMs running in Virginia" (spot SKUs have usage type
 * Preemptible); commitment and reserved SKUs are not list prices.
 */
export function gpuRate(skus: readonly CatalogSku[], gpu: string, region: string, spot: boolean): number | undefined {
  const pattern = new RegExp(`^(Spot Preemptible )?${escapeRegExp(gpu)} GPU (attached to Spot Preemptible VMs )?running in`, "i");
  for (const sku of skus) {
    if (!pattern.test(sku.description ?? "") || !(sku.serviceRegions ?? []).includes(region)) continue;
    if (((sku.category?.usageType ?? "") === "Preemptible") !== spot) continue;
    const price = skuPrice(sku);
    if (price !== undefined) return price;
  }
  return undefined;
}

/**
 * GCE prices from the Cloud Billing Catalog (`CloudCatalogClient.listSkus` of Compute Engine) with the
 * default credentials (Workload Identity, GOOGLE_APPLICATION_CREDENTIALS) or an API key: a node's
 * price = its machine type's vCPUs × the family's core rate + GiB × the RAM rate, on-demand or spot.
 * The catalog is fetched once per refresh and shared by every type and region.
 */
export class GcpPriceSource implements CloudPriceSource {
  readonly provider = "gcp";
  private readonly connect: () => Promise<CloudCatalogClient>;
  private client: Promise<CloudCatalogClient> | undefined;
  private readonly caller: PricingCaller;
  private catalog: { skus: CatalogSku[]; atMs: number } | undefined;
  private readonly maxAgeMs: number;

  constructor(connect: () => Promise<CloudCatalogClient>, caller: PricingCaller, maxAgeMs: number) {
    this.connect = connect;
    this.caller = caller;
    this.maxAgeMs = maxAgeMs;
  }

  private async skus(): Promise<CatalogSku[]> {
    if (this.catalog !== undefined && Date.now() - this.catalog.atMs < this.maxAgeMs) return this.catalog.skus;
    this.client ??= this.connect();
    const client = await this.client;
    const skus: CatalogSku[] = [];
    let pageToken = "";
    do {
      const request = { parent: COMPUTE_ENGINE, currencyCode: "USD", pageSize: 5000, ...(pageToken === "" ? {} : { pageToken }) };
      const [page, next] = await this.caller.call("ListSkus", () => client.listSkus(request, { autoPaginate: false }));
      skus.push(...(page as CatalogSku[]));
      pageToken = next?.pageToken ?? "";
    } while (pageToken !== "");
    this.catalog = { skus, atMs: Date.now() };
    return skus;
  }

  /**
   * The machine type's price from the family rates, with the shape it was computed from; for the
   * accelerator-optimized types (A2, A3, G2) plus their GPUs at the GPU SKU's price, which is also
   * returned so the split gives the GPUs their own list price.
   */
  private async price(region: string, machineType: string, spot: boolean): Promise<{ hourly: number; shape: MachineShape; gpuListHour?: number } | undefined> {
    const shape = machineShape(machineType);
    const skus = await this.skus();
    const rates = familyRates(skus, machineFamily(machineType), region, spot);
    if (shape === undefined || rates === undefined) return undefined;
    const hourly = shape.vcpu * rates.corePerHour + shape.memoryGiB * rates.ramGiBPerHour;
    const gpus = shape.gpus ?? 0;
    if (gpus === 0) return { hourly, shape };
    const name = GPU_SKU[includedAccelerator(machineType) ?? ""];
    const gpu = name === undefined ? undefined : gpuRate(skus, name, region, spot);
    return gpu === undefined ? undefined : { hourly: hourly + gpus * gpu, shape, gpuListHour: gpu };
  }

  async onDemand(region: string, machineType: string): Promise<OnDemandPrice | undefined> {
    const p = await this.price(region, machineType, false);
    if (p === undefined) return undefined;
    return { hourly: p.hourly, vcpu: p.shape.vcpu, memoryGiB: p.shape.memoryGiB, ...(p.gpuListHour === undefined ? {} : { gpus: p.shape.gpus ?? 0, gpuListHour: p.gpuListHour }) };
  }

  async spot(region: string, machineTypes: readonly string[]): Promise<SpotPrice[]> {
    const out: SpotPrice[] = [];
    for (const t of machineTypes) {
      const p = await this.price(region, t, true);
      if (p !== undefined) out.push({ zone: regionWideZone(region), instanceType: t, hourly: p.hourly, ...(p.gpuListHour === undefined ? {} : { gpuListHour: p.gpuListHour }), atMs: Date.now() });
    }
    return out;
  }

  /** One attached GPU of a GKE accelerator type (N1 + `nvidia-tesla-t4`), from its GPU SKU. */
  async gpuPrice(region: string, gpuType: string, spot: boolean): Promise<number | undefined> {
    const name = GPU_SKU[gpuType.toLowerCase()];
    return name === undefined ? undefined : gpuRate(await this.skus(), name, region, spot);
  }

  /** Zonal persistent disks per GiB-month: pd-standard, pd-balanced and pd-ssd capacity SKUs. */
  async storage(region: string): Promise<StorageRates> {
    const out = new Map<string, number>();
    for (const sku of await this.skus()) {
      const m = /^(Storage|Balanced|SSD backed) PD Capacity( in .+)?$/.exec(sku.description ?? "");
      if (m === null || !(sku.serviceRegions ?? []).includes(region)) continue;
      const price = skuPrice(sku);
      const type = m[1] === "Storage" ? "pd-standard" : m[1] === "Balanced" ? "pd-balanced" : "pd-ssd";
      if (price !== undefined) out.set(type, price);
    }
    return { perGiB: out };
  }

  /** Non-USD SKUs (a billing account in another currency) are skipped, so every price here is USD. */
  currency(): string {
    return "USD";
  }

  close(): void {
    this.caller.abort();
    void this.client?.then((c) => c.close());
  }
}
