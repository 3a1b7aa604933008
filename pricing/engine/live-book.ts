import { Counter, Gauge, type Registry } from "../../telemetry/prom.ts";
import type { Config } from "../../config/schema.ts";
import type { Logger } from "../../telemetry/log.ts";
import { volumeTypeOf } from "../storage-classes.ts";
import type { DiskTierPrices, EgressClass, NodePrice, NodePriceQuery, PriceBook, PriceSourceName, StoragePrice, StoragePriceQuery } from "../types.ts";
import { registeredOnce } from "./call.ts";
import type { SharedPrices } from "./shared.ts";
import { regionWideZone, type CloudPriceSource, type OnDemandPrice, type SpotPrice } from "./source.ts";

interface Cached<T> {
  value: T;
  fetchedAtMs: number;
}

export interface LiveBookOptions {
  /** Cache lifetimes, ms. */
  ttl: { instanceMs: number; spotMs: number; storageMs: number };
  /** How often due entries are refreshed, ms. */
  refreshEveryMs: number;
  sources: { onDemand: PriceSourceName; spot: PriceSourceName; storage: PriceSourceName };
  now?: () => number;
  /** Called for every failed refresh (the pricer counts them as error_type="pricing_fetch"). */
  onFetchError?: () => void;
  /** Prices shared with other replicas (JetStream KV); without it each replica calls the APIs itself. */
  shared?: SharedPrices;
}

const key = (...parts: string[]) => parts.join("|");

/**
 * A price book that answers from its caches at once and refreshes them in the background.
 *
 * - A lookup never waits: the first time an instance type is seen the fallback book answers (the
 *   offline snapshot, marked `snapshot`), and the type is queued; the next refresh fetches it.
 * - Entries are refreshed when older than their TTL (instances 1 h, spot 5 min, storage 24 h by
 *   default). When a refresh fails — throttled, circuit open, malformed answer — the old prices stay
 *   and, once past their TTL, are served marked `stale-cache` with the time they were fetched.
 * - Spot nodes are priced at the zone's latest spot price; never at on-demand.
 */
export class LivePriceBook implements PriceBook {
  private readonly source: CloudPriceSource;
  private readonly fallback: PriceBook;
  private readonly options: LiveBookOptions;
  private readonly pricing: Config["pricing"];
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly onDemand = new Map<string, Cached<OnDemandPrice | undefined>>();
  private readonly spot = new Map<string, Cached<{ hourly: number; gpuListHour?: number }>>();
  /** region → when its spot prices were last fetched (one call covers every type). */
  private readonly spotFetched = new Map<string, number>();
  private readonly storage = new Map<string, Cached<{ rates: Map<string, number>; tiers: Map<string, DiskTierPrices> }>>();
  private readonly wantedTypes = new Map<string, Set<string>>();
  private readonly wantedSpot = new Map<string, Set<string>>();
  private readonly wantedStorage = new Set<string>();
  /** region|gpuType|spot|od → per-hour price of one attached GPU, and which ones lookups asked for. */
  private readonly gpuPrices = new Map<string, Cached<number | undefined>>();
  private readonly wantedGpus = new Map<string, { region: string; gpuType: string; spot: boolean }>();
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> = Promise.resolve();
  private readonly lookups: Counter<"provider" | "result">;
  private readonly age: Gauge<"provider" | "kind">;

  constructor(source: CloudPriceSource, fallback: PriceBook, pricing: Config["pricing"], options: LiveBookOptions, registry: Registry, log: Logger) {
    this.source = source;
    this.fallback = fallback;
    this.pricing = pricing;
    this.options = options;
    this.log = log;
    this.now = options.now ?? Date.now;
    this.lookups = registeredOnce(registry, "kube_cost_pricing_cache_lookups_total", () => new Counter({ name: "kube_cost_pricing_cache_lookups_total", help: "Price lookups by provider and result (hit, stale, miss)", labelNames: ["provider", "result"], registers: [registry] }));
    this.age = registeredOnce(registry, "kube_cost_pricing_price_age_seconds", () => new Gauge({ name: "kube_cost_pricing_price_age_seconds", help: "Age of the oldest cached price in use, by provider and kind (on_demand, spot, storage)", labelNames: ["provider", "kind"], registers: [registry] }));
  }

