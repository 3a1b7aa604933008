import type { ComputeManagementClient } from "@azure/arm-compute";
import type { PricingCaller } from "../engine/call.ts";
import { armComputeClient, listVmSizes, type ArmOptions, type VmSize } from "./sizes.ts";
import { PricingResponseError } from "../engine/call.ts";
import { regionWideZone, type CloudPriceSource, type OnDemandPrice, type SpotPrice, type StorageRates } from "../engine/source.ts";
import { diskTierMeters, perGiBFromTiers } from "./disk-meters.ts";

/** One item of the Azure Retail Prices API (item keys are camelCase; the page's are PascalCase). */
export interface RetailItem {
  retailPrice: number;
  unitPrice?: number;
  armRegionName: string;
  armSkuName: string;
  meterName: string;
  skuName?: string;
  productName: string;
  serviceName?: string;
  type: string;
  unitOfMeasure: string;
  currencyCode?: string;
}

interface RetailPage {
  Items?: RetailItem[];
  NextPageLink?: string | null;
}

/** An HTTP answer that is not 2xx; `statusCode` decides whether it is retried. */
export class AzurePricesHttpError extends Error {
  override readonly name = "AzurePricesHttpError";
  readonly statusCode: number;
  constructor(statusCode: number, body: string) {
    super(`Azure Retail Prices API answered ${statusCode}: ${body.slice(0, 200)}`);
    this.statusCode = statusCode;
  }
}

const SPOT = /\b(spot|low priority)\b/i;

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** Linux pay-as-you-go meters: no Windows products, hourly, consumption prices. */
function linuxHourly(i: RetailItem): boolean {
  // The API answers in USD unless asked otherwise; an item in another currency is never read as USD.
  return i.type === "Consumption" && (i.currencyCode ?? "USD") === "USD" && !/windows/i.test(i.productName) && /^1 Hours?$/i.test(i.unitOfMeasure);
}

/**
 * Azure VM prices from the public Retail Prices API (no credentials): pay-as-you-go for a VM size
 * in a region (Linux meters only; Spot and Low Priority meters are the spot price, regional).
 * Managed disks by size tier (every P, E and S tier's monthly meter), and per GiB-month from the
 * 128 GiB tiers for whatever cannot use a tier.
 */
export class AzurePriceSource implements CloudPriceSource {
  readonly provider = "azure";
  private readonly baseUrl: string;
  private readonly caller: PricingCaller;
  private readonly arm: ArmOptions | undefined;
  private client: Promise<ComputeManagementClient> | undefined;
  private readonly sizes = new Map<string, Promise<Map<string, VmSize>>>();

  /** With `arm` (a subscription), VM sizes come from the Resource SKUs API; without, prices only. */
  constructor(retailPricesUrl: string, caller: PricingCaller, arm?: ArmOptions) {
    this.baseUrl = retailPricesUrl;
    this.caller = caller;
    this.arm = arm;
  }

  /** The region's VM sizes, fetched once per source (the live book re-creates nothing; sizes do not change). */
  private async sizeOf(region: string, size: string): Promise<VmSize | undefined> {
    if (this.arm === undefined) return undefined;
    const arm = this.arm;
    let sizes = this.sizes.get(region);
    if (sizes === undefined) {
      this.client ??= armComputeClient(arm);
      sizes = this.client.then((c) => listVmSizes(c, region, this.caller));
      this.sizes.set(region, sizes);
      sizes.catch(() => this.sizes.delete(region));
    }
    return (await sizes).get(size);
  }

  private async items(filter: string): Promise<RetailItem[]> {
    const out: RetailItem[] = [];
    let url: string | undefined = `${this.baseUrl}?$filter=${encodeURIComponent(filter)}`;
    while (url !== undefined) {
      const page: RetailPage = await this.caller.call("RetailPrices", async () => {
        const res = await fetch(url as string, { signal: AbortSignal.timeout(30_000) });
        const text = await res.text();
        if (!res.ok) throw new AzurePricesHttpError(res.status, text);
        try {
          return JSON.parse(text) as RetailPage;
        } catch (cause) {
          throw new PricingResponseError(`Azure Retail Prices API answered something that is not JSON: ${text.slice(0, 80)}`, { cause });
        }
      });
      if (!Array.isArray(page.Items)) throw new PricingResponseError("Azure Retail Prices API page has no Items");
      out.push(...page.Items);
      url = typeof page.NextPageLink === "string" && page.NextPageLink !== "" ? page.NextPageLink : undefined;
    }
    return out;
  }

  private vmItems(region: string, size: string): Promise<RetailItem[]> {
    return this.items(`serviceName eq 'Virtual Machines' and armRegionName eq ${quote(region)} and armSkuName eq ${quote(size)} and priceType eq 'Consumption'`);
  }

  async onDemand(region: string, size: string): Promise<OnDemandPrice | undefined> {
    const prices = (await this.vmItems(region, size)).filter((i) => linuxHourly(i) && !SPOT.test(i.meterName) && i.armSkuName === size).map((i) => i.retailPrice);
    if (prices.length === 0) return undefined;
    const shape = await this.sizeOf(region, size);
    return { hourly: Math.min(...prices), ...(shape === undefined ? {} : { vcpu: shape.vcpu, memoryGiB: shape.memoryGiB, gpus: shape.gpus }) };
  }

  async spot(region: string, sizes: readonly string[]): Promise<SpotPrice[]> {
    const out: SpotPrice[] = [];
    for (const size of sizes) {
      const prices = (await this.vmItems(region, size)).filter((i) => linuxHourly(i) && SPOT.test(i.meterName) && i.armSkuName === size).map((i) => i.retailPrice);
      if (prices.length > 0) out.push({ zone: regionWideZone(region), instanceType: size, hourly: Math.min(...prices), atMs: Date.now() });
    }
    return out;
  }

  /**
   * Managed disks: every tier's monthly price (one query per disk product: Premium SSD, Standard SSD,
   * Standard HDD), and per GiB-month from the 128 GiB tiers (P10, E10, S10) for tiers a region does not list.
   */
  async storage(region: string): Promise<StorageRates> {
    const items: RetailItem[] = [];
    for (const product of ["Premium SSD Managed Disks", "Standard SSD Managed Disks", "Standard HDD Managed Disks"]) {
      items.push(...(await this.items(`serviceName eq 'Storage' and armRegionName eq ${quote(region)} and productName eq ${quote(product)}`)));
    }
    const tiers = diskTierMeters(items);
    return { perGiB: perGiBFromTiers(tiers), tiers };
  }

  /** The API is asked in USD and items in another currency are skipped. */
  currency(): string {
    return "USD";
  }

  close(): void {
    this.caller.abort();
  }
}
