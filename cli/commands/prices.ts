import { writeFileSync } from "node:fs";
import type { CapacityType } from "../../model/events.ts";
import { auditPrice, type PriceAuditRow } from "../../pricing/audit.ts";
import { shippedCatalog } from "../../pricing/catalog/catalog.ts";
import { exportPrices } from "../../pricing/export.ts";
import { createPriceBook } from "../../pricing/index.ts";
import { readPriceSnapshot } from "../../pricing/snapshot/snapshot.ts";
import { numberOption, stringOption, UsageError, type ParsedArgs } from "../args.ts";
import type { Command } from "../command.ts";
import { renderCsv, renderStructured, renderTable, type Column } from "../kubectl-cost/format.ts";
import { configFor } from "../lifecycle.ts";

const num = (digits: number) => (v: number | undefined): string => (v === undefined ? "" : v.toFixed(digits));

const COLUMNS: Column<PriceAuditRow>[] = [
  { header: "INSTANCE TYPE", kind: "text", value: (r) => r.instanceType },
  { header: "VCPU", kind: "text", value: (r) => (r.vcpu === undefined ? "?" : String(r.vcpu)) },
  { header: "MEM GIB", kind: "text", value: (r) => (r.memoryGiB === undefined ? "?" : String(r.memoryGiB)) },
  { header: "GPU", kind: "text", value: (r) => (r.gpus === undefined ? "?" : String(r.gpus)) },
  { header: "HOURLY", kind: "text", value: (r) => num(6)(r.hourly) },
  { header: "ON-DEMAND", kind: "text", value: (r) => num(6)(r.onDemand) },
  { header: "SPOT", kind: "text", value: (r) => (r.spot > 0 ? num(6)(r.spot) : "") },
  { header: "CUR", kind: "text", value: (r) => r.currency },
  { header: "CPU/CORE-H", kind: "text", value: (r) => num(6)(r.cpuCoreHour) },
  { header: "RAM/GIB-H", kind: "text", value: (r) => num(6)(r.ramGiBHour) },
  { header: "GPU/H", kind: "text", value: (r) => num(6)(r.gpuHour) },
  { header: "SOURCE", kind: "text", value: (r) => (r.fallback ? `${r.source} (fallback)` : r.source) },
  { header: "AS OF", kind: "text", value: (r) => r.asOf },
];
const FIELDS = ["provider", "region", "instanceType", "capacityType", "vcpu", "memoryGiB", "gpus", "hourly", "onDemand", "spot", "currency", "cpuCoreHour", "ramGiBHour", "gpuHour", "source", "fallback", "asOf"] as const;

/** What each fallback source means, for the notes under the table. */
const FALLBACKS: Record<string, string> = {
  "snapshot-region": "the region does not list the type; its price in HOME",
  "snapshot-family": "an unlisted size, fitted from the listed sizes of its family",
  "opencost-default": "no listed price (or no listed spot price): OpenCost's default rates × shape (for spot: the list price × the default spot ratio)",
};

function capacityOf(args: ParsedArgs): CapacityType {
  const c = stringOption(args, "capacity-type") ?? "on-demand";
  if (c !== "on-demand" && c !== "spot") throw new UsageError(`--capacity-type must be on-demand or spot, got ${JSON.stringify(c)}`);
  return c === "spot" ? "SPOT" : "ON_DEMAND";
}

function shapeOf(args: ParsedArgs): { vcpu: number; memoryGiB: number; gpus: number } | undefined {
  const vcpu = numberOption(args, "cpus", 0.01, 10_000);
  const memoryGiB = numberOption(args, "memory-gib", 0.01, 100_000);
  if ((vcpu === undefined) !== (memoryGiB === undefined)) throw new UsageError("give --cpus and --memory-gib together");
  return vcpu === undefined || memoryGiB === undefined ? undefined : { vcpu, memoryGiB, gpus: numberOption(args, "gpus", 0, 64) ?? 0 };
}