  private want(map: Map<string, Set<string>>, region: string, type: string): void {
    let set = map.get(region);
    if (set === undefined) {
      set = new Set();
      map.set(region, set);
    }
    if (!set.has(type)) {
      set.add(type);
      this.kick();
    }
  }

  /** Refreshes soon after something new was asked for. */
  private kick(): void {
    if (this.timer === undefined) return;
    setTimeout(() => void this.refreshNow(), 0).unref();
  }

  private fresh(fetchedAtMs: number, ttlMs: number): boolean {
    return this.now() - fetchedAtMs <= ttlMs;
  }

  nodePrice(query: NodePriceQuery): NodePrice {
    if (query.provider !== this.source.provider) return this.fallback.nodePrice(query);
    const machine = this.machinePrice(query);
    const gpuType = query.gpuType ?? "";
    if (query.gpus <= 0 || gpuType === "" || this.source.gpuPrice === undefined) return machine;
    // Asked at once (not after the machine price arrives), so both are fetched by the same refresh.
    const gpu = { od: this.gpuPrice(query.region, gpuType, false), spot: query.capacityType === "SPOT" ? this.gpuPrice(query.region, gpuType, true) : undefined };
    const includesGpus = (this.onDemand.get(key(query.region, query.instanceType))?.value?.gpus ?? 0) > 0;
    if (!this.isLive(machine) || includesGpus) return machine;
    return this.withGpus(query, machine, gpu);
  }

  /** Whether an answer came from this book's caches rather than its fallback. */
  private isLive(answer: NodePrice): boolean {
    return answer.source === this.options.sources.onDemand || answer.source === this.options.sources.spot || answer.source === "stale-cache";
  }

  /**
   * A machine type without GPUs of its own (GKE N1) plus its attached GPUs at their own price
   * (on-demand, and spot for spot nodes); until the GPU price is known the node keeps the fallback's
   * answer rather than a price without its GPUs.
   */
  private withGpus(query: NodePriceQuery, machine: NodePrice, gpu: { od: number | undefined; spot: number | undefined }): NodePrice {
    const spot = query.capacityType === "SPOT";
    if (gpu.od === undefined || (spot && gpu.spot === undefined)) return this.fallback.nodePrice(query);
    const n = query.gpus;
    const onDemand = machine.onDemandHourlyCost + n * gpu.od;
    if (!spot || gpu.spot === undefined) return { ...machine, hourlyCost: onDemand, onDemandHourlyCost: onDemand, gpuListHour: gpu.od };
    const hourly = machine.hourlyCost + n * gpu.spot;
    return { ...machine, hourlyCost: hourly, onDemandHourlyCost: onDemand, spotHourlyCost: hourly, gpuListHour: gpu.spot };
  }

  private gpuPrice(region: string, gpuType: string, spot: boolean): number | undefined {
    const k = key(region, gpuType, spot ? "spot" : "od");
    if (!this.wantedGpus.has(k)) {
      this.wantedGpus.set(k, { region, gpuType, spot });
      this.kick();
    }
    return this.gpuPrices.get(k)?.value;
  }

