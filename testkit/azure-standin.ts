import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { listenLocal } from "./listen.ts";

/** A local stand-in for the Azure Retail Prices API: `$filter` terms applied, pages linked by NextPageLink. */
export interface AzureStandIn {
  readonly url: string;
  readonly calls: string[];
  pageSize: number;
  /** Answer the next N calls with 429. */
  throttleNext: number;
  close(): Promise<void>;
}

/** Resource SKUs (ARM) of `skusFile`, paged by 10 with an absolute nextLink, for `GET /subscriptions/<id>/providers/Microsoft.Compute/skus`. */
function resourceSkus(skus: Array<{ locations?: string[] }>, url: URL, base: string): { value: unknown[]; nextLink?: string } {
  const location = /location eq '([^']*)'/.exec(url.searchParams.get("$filter") ?? "")?.[1];
  const hits = skus.filter((s) => location === undefined || (s.locations ?? []).includes(location));
  const skip = Number(url.searchParams.get("$skiptoken") ?? 0);
  const next = new URL(url.pathname + url.search, base);
  next.searchParams.set("$skiptoken", String(skip + 10));
  return { value: hits.slice(skip, skip + 10), ...(skip + 10 < hits.length ? { nextLink: next.toString() } : {}) };
}

export async function startAzureStandIn(itemsFile: string, skusFile?: string): Promise<AzureStandIn> {
  const items = JSON.parse(readFileSync(itemsFile, "utf8")) as Array<Record<string, unknown>>;
  const skus = skusFile === undefined ? [] : (JSON.parse(readFileSync(skusFile, "utf8")) as Array<{ locations?: string[] }>);
  let base = "";
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", base);
    standIn.calls.push(url.pathname + url.search);
    if (standIn.throttleNext > 0) {
      standIn.throttleNext--;
      res.writeHead(429, { "content-type": "application/json" });
      res.end(JSON.stringify({ Error: { Code: "TooManyRequests", Message: "Too many requests" } }));
      return;
    }
    if (/^\/subscriptions\/[^/]+\/providers\/Microsoft\.Compute\/skus$/.test(url.pathname)) {
      res.writeHead(200, { "content-type": "application/json; charset=utf-8" });
      res.end(JSON.stringify(resourceSkus(skus, url, base)));
      return;
    }
    const filter = url.searchParams.get("$filter") ?? "";
    const terms = [...filter.matchAll(/(\w+) eq '([^']*)'/g)].map((m) => [m[1] ?? "", m[2] ?? ""] as const);
    const hits = items.filter((i) => terms.every(([k, v]) => k === "priceType" || i[k] === v));
    const skip = Number(url.searchParams.get("$skip") ?? 0);
    const page = hits.slice(skip, skip + standIn.pageSize);
    const next = skip + standIn.pageSize < hits.length ? `${base}/api/retail/prices?$filter=${encodeURIComponent(filter)}&$skip=${skip + standIn.pageSize}` : null;
    res.writeHead(200, { "content-type": "application/json; charset=utf-8" });
    res.end(JSON.stringify({ BillingCurrency: "USD", CustomerEntityId: "Default", CustomerEntityType: "Retail", Items: page, NextPageLink: next, Count: page.length }));
  });
  const local = await listenLocal(server);
  base = local.base;
  const standIn: AzureStandIn = { url: `${base}/api/retail/prices`, calls: [], pageSize: 1000, throttleNext: 0, close: local.close };
  return standIn;
}
