import type { EgressClass, NodePrice, NodePriceQuery, PriceBook, StoragePrice, StoragePriceQuery } from "../types.ts";
import type { PriceSheet } from "./sheet.ts";

/**
 * Prices from a custom sheet, in this order: a whole-node price for the instance type (region-specific
 * first); per-resource rates × the node's shape; otherwise the fallback book's list price less the
 * sheet's discount. Everything it prices carries source `custom`.
 */
export class CustomPriceBook implements PriceBook {
  private readonly sheet: PriceSheet;
  private readonly fallback: PriceBook;
  private readonly asOfMs: number;

  constructor(sheet: PriceSheet, fallback: PriceBook, asOfMs: number) {
    this.sheet = sheet;
    this.fallback = fallback;
    this.asOfMs = asOfMs;
  }

  private off(n: number): number {
    return n * (1 - this.sheet.discountPct / 100);
  }

  nodePrice(q: NodePriceQuery): NodePrice {
    const node = this.sheet.nodes.find((n) => n.instanceType === q.instanceType && n.region === q.region) ?? this.sheet.nodes.find((n) => n.instanceType === q.instanceType && n.region === undefined);
    const list = this.fallback.nodePrice(q);
    if (node !== undefined) {
      const spot = node.spotHourly ?? this.off(list.spotHourlyCost);
      return { hourlyCost: q.capacityType === "SPOT" ? spot : node.hourly, onDemandHourlyCost: node.hourly, spotHourlyCost: spot, source: "custom", asOfMs: this.asOfMs };
    }
    const r = this.sheet.rates;
    if (r.cpuCoreHour !== undefined && r.ramGiBHour !== undefined) {
      const hourly = q.cpuCores * r.cpuCoreHour + q.memoryGiB * r.ramGiBHour + q.gpus * (r.gpuHour ?? 0);
      return { hourlyCost: hourly, onDemandHourlyCost: hourly, spotHourlyCost: 0, source: "custom", asOfMs: this.asOfMs };
    }
    if (this.sheet.discountPct === 0) return list;
    return { hourlyCost: this.off(list.hourlyCost), onDemandHourlyCost: this.off(list.onDemandHourlyCost), spotHourlyCost: this.off(list.spotHourlyCost), source: "custom", asOfMs: this.asOfMs };
  }

  storagePrice(q: StoragePriceQuery): StoragePrice {
    const rate = this.sheet.rates.storageGiBMonth;
    if (rate !== undefined) return { gibMonthlyRate: rate, source: "custom", asOfMs: this.asOfMs };
    const list = this.fallback.storagePrice(q);
    return this.sheet.discountPct === 0 ? list : { gibMonthlyRate: this.off(list.gibMonthlyRate), source: "custom", asOfMs: this.asOfMs };
  }

  egressPrice(provider: string, egress: EgressClass): number {
    if (egress === "none") return 0;
    return this.sheet.rates.egressGiB ?? this.off(this.fallback.egressPrice(provider, egress));
  }
}