  private machinePrice(query: NodePriceQuery): NodePrice {
    const fallback = this.fallback.nodePrice(query);
    const od = this.onDemand.get(key(query.region, query.instanceType));
    this.want(this.wantedTypes, query.region, query.instanceType);
    if (query.capacityType === "SPOT") this.want(this.wantedSpot, query.region, query.instanceType);
    if (od === undefined || od.value === undefined) {
      this.lookups.inc({ provider: this.source.provider, result: "miss" });
      return fallback;
    }
    const odFresh = this.fresh(od.fetchedAtMs, this.options.ttl.instanceMs);
    this.lookups.inc({ provider: this.source.provider, result: odFresh ? "hit" : "stale" });
    const onDemand = od.value.hourly;
    const currency = this.source.currency(query.region);
    // The fallback's spot figure rides along only when it is in the same currency.
    const sameCurrency = (fallback.currency ?? "USD") === currency;
    if (query.capacityType !== "SPOT") {
      const gpu = od.value.gpuListHour === undefined ? {} : { gpuListHour: od.value.gpuListHour };
      return { hourlyCost: onDemand, onDemandHourlyCost: onDemand, spotHourlyCost: sameCurrency ? fallback.spotHourlyCost : 0, source: odFresh ? this.options.sources.onDemand : "stale-cache", asOfMs: od.fetchedAtMs, currency, ...gpu };
    }
    const spot = this.spot.get(key(query.zone, query.instanceType)) ?? this.spot.get(key(regionWideZone(query.region), query.instanceType));
    if (spot === undefined) return sameCurrency ? { ...fallback, onDemandHourlyCost: onDemand } : fallback;
    const spotFresh = this.fresh(spot.fetchedAtMs, this.options.ttl.spotMs);
    const { hourly, gpuListHour } = spot.value;
    return { hourlyCost: hourly, onDemandHourlyCost: onDemand, spotHourlyCost: hourly, source: spotFresh ? this.options.sources.spot : "stale-cache", asOfMs: spot.fetchedAtMs, currency, ...(gpuListHour === undefined ? {} : { gpuListHour }) };
  }

  storagePrice(query: StoragePriceQuery): StoragePrice {
    if (query.provider !== this.source.provider) return this.fallback.storagePrice(query);
    const cached = this.storage.get(query.region);
    if (!this.wantedStorage.has(query.region)) {
      this.wantedStorage.add(query.region);
      this.kick();
    }
    const volumeType = volumeTypeOf(query.provider, query.storageClass, this.pricing.storageClasses);
    const rate = volumeType === undefined ? undefined : cached?.value.rates.get(volumeType);
    if (cached === undefined || volumeType === undefined || rate === undefined) return this.fallback.storagePrice(query);
    const tiers = cached.value.tiers.get(volumeType);
    const source = this.fresh(cached.fetchedAtMs, this.options.ttl.storageMs) ? this.options.sources.storage : "stale-cache";
    return { gibMonthlyRate: rate, ...(tiers === undefined ? {} : { tiers }), source, asOfMs: cached.fetchedAtMs, currency: this.source.currency(query.region) };
  }

  egressPrice(provider: string, egress: EgressClass): number {
    return this.fallback.egressPrice(provider, egress);
  }

