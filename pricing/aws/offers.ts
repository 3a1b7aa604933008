/**
 * Reading AWS Price List products (one JSON document per product, as GetProducts returns them):
 * the product's attributes and the price of its OnDemand term in the partition's currency (USD; CNY
 * in the China regions).
 */
import { PricingResponseError } from "../engine/call.ts";

export interface OnDemandOffer {
  instanceType: string;
  regionCode: string;
  vcpu: number;
  memoryGiB: number;
  gpus: number;
  hourly: number;
}

export interface StorageOffer {
  volumeApiName: string;
  regionCode: string;
  gbMonth: number;
}

interface PriceDimension {
  unit?: string;
  pricePerUnit?: Record<string, string>;
  beginRange?: string;
}

interface Offer {
  product?: { productFamily?: string; attributes?: Record<string, string> };
  terms?: { OnDemand?: Record<string, { priceDimensions?: Record<string, PriceDimension> }> };
}

/** PriceList items are String objects in the SDK, not primitive strings. */
export function parseOffer(item: unknown): Offer {
  try {
    return JSON.parse(String(item)) as Offer;
  } catch (cause) {
    throw new PricingResponseError(`a PriceList item is not JSON: ${String(item).slice(0, 80)}`, { cause });
  }
}

/** The price in `currency` of the first tier of the OnDemand term in `unit`, or undefined (a price in another currency is never taken). */
function onDemandIn(offer: Offer, unit: RegExp, currency: string): number | undefined {
  for (const term of Object.values(offer.terms?.OnDemand ?? {})) {
    for (const dim of Object.values(term.priceDimensions ?? {})) {
      if (!unit.test(dim.unit ?? "") || (dim.beginRange !== undefined && dim.beginRange !== "0")) continue;
      const amount = Number(dim.pricePerUnit?.[currency]);
      if (Number.isFinite(amount)) return amount;
    }
  }
  return undefined;
}

/** Whether a region is in AWS's China partition (aws-cn: cn-north-1, cn-northwest-1), with its own Price List endpoint and currency. */
export function isAwsChinaRegion(region: string): boolean {
  return region.startsWith("cn-");
}

/** The currency of a region's Price List: CNY in the China partition, USD elsewhere. */
export function awsCurrency(region: string): string {
  return isAwsChinaRegion(region) ? "CNY" : "USD";
}

/** "16 GiB" → 16; "0.5 GiB" → 0.5. */
function gib(memory: string | undefined): number {
  const m = /^([\d.,]+)\s*GiB$/i.exec((memory ?? "").trim());
  return m?.[1] === undefined ? NaN : Number(m[1].replace(",", ""));
}

/**
 * Attributes that make a product something other than a plain on-demand instance: a Capacity Block
 * or reservation market (`marketoption` other than OnDemand, $0.00 per hour), an unused-reservation or
 * allocated-capacity row (`capacitystatus` other than Used). Absent attributes do not disqualify.
 */
function notPlainOnDemand(a: Record<string, string>): boolean {
  const market = a["marketoption"];
  const capacity = a["capacitystatus"];
  return (market !== undefined && market !== "OnDemand") || (capacity !== undefined && capacity !== "Used");
}

export function onDemandOffer(offer: Offer, currency = "USD"): OnDemandOffer | undefined {
  const a = offer.product?.attributes;
  if (a === undefined || a["instanceType"] === undefined || notPlainOnDemand(a)) return undefined;
  const hourly = onDemandIn(offer, /^Hrs?$/i, currency);
  if (hourly === undefined) return undefined;
  const gpus = Number(a["gpu"] ?? 0);
  const out: OnDemandOffer = {
    instanceType: a["instanceType"],
    regionCode: a["regionCode"] ?? "",
    vcpu: Number(a["vcpu"]),
    memoryGiB: gib(a["memory"]),
    gpus: Number.isFinite(gpus) ? gpus : 0,
    hourly,
  };
  if (!Number.isFinite(out.vcpu) || !Number.isFinite(out.memoryGiB)) throw new PricingResponseError(`product ${out.instanceType} has vcpu ${a["vcpu"]} and memory ${a["memory"]}`);
  return out;
}

export function storageOffer(offer: Offer, currency = "USD"): StorageOffer | undefined {
  const a = offer.product?.attributes;
  if (offer.product?.productFamily !== "Storage" || a?.["volumeApiName"] === undefined) return undefined;
  const gbMonth = onDemandIn(offer, /^GB-?Mo$/i, currency);
  return gbMonth === undefined ? undefined : { volumeApiName: a["volumeApiName"], regionCode: a["regionCode"] ?? "", gbMonth };
}
