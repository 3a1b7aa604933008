import { toPipelineCurrency } from "../currency.ts";
import type { Config } from "../../config/schema.ts";
import type { EgressClass, NodePrice, NodePriceQuery, PriceBook, StoragePrice, StoragePriceQuery } from "../types.ts";
import type { NodeMatch, PriceSheet } from "./sheet.ts";

/** How specific a match is: a single node beats an instance type in a region, which beats the type anywhere. */
function specificity(m: NodeMatch): number {
  return (m.nodeName !== undefined || m.providerId !== undefined ? 4 : 0) + (m.region !== undefined ? 2 : 0) + (m.instanceType !== undefined ? 1 : 0);
}

function matches(m: NodeMatch, q: NodePriceQuery): boolean {
  return (
    (m.instanceType === undefined || m.instanceType === q.instanceType) &&
    (m.region === undefined || m.region === q.region) &&
    (m.nodeName === undefined || m.nodeName === q.nodeName) &&
    (m.providerId === undefined || m.providerId === q.providerId)
  );
}

/**
 * Prices from a custom sheet, in this order: a whole-node price (one node by name or provider id, then
 * an instance type in a region, then the type anywhere), split like a list price; per-resource rates,
 * used per resource as given (never re-split; a GPU node needs a GPU rate, else its list price is used);
 * otherwise the fallback book's list price less the sheet's discount. Amounts are in the sheet's
 * currency (pricing.currency unless the sheet says). Everything it prices carries source `custom`.
 */
export class CustomPriceBook implements PriceBook {
  private readonly sheet: PriceSheet;
  private readonly fallback: PriceBook;
  private readonly asOfMs: number;
  private readonly pricing: Config["pricing"];
  private readonly currency: string;
  private readonly nodes: PriceSheet["nodes"];

  constructor(sheet: PriceSheet, fallback: PriceBook, asOfMs: number, pricing: Config["pricing"]) {
    this.sheet = sheet;
    this.fallback = fallback;
    this.asOfMs = asOfMs;
    this.pricing = pricing;
    this.currency = sheet.currency ?? pricing.currency;
    this.nodes = [...sheet.nodes].sort((a, b) => specificity(b.match) - specificity(a.match));
  }

  private off(n: number): number {
    return n * (1 - this.sheet.discountPct / 100);
  }

  private byRates(q: NodePriceQuery): NodePrice | undefined {
    const r = this.sheet.rates;
    if (r.cpuCoreHour === undefined || r.ramGiBHour === undefined || (q.gpus > 0 && r.gpuHour === undefined)) return undefined;
    const spot = q.capacityType === "SPOT";
    const rates = {
      cpuCoreHour: spot ? (r.spotCpuCoreHour ?? r.cpuCoreHour) : r.cpuCoreHour,
      ramGiBHour: spot ? (r.spotRamGiBHour ?? r.ramGiBHour) : r.ramGiBHour,
      gpuHour: r.gpuHour ?? 0,
    };
    const total = (cpu: number, ram: number): number => q.cpuCores * cpu + q.memoryGiB * ram + q.gpus * rates.gpuHour;
    const onDemand = total(r.cpuCoreHour, r.ramGiBHour);
    const spotHourly = total(r.spotCpuCoreHour ?? r.cpuCoreHour, r.spotRamGiBHour ?? r.ramGiBHour);
    return { hourlyCost: spot ? spotHourly : onDemand, onDemandHourlyCost: onDemand, spotHourlyCost: spotHourly, source: "custom", asOfMs: this.asOfMs, currency: this.currency, rates };
  }

  nodePrice(q: NodePriceQuery): NodePrice {
    const node = this.nodes.find((n) => matches(n.match, q));
    if (node !== undefined) {
      const list = this.fallback.nodePrice(q);
      // The sheet's spot price, else the sheet's price at the list's spot-to-on-demand ratio (a ratio has
      // no currency, so a sheet in EUR over USD list prices stays in EUR).
      const ratio = list.onDemandHourlyCost > 0 ? list.spotHourlyCost / list.onDemandHourlyCost : 0;
      const spot = node.spotHourly ?? node.hourly * ratio;
      return { hourlyCost: q.capacityType === "SPOT" ? spot : node.hourly, onDemandHourlyCost: node.hourly, spotHourlyCost: spot, source: "custom", asOfMs: this.asOfMs, currency: this.currency };
    }
    const byRates = this.byRates(q);
    if (byRates !== undefined) return byRates;
    const list = this.fallback.nodePrice(q);
    if (this.sheet.discountPct === 0) return list;
    return { ...list, hourlyCost: this.off(list.hourlyCost), onDemandHourlyCost: this.off(list.onDemandHourlyCost), spotHourlyCost: this.off(list.spotHourlyCost), source: "custom", asOfMs: this.asOfMs };
  }

  storagePrice(q: StoragePriceQuery): StoragePrice {
    const volume = this.sheet.volumes.find((v) => v.pvName !== undefined && v.pvName === q.pvName) ?? this.sheet.volumes.find((v) => v.storageClass !== undefined && v.storageClass === q.storageClass);
    const rate = volume?.gibMonth ?? this.sheet.rates.storageGiBMonth;
    if (rate !== undefined) return { gibMonthlyRate: rate, source: "custom", asOfMs: this.asOfMs, currency: this.currency };
    const list = this.fallback.storagePrice(q);
    return this.sheet.discountPct === 0 ? list : { ...list, gibMonthlyRate: this.off(list.gibMonthlyRate), source: "custom", asOfMs: this.asOfMs };
  }

  /** Per GiB in pricing.currency. */
  egressPrice(provider: string, egress: EgressClass): number {
    if (egress === "none") return 0;
    const own = this.sheet.rates.egressGiB;
    return own === undefined ? this.off(this.fallback.egressPrice(provider, egress)) : toPipelineCurrency(this.pricing, own, this.currency, "the sheet's egress rate");
  }
}