async function show(args: ParsedArgs): Promise<number> {
  const provider = stringOption(args, "provider");
  const region = stringOption(args, "region");
  if (provider === undefined || region === undefined) throw new UsageError("say `kce prices show --provider aws|azure|gcp --region REGION [--instance-type TYPE]`");
  const config = configFor(args);
  const catalog = shippedCatalog();
  const book = createPriceBook(config.pricing);
  const type = stringOption(args, "instance-type");
  const listed = catalog.instanceTypes(provider, region);
  const home = catalog.homeRegion(provider, region);
  const types = type !== undefined ? [type] : listed.length > 0 ? listed : home === undefined ? [] : catalog.instanceTypes(provider, home);
  if (types.length === 0) throw new UsageError(`no instance types known for ${provider} in ${region}; name one with --instance-type (and --cpus/--memory-gib for an unlisted type)`);
  const shape = shapeOf(args);
  const rows = types.map((t) => auditPrice(book, catalog, config.pricing, { provider, region, instanceType: t, capacityType: capacityOf(args), ...(shape === undefined ? {} : { shape }) }));
  const format = stringOption(args, "output") ?? "table";
  if (format === "json" || format === "yaml") process.stdout.write(renderStructured(format, rows));
  else if (format === "csv") process.stdout.write(renderCsv(FIELDS, rows as unknown as Array<Record<string, unknown>>));
  else if (format === "table") {
    process.stdout.write(renderTable(COLUMNS, rows));
    const unknownShape = rows.filter((r) => r.vcpu === undefined).length;
    const notes = Object.entries(FALLBACKS).flatMap(([source, why]) => {
      const n = rows.filter((r) => r.source === source).length;
      return n === 0 ? [] : [`${n} of ${rows.length} priced by ${source}: ${why.replace("HOME", home ?? "the home region")}`];
    });
    if (unknownShape > 0) notes.push(`${unknownShape} without a known shape: per-resource rates need --cpus and --memory-gib (the pipeline splits by each node's own capacity)`);
    for (const n of notes) process.stderr.write(`note: ${n}\n`);
  } else throw new UsageError(`--output must be table, json, csv or yaml, got ${JSON.stringify(format)}`);
  return 0;
}

async function exportSnapshot(args: ParsedArgs): Promise<number> {
  const provider = stringOption(args, "provider");
  if (provider !== "aws" && provider !== "azure" && provider !== "gcp") throw new UsageError("--provider must be aws, azure or gcp");
  const config = configFor(args);
  const result = await exportPrices(provider, config.pricing, readPriceSnapshot(config.pricing.snapshotFile));
  const text = JSON.stringify(result.snapshot, null, 2) + "\n";
  const out = stringOption(args, "out");
  if (out === undefined) process.stdout.write(text);
  else writeFileSync(out, text);
  process.stderr.write(`prices export: ${result.updated} entries updated from ${provider}${result.unknown.length > 0 ? `; unknown to the API, kept: ${result.unknown.join(", ")}` : ""}\n`);
  return 0;
}

export const pricesCommand: Command = {
  name: "prices",
  summary: "audit what a node is charged (show), or refresh the offline price snapshot from a cloud API (export)",
  usage: "kce prices show --provider P --region R [--instance-type T] [-o table|json|csv|yaml]\n       kce prices export --provider aws|azure|gcp [--config FILE] [--out FILE]",
  details:
    "show: the price the pipeline would charge a node of each type in the region (every type the offline catalog\n" +
    "lists there, or one with --instance-type), with the per-resource rates it is split into, the currency, the\n" +
    "source and its as-of date. Prices that are not a listed price of that type in that region are flagged\n" +
    "(fallback). Uses the configured price source (pricing.provider: snapshot or custom; cloud APIs are not called).\n" +
    "  kce prices show --provider aws --region us-east-1 --instance-type g5.xlarge\n" +
    "  kce prices show --provider gcp --region europe-west4 -o csv > gcp-europe-west4.csv\n\n" +
    "export: fetches again every instance and volume type the current snapshot lists for that provider (on-demand\n" +
    "price and shape, mean spot price over the region's zones, storage per GiB-month) with the same credentials,\n" +
    "budget and retries as the pricer, and writes a new snapshot (stdout without --out). Other providers' entries\n" +
    "are kept. Types the API does not know are kept as they were and listed.",
  options: [
    { name: "provider", value: "NAME", description: "aws, azure or gcp" },
    { name: "region", value: "REGION", description: "show: the region (us-east-1, eastus, us-central1, …)" },
    { name: "instance-type", value: "TYPE", description: "show: one instance type (default: every type listed in the region)" },
    { name: "capacity-type", value: "TYPE", description: "show: on-demand (default) or spot" },
    { name: "cpus", value: "N", description: "show: vCPUs of an unlisted type (with --memory-gib)" },
    { name: "memory-gib", value: "GIB", description: "show: memory of an unlisted type" },
    { name: "gpus", value: "N", description: "show: GPUs of an unlisted type" },
    { name: "output", short: "o", value: "FORMAT", description: "show: table (default), json, csv or yaml" },
    { name: "config", short: "c", value: "FILE", description: "config (pricing.* source, currency, endpoints and budget)" },
    { name: "out", value: "FILE", description: "export: write the snapshot here (default stdout)" },
    { name: "help", short: "h", description: "show this help" },
  ],
  run: async (args) => {
    const sub = args.positionals[0];
    if (sub === "show") return show(args);
    if (sub === "export") return exportSnapshot(args);
    throw new UsageError("say `kce prices show …` or `kce prices export …` (see --help)");
  },
};
