import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { listenLocal } from "./listen.ts";

/** A local stand-in for the Cloud Billing Catalog's REST `listSkus` (`GET /v1/services/<id>/skus`). */
export interface GcpStandIn {
  readonly endpoint: string;
  readonly calls: string[];
  pageSize: number;
  throttleNext: number;
  close(): Promise<void>;
}

export async function startGcpStandIn(skusFile: string): Promise<GcpStandIn> {
  const skus = (JSON.parse(readFileSync(skusFile, "utf8")) as { skus: unknown[] }).skus;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    standIn.calls.push(url.pathname + url.search);
    if (standIn.throttleNext > 0) {
      standIn.throttleNext--;
      res.writeHead(429, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { code: 429, message: "Quota exceeded", status: "RESOURCE_EXHAUSTED" } }));
      return;
    }
    if (!/^\/v1\/services\/[^/]+\/skus$/.test(url.pathname)) {
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { code: 404, message: `no ${url.pathname}`, status: "NOT_FOUND" } }));
      return;
    }
    const start = Number(url.searchParams.get("pageToken") ?? 0);
    const page = skus.slice(start, start + standIn.pageSize);
    const next = start + standIn.pageSize < skus.length ? String(start + standIn.pageSize) : "";
    res.writeHead(200, { "content-type": "application/json; charset=utf-8" });
    res.end(JSON.stringify({ skus: page, nextPageToken: next }));
  });
  const local = await listenLocal(server);
  const standIn: GcpStandIn = { endpoint: local.base, calls: [], pageSize: 5000, throttleNext: 0, close: local.close };
  return standIn;
}
