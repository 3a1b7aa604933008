import type { Config } from "../config/schema.ts";
import type { NodePrice } from "./types.ts";

/** A price is in a currency the pipeline has no exchange rate for; it is refused, never read as another currency. */
export class PriceCurrencyError extends Error {
  override readonly name = "PriceCurrencyError";
  readonly from: string;
  constructor(from: string, to: string, what: string) {
    super(`${what} is priced in ${from}, but the pipeline publishes ${to} and pricing.exchangeRates has no ${from} rate: set pricing.exchangeRates.${from} (${to} per ${from}) or pricing.currency: ${from}`);
    this.from = from;
  }
}

/** Converts an amount in `from` to the pipeline currency (pricing.currency), or throws PriceCurrencyError. */
export function toPipelineCurrency(pricing: Config["pricing"], amount: number, from: string | undefined, what: string): number {
  const source = from ?? "USD";
  if (source === pricing.currency) return amount;
  const rate = pricing.exchangeRates[source];
  if (rate === undefined) throw new PriceCurrencyError(source, pricing.currency, what);
  return amount * rate;
}

/** A node price with every amount in the pipeline currency (PriceCurrencyError when it cannot be). */
export function nodePriceInPipelineCurrency(pricing: Config["pricing"], p: NodePrice, what: string): NodePrice {
  const to = pricing.currency;
  if ((p.currency ?? "USD") === to) return p;
  const c = (n: number): number => toPipelineCurrency(pricing, n, p.currency, what);
  return {
    ...p,
    hourlyCost: c(p.hourlyCost),
    onDemandHourlyCost: c(p.onDemandHourlyCost),
    spotHourlyCost: c(p.spotHourlyCost),
    currency: to,
    ...(p.rates === undefined ? {} : { rates: { cpuCoreHour: c(p.rates.cpuCoreHour), ramGiBHour: c(p.rates.ramGiBHour), gpuHour: c(p.rates.gpuHour) } }),
    ...(p.gpuListHour === undefined ? {} : { gpuListHour: c(p.gpuListHour) }),
  };
}
