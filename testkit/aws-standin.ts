import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A local stand-in for the AWS Price List API (JSON 1.1, `AWSPriceListService.GetProducts`) and
 * EC2's DescribeSpotPriceHistory (Query protocol, XML), for the real SDK clients pointed at it by
 * endpoint. It applies TERM_MATCH filters, pages with NextToken, counts calls, and can throttle,
 * answer garbage or go away.
 */
export interface SpotRow {
  zone: string;
  instanceType: string;
  price: number;
  timestamp: Date;
}

export interface AwsStandIn {
  readonly url: string;
  /** Calls received, by action (GetProducts, DescribeSpotPriceHistory), with their bodies and the region they were signed for. */
  readonly calls: Array<{ action: string; body: string; atMs: number; region: string }>;
  spot: SpotRow[];
  /** Items per page (GetProducts and spot history). */
  pageSize: number;
  /** Answer the next N calls with a throttling error. */
  throttleNext: number;
  /** Answer with a malformed body. */
  garbage: boolean;
  /** Stop listening (connections refused) and start again on the same port (no-op when up). */
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

type Offer = { product?: { productFamily?: string; attributes?: Record<string, string> } };

function matches(offer: Offer, filters: Array<{ Field: string; Value: string }>): boolean {
  return filters.every((f) => (f.Field === "productFamily" ? offer.product?.productFamily === f.Value : offer.product?.attributes?.[f.Field] === f.Value));
}

const xmlEscape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");

async function body(req: IncomingMessage): Promise<string> {
  let text = "";
  for await (const chunk of req) text += String(chunk);
  return text;
}

export async function startAwsStandIn(productsFile: string): Promise<AwsStandIn> {
  const products = JSON.parse(readFileSync(productsFile, "utf8")) as Offer[];
  let server: Server | undefined;
  let port = 0;

  const getProducts = (text: string, res: ServerResponse) => {
    const input = JSON.parse(text) as { Filters?: Array<{ Field: string; Value: string }>; NextToken?: string };
    const hits = products.filter((p) => matches(p, input.Filters ?? []));
    const start = Number(input.NextToken ?? 0);
    const page = hits.slice(start, start + standIn.pageSize);
    const next = start + standIn.pageSize < hits.length ? String(start + standIn.pageSize) : undefined;
    res.writeHead(200, { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": "standin" });
    res.end(standIn.garbage ? '{"FormatVersion":"aws_v1","PriceList":["{not json' + '"]}' : JSON.stringify({ FormatVersion: "aws_v1", PriceList: page.map((p) => JSON.stringify(p)), ...(next === undefined ? {} : { NextToken: next }) }));
  };

  const spotHistory = (params: URLSearchParams, res: ServerResponse) => {
    const types = [...params.entries()].filter(([k]) => k.startsWith("InstanceType.")).map(([, v]) => v);
    const rows = standIn.spot.filter((s) => types.length === 0 || types.includes(s.instanceType));
    const start = Number(params.get("NextToken") ?? 0);
    const page = rows.slice(start, start + standIn.pageSize);
    const next = start + standIn.pageSize < rows.length ? String(start + standIn.pageSize) : "";
    const items = page
      .map((s) => `<item><instanceType>${xmlEscape(s.instanceType)}</instanceType><productDescription>Linux/UNIX</productDescription><spotPrice>${s.price.toFixed(6)}</spotPrice><timestamp>${s.timestamp.toISOString()}</timestamp><availabilityZone>${xmlEscape(s.zone)}</availabilityZone></item>`)
      .join("");
    res.writeHead(200, { "content-type": "text/xml;charset=UTF-8" });
    res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<DescribeSpotPriceHistoryResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>standin</requestId><spotPriceHistorySet>${items}</spotPriceHistorySet><nextToken>${next}</nextToken></DescribeSpotPriceHistoryResponse>`);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const text = await body(req);
    const target = req.headers["x-amz-target"];
    const params = new URLSearchParams(text);
    const action = target === "AWSPriceListService.GetProducts" ? "GetProducts" : (params.get("Action") ?? "unknown");
    // SigV4: "Credential=<key>/<date>/<region>/<service>/aws4_request".
    const region = /Credential=[^/]+\/\d+\/([^/]+)\//.exec(String(req.headers["authorization"] ?? ""))?.[1] ?? "";
    standIn.calls.push({ action, body: text, atMs: Date.now(), region });
    if (standIn.throttleNext > 0) {
      standIn.throttleNext--;
      if (action === "GetProducts") {
        res.writeHead(400, { "content-type": "application/x-amz-json-1.1" });
        res.end(JSON.stringify({ __type: "ThrottlingException", message: "Rate exceeded" }));
      } else {
        res.writeHead(503, { "content-type": "text/xml" });
        res.end("<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>standin</RequestID></Response>");
      }
      return;
    }
    if (action === "GetProducts") getProducts(text, res);
    else if (action === "DescribeSpotPriceHistory") spotHistory(params, res);
    else {
      res.writeHead(400, { "content-type": "text/plain" });
      res.end(`stand-in does not know ${action}`);
    }
  };

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      if (server !== undefined) return resolve();
      const s = createServer((req, res) => void handle(req, res));
      s.once("error", reject);
      s.listen(port, "127.0.0.1", () => {
        port = (s.address() as AddressInfo).port;
        server = s;
        resolve();
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (server === undefined) return resolve();
      server.closeAllConnections();
      server.close(() => resolve());
      server = undefined;
    });

  await listen();
  const standIn: AwsStandIn = {
    url: `http://127.0.0.1:${port}`,
    calls: [],
    spot: [],
    pageSize: 100,
    throttleNext: 0,
    garbage: false,
    down: stop,
    up: listen,
    close: stop,
  };
  return standIn;
}
