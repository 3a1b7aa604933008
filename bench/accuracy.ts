/**
 * `npm run bench -- accuracy`: how much of each cloud the offline price book covers, how many recorded
 * list prices it reproduces exactly, and how wrong each fallback would be where it is needed — measured
 * by holding each listed type out and pricing it by the fallback instead (family fit, the old linear
 * scaling by vCPUs, OpenCost's default rates).
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { validateConfig } from "../config/load.ts";
import { shippedCatalog } from "../pricing/catalog/catalog.ts";
import { familyEstimate, type Sibling } from "../pricing/catalog/family.ts";
import { recordedMismatches } from "../pricing/catalog/recorded.ts";
import { defaultsFor } from "../pricing/defaults.ts";
import { familyOf, readPriceSnapshot, SnapshotPriceBook } from "../pricing/snapshot/snapshot.ts";

const REFERENCE = fileURLToPath(new URL("../../shared/reference/pricing/", import.meta.url));
const pricing = validateConfig({}).pricing;
const catalog = shippedCatalog();
const book = new SnapshotPriceBook(readPriceSnapshot(), pricing);

const RECORDED: Record<string, Array<{ file: string; table: (raw: unknown) => Record<string, Record<string, number>> }>> = {
  aws: ["ondemand_prices_aws.json", "ondemand_prices_aws_cn.json", "ondemand_prices_aws_us_gov.json"].map((f) => ({ file: `aws/${f}`, table: (raw) => (raw as { prices: Record<string, Record<string, number>> }).prices })),
  azure: [{ file: "azure/vm_ondemand_prices_subset.json", table: (raw) => (raw as { prices: { initialOnDemandPrices: Record<string, Record<string, number>> } }).prices.initialOnDemandPrices }],
  gcp: [],
};
const HOME: Record<string, string> = { aws: "us-east-1", azure: "eastus", gcp: "us-central1" };

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

const pct = (x: number): string => `${x >= 0 ? "+" : ""}${(x * 100).toFixed(1)} %`;

function summary(errors: number[]): string {
  const abs = errors.map(Math.abs).sort((a, b) => a - b);
  const signed = [...errors].sort((a, b) => a - b);
  return `median |err| ${(percentile(abs, 50) * 100).toFixed(1)} %, p90 ${(percentile(abs, 90) * 100).toFixed(1)} %, range ${pct(signed[0] ?? NaN)} … ${pct(signed.at(-1) ?? NaN)}`;
}

function recorded(provider: string): { checked: number; exact: number } {
  let checked = 0;
  let exact = 0;
  for (const { file, table } of RECORDED[provider] ?? []) {
    const path = `${REFERENCE}${file}`;
    if (!existsSync(path)) continue;
    const r = recordedMismatches(book, catalog, provider, table(JSON.parse(readFileSync(path, "utf8"))));
    checked += r.checked;
    exact += r.checked - r.wrong.length;
  }
  return { checked, exact };
}

/** Relative errors of each fallback over every held-out type of the home region with a known shape. */
function holdOut(provider: string): { family: number[]; linear: number[]; defaults: number[] } {
  const region = HOME[provider] ?? "";
  const weights = defaultsFor(pricing, provider);
  const rows = catalog.instanceTypes(provider, region).flatMap((t) => {
    const e = catalog.lookup(provider, region, t);
    return e?.shape === undefined || e.onDemand <= 0 ? [] : [{ type: t, family: familyOf(provider, t), vcpu: e.shape[0], memoryGiB: e.shape[1], gpus: e.shape[2], price: e.onDemand }];
  });
  const out = { family: [] as number[], linear: [] as number[], defaults: [] as number[] };
  for (const r of rows) {
    out.defaults.push((r.vcpu * weights.cpuCoreHour + r.memoryGiB * weights.ramGiBHour + r.gpus * weights.gpuHour) / r.price - 1);
    if (r.family === undefined) continue;
    const siblings: Sibling[] = rows.filter((s) => s !== r && s.family === r.family && s.gpus === r.gpus);
    if (siblings.length === 0) continue;
    const fit = familyEstimate(siblings, r, weights);
    if (fit !== undefined) out.family.push(fit / r.price - 1);
    const first = siblings[0];
    if (first !== undefined) out.linear.push((first.price * r.vcpu) / first.vcpu / r.price - 1);
  }
  return out;
}

export async function benchAccuracy(): Promise<string[]> {
  const lines = ["## Price book accuracy (`npm run bench -- accuracy`)", "", "| cloud | regions | types | prices | shapes known | recorded list entries | exact |", "|---|---|---|---|---|---|---|"];
  const fallbacks: string[] = [];
  for (const provider of ["aws", "azure", "gcp"]) {
    const file = catalog.file(provider);
    const regions = catalog.regions(provider);
    const types = new Set(regions.flatMap((r) => catalog.instanceTypes(provider, r)));
    const prices = regions.reduce((n, r) => n + catalog.instanceTypes(provider, r).length, 0);
    const shapes = [...types].filter((t) => catalog.shape(provider, t) !== undefined).length;
    const { checked, exact } = recorded(provider);
    lines.push(`| ${provider} | ${regions.length} | ${types.size} | ${prices} | ${shapes} | ${checked === 0 ? "—" : checked} | ${checked === 0 ? "—" : `${exact} (${checked - exact} mismatches)`} |`);
    const h = holdOut(provider);
    fallbacks.push(
      `| ${provider} (${HOME[provider] ?? ""}, ${h.defaults.length} types, ${file === undefined ? 0 : h.family.length} with siblings) | ${summary(h.family)} | ${summary(h.linear)} | ${summary(h.defaults)} |`,
    );
  }
  await Promise.resolve();
  return [
    ...lines,
    "",
    "Fallbacks, measured by pricing each listed type as if it were unlisted (relative error against its list price):",
    "",
    "| cloud | family fit (a·vCPU + b·GiB, ours) | linear by vCPUs (before) | OpenCost default rates |",
    "|---|---|---|---|",
    ...fallbacks,
  ];
}
