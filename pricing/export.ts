import type { Config } from "../config/schema.ts";
import { Registry } from "../telemetry/prom.ts";
import { cloudSource, type CloudProvider } from "./index.ts";
import type { PriceSnapshot } from "./snapshot/snapshot.ts";

export interface ExportResult {
  snapshot: PriceSnapshot;
  updated: number;
  unknown: string[];
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * Regenerates the offline snapshot's entries for one cloud from its live API: every instance type and
 * volume type the snapshot lists for that provider is fetched again (on-demand price and shape, the
 * mean spot price over the region's zones, storage per GiB-month); other providers' entries are kept.
 */
export async function exportPrices(provider: CloudProvider, pricing: Config["pricing"], base: PriceSnapshot, now = new Date()): Promise<ExportResult> {
  const source = cloudSource(provider, pricing, new Registry());
  const day = now.toISOString().slice(0, 10);
  const od = `${provider}-export-od`;
  const spotName = `${provider}-export-spot`;
  const storageName = `${provider}-export-storage`;
  const out: PriceSnapshot = {
    ...base,
    asOf: now.toISOString().replace(/\.\d{3}Z$/, "Z"),
    sources: {
      ...base.sources,
      [od]: `${provider} on-demand list prices fetched by \`kce prices export\` on ${day}`,
      [spotName]: `${provider} spot prices fetched by \`kce prices export\` on ${day} (mean over the region's zones at that moment)`,
      [storageName]: `${provider} storage prices fetched by \`kce prices export\` on ${day}`,
    },
    nodes: [],
    storage: [],
  };
  let updated = 0;
  const unknown: string[] = [];
  try {
    const byRegion = new Map<string, string[]>();
    for (const n of base.nodes) if (n.provider === provider) byRegion.set(n.region, [...(byRegion.get(n.region) ?? []), n.instanceType]);
    const spot = new Map<string, number>();
    for (const [region, types] of byRegion) {
      const prices = await source.spot(region, types);
      for (const t of types) {
        const ps = prices.filter((p) => p.instanceType === t).map((p) => p.hourly);
        if (ps.length > 0) spot.set(`${region}|${t}`, Math.round(mean(ps) * 1e6) / 1e6);
      }
    }
    for (const n of base.nodes) {
      if (n.provider !== provider) {
        out.nodes.push(n);
        continue;
      }
      // The hand-kept snapshot holds USD; a region priced in another currency (AWS China) stays as it was.
      const price = source.currency(n.region) === "USD" ? await source.onDemand(n.region, n.instanceType) : undefined;
      if (price === undefined) {
        unknown.push(`${n.region}/${n.instanceType}`);
        out.nodes.push(n);
        continue;
      }
      const s = spot.get(`${n.region}|${n.instanceType}`);
      out.nodes.push({
        ...n,
        vcpu: price.vcpu ?? n.vcpu,
        memoryGiB: price.memoryGiB ?? n.memoryGiB,
        onDemand: price.hourly,
        onDemandSource: od,
        ...(s === undefined ? {} : { spot: s, spotSource: spotName }),
      });
      updated++;
    }
    const storageByRegion = new Map<string, Map<string, number>>();
    for (const s of base.storage) {
      if (s.provider !== provider) {
        out.storage.push(s);
        continue;
      }
      let rates = storageByRegion.get(s.region);
      if (source.currency(s.region) !== "USD") rates = new Map();
      if (rates === undefined) {
        rates = (await source.storage(s.region)).perGiB;
        storageByRegion.set(s.region, rates);
      }
      const rate = rates.get(s.volumeType);
      out.storage.push(rate === undefined ? s : { ...s, gibMonth: rate, source: storageName });
      if (rate !== undefined) updated++;
    }
  } finally {
    source.close();
  }
  return { snapshot: out, updated, unknown };
}