  /** Starts the background refresh; the first one runs at once. */
  async start(): Promise<void> {
    this.timer = setInterval(() => void this.refreshNow(), this.options.refreshEveryMs);
    this.timer.unref();
    await this.refreshNow();
  }

  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.source.close();
    await this.refreshing;
  }

  /** Runs one refresh of everything due (serialised: a refresh never overlaps another). */
  refreshNow(): Promise<void> {
    this.refreshing = this.refreshing.then(() => this.refreshDue());
    return this.refreshing;
  }

  /**
   * A value through the shared store: a fresh one another replica fetched, else fetched here (and
   * shared). Sharing failures only cost an API call.
   */
  private async viaShared<T>(sharedKey: string, ttlMs: number, fetch: () => Promise<T>): Promise<{ value: T; fetchedAtMs: number }> {
    const shared = this.options.shared;
    const fullKey = `${this.source.provider}|${sharedKey}`;
    if (shared !== undefined) {
      const hit = await shared.get(fullKey).catch(() => undefined);
      if (hit !== undefined && this.fresh(hit.fetchedAtMs, ttlMs)) return { value: hit.value as T, fetchedAtMs: hit.fetchedAtMs };
    }
    const value = await fetch();
    const entry = { value, fetchedAtMs: this.now() };
    if (shared !== undefined) await shared.put(fullKey, entry).catch((error: unknown) => this.log.debug("could not share prices", { error }));
    return entry;
  }

  private async attempt(what: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.options.onFetchError?.();
      this.log.warn(`${this.source.provider} ${what} refresh failed; keeping the last prices`, { error });
    }
  }

  private async refreshDue(): Promise<void> {
    const p = this.source.provider;
    for (const [region, types] of this.wantedTypes) {
      for (const type of types) {
        const k = key(region, type);
        const cached = this.onDemand.get(k);
        if (cached !== undefined && this.fresh(cached.fetchedAtMs, this.options.ttl.instanceMs)) continue;
        await this.attempt(`on-demand ${region}/${type}`, async () => {
          // JSON has no undefined: an unknown type is shared as null.
          const got = await this.viaShared(`od|${k}`, this.options.ttl.instanceMs, async () => (await this.source.onDemand(region, type)) ?? null);
          this.onDemand.set(k, { value: got.value ?? undefined, fetchedAtMs: got.fetchedAtMs });
        });
      }
    }
    for (const [k, { region, gpuType, spot }] of this.wantedGpus) {
      const ttlMs = spot ? this.options.ttl.spotMs : this.options.ttl.instanceMs;
      const cached = this.gpuPrices.get(k);
      if (cached !== undefined && this.fresh(cached.fetchedAtMs, ttlMs)) continue;
      await this.attempt(`gpu ${k}`, async () => {
        const got = await this.viaShared(`gpu|${k}`, ttlMs, async () => (await this.source.gpuPrice?.(region, gpuType, spot)) ?? null);
        this.gpuPrices.set(k, { value: got.value ?? undefined, fetchedAtMs: got.fetchedAtMs });
      });
    }
    for (const [region, types] of this.wantedSpot) {
      const last = this.spotFetched.get(region);
      if (last !== undefined && this.fresh(last, this.options.ttl.spotMs)) continue;
      await this.attempt(`spot ${region}`, async () => {
        const sorted = [...types].sort();
        const got = await this.viaShared<SpotPrice[]>(`spot|${region}|${sorted.join(",")}`, this.options.ttl.spotMs, () => this.source.spot(region, sorted));
        for (const s of got.value) this.spot.set(key(s.zone, s.instanceType), { value: { hourly: s.hourly, ...(s.gpuListHour === undefined ? {} : { gpuListHour: s.gpuListHour }) }, fetchedAtMs: got.fetchedAtMs });
        this.spotFetched.set(region, got.fetchedAtMs);
      });
    }
    for (const region of this.wantedStorage) {
      const cached = this.storage.get(region);
      if (cached !== undefined && this.fresh(cached.fetchedAtMs, this.options.ttl.storageMs)) continue;
      await this.attempt(`storage ${region}`, async () => {
        // Shared as entry lists (JSON has no Map), under a key of its own: replicas of the release before wrote a bare list under `storage|`.
        const got = await this.viaShared(`storage-rates|${region}`, this.options.ttl.storageMs, async () => {
          const s = await this.source.storage(region);
          return { perGiB: [...s.perGiB], tiers: [...(s.tiers ?? [])] };
        });
        this.storage.set(region, { value: { rates: new Map(got.value.perGiB), tiers: new Map(got.value.tiers) }, fetchedAtMs: got.fetchedAtMs });
      });
    }
    const oldest = (entries: Iterable<{ fetchedAtMs: number }>) => {
      let min = Infinity;
      for (const e of entries) min = Math.min(min, e.fetchedAtMs);
      return min === Infinity ? 0 : (this.now() - min) / 1000;
    };
    this.age.set({ provider: p, kind: "on_demand" }, oldest(this.onDemand.values()));
    this.age.set({ provider: p, kind: "spot" }, oldest(this.spot.values()));
    this.age.set({ provider: p, kind: "storage" }, oldest(this.storage.values()));
  }
}
