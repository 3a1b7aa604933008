/**
 * Generates the offline price catalog (pricing/catalog/<cloud>.json.gz) from public price tables.
 * Run by hand when the tables are refreshed; the project never downloads them itself (see
 * pricing/catalog/README.md for where each table comes from). Usage:
 *
 *   node scripts/price-catalog.ts --aws-prices F[,F…] --aws-specs F --aws-shapes-go F \
 *     --azure-prices-go F --azure-shapes-go F --gcp-prices F --gcp-as-of ISO [--out DIR] [--source-note K=TEXT …]
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import { catalogFile, type CatalogFile } from "../pricing/catalog/format.ts";
import { CATALOG_DIR } from "../pricing/catalog/catalog.ts";
import { readAutoscalerShapes, readKarpenterAwsPrices, readKarpenterAwsShapes, readKarpenterAzurePrices, readKarpenterGcpPrices, type PriceTable, type Shape } from "../pricing/catalog/sources.ts";
import { machineShape } from "../pricing/gcp/shapes.ts";
import { awsCurrency, isAwsChinaRegion } from "../pricing/aws/offers.ts";

const { values } = parseArgs({
  options: {
    "aws-prices": { type: "string" },
    "aws-specs": { type: "string" },
    "aws-shapes-go": { type: "string" },
    "azure-prices-go": { type: "string" },
    "azure-shapes-go": { type: "string" },
    "gcp-prices": { type: "string" },
    "gcp-as-of": { type: "string" },
    "source-note": { type: "string", multiple: true, default: [] },
    out: { type: "string", default: CATALOG_DIR },
  },
});

function need(name: keyof typeof values): string {
  const v = values[name];
  if (typeof v !== "string" || v === "") {
    process.stderr.write(`price-catalog: --${name} is required\n`);
    process.exit(2);
  }
  return v;
}

/** Extra words per source key (repo and commit), given as key=text. */
const notes = new Map((values["source-note"] ?? []).map((s) => [s.slice(0, s.indexOf("=")), s.slice(s.indexOf("=") + 1)]));
const note = (key: string, base: string): string => (notes.has(key) ? `${base} (${notes.get(key) ?? ""})` : base);
const round = (n: number): number => Math.round(n * 1e6) / 1e6;

function write(file: CatalogFile): void {
  const checked = catalogFile.parse(file);
  const path = join(values.out ?? CATALOG_DIR, `${file.provider}.json.gz`);
  const body = gzipSync(JSON.stringify(checked), { level: 9 });
  writeFileSync(path, body);
  const entries = Object.values(checked.regions).reduce((n, r) => n + Object.keys(r.onDemand).length, 0);
  process.stdout.write(`${path}: ${Object.keys(checked.regions).length} regions, ${entries} prices, ${Object.keys(checked.shapes).length} shapes, ${body.length} bytes\n`);
}

function shapesFor(types: Iterable<string>, ...tables: Array<Record<string, Shape>>): Record<string, Shape> {
  const out: Record<string, Shape> = {};
  for (const t of types) {
    const s = tables.map((table) => table[t]).find((x) => x !== undefined);
    if (s !== undefined) out[t] = [round(s[0]), round(s[1]), s[2]];
  }
  return out;
}

function typesOf(tables: PriceTable): Set<string> {
  return new Set(Object.values(tables).flatMap((t) => Object.keys(t)));
}

function aws(): void {
  const files = need("aws-prices").split(",");
  const specs = readKarpenterAwsShapes(need("aws-specs"));
  const autoscaler = readAutoscalerShapes(need("aws-shapes-go"));
  const regions: CatalogFile["regions"] = {};
  const sources: CatalogFile["sources"] = {};
  for (const f of files) {
    const { generatedAt, prices } = readKarpenterAwsPrices(f);
    for (const [region, table] of Object.entries(prices)) {
      const key = `aws-pricing-api-${isAwsChinaRegion(region) ? "cn" : region.startsWith("us-gov-") ? "gov" : "commercial"}`;
      sources[key] = { description: note(key, `AWS Price List API, Linux on-demand, shared tenancy, in ${awsCurrency(region)}, read ${generatedAt} by aws/karpenter-provider-aws's generator`), asOf: generatedAt };
      regions[region] = { currency: awsCurrency(region), source: key, onDemand: table };
    }
  }
  const all = new Set(Object.values(regions).flatMap((r) => Object.keys(r.onDemand)));
  sources["aws-shapes"] = { description: note("aws-shapes", "vCPUs, memory and GPUs: karpenter-provider-aws instance-type reference, then cluster-autoscaler's ec2_instance_types.go"), asOf: new Date().toISOString() };
  write({ schemaVersion: 1, provider: "aws", generatedAt: new Date().toISOString(), sources, homeRegions: { "": "us-east-1", "cn-": "cn-north-1", "us-gov-": "us-gov-west-1" }, shapes: shapesFor(all, specs, autoscaler), regions });
}

function azure(): void {
  const { generatedAt, prices } = readKarpenterAzurePrices(need("azure-prices-go"));
  const shapes = readAutoscalerShapes(need("azure-shapes-go"));
  const key = "azure-retail-prices";
  const regions: CatalogFile["regions"] = {};
  for (const [region, table] of Object.entries(prices)) regions[region] = { currency: "USD", source: key, onDemand: table };
  const sources = {
    [key]: { description: note(key, `Azure Retail Prices API, Linux pay-as-you-go (Consumption), USD, read ${generatedAt} by Azure/karpenter-provider-azure's generator`), asOf: generatedAt },
    "azure-shapes": { description: note("azure-shapes", "vCPUs, memory and GPUs: cluster-autoscaler's azure_instance_types.go (Resource SKUs API)"), asOf: new Date().toISOString() },
  };
  write({ schemaVersion: 1, provider: "azure", generatedAt: new Date().toISOString(), sources, homeRegions: { "": "eastus" }, shapes: shapesFor(typesOf(prices), shapes), regions });
}

function gcp(): void {
  const asOf = need("gcp-as-of");
  const { onDemand, spot } = readKarpenterGcpPrices(need("gcp-prices"));
  const key = "gcp-billing-catalog";
  const regions: CatalogFile["regions"] = {};
  for (const [region, table] of Object.entries(onDemand)) {
    const s = spot[region];
    regions[region] = { currency: "USD", source: key, onDemand: table, ...(s === undefined ? {} : { spot: s }) };
  }
  const shapes: Record<string, Shape> = {};
  for (const t of typesOf(onDemand)) {
    const s = machineShape(t);
    if (s !== undefined) shapes[t] = [round(s.vcpu), round(s.memoryGiB), s.gpus ?? 0];
  }
  const sources = {
    [key]: { description: note(key, "Cloud Billing Catalog, Compute Engine machine types on-demand and Spot, USD, as tabulated by cloudpilot-ai/karpenter-provider-gcp's initial-prices.json"), asOf },
    "gcp-shapes": { description: note("gcp-shapes", "vCPUs and memory from Google's documented machine-type rules (pricing/gcp/shapes.ts)"), asOf: new Date().toISOString() },
  };
  write({ schemaVersion: 1, provider: "gcp", generatedAt: new Date().toISOString(), sources, homeRegions: { "": "us-central1" }, shapes, regions });
}

aws();
azure();
gcp();
