/**
 * Custom price sheets for on-premises clusters and negotiated rates, in four layouts:
 *
 * YAML (ours):
 *   currency: EUR                      # of every amount in the sheet (default: pricing.currency)
 *   rates: { cpuCoreHour: 0.028, ramGiBHour: 0.0037, gpuHour: 0.9, storageGiBMonth: 0.03, egressGiB: 0.01 }
 *   # or monthly (730 h): { cpuCoreMonth: 20, ramGiBMonth: 4, gpuMonth: 500, storageGiBMonth: 0.1 }
 *   nodes: [ { instanceType: m5.xlarge, region: us-east-1, hourly: 0.15, spotHourly: 0.05 } ]
 *   discountPct: 18                    # off the list prices of anything the sheet does not price
 *
 * CSV (ours, one price per row): `kind,instanceType,region,price` with kind one of the rate names
 * above, node, spotNode or discountPct.
 *
 * OpenCost's JSON config (configs/default.json, the Helm chart's customPricing): `CPU`, `RAM`, `GPU`
 * (per hour), `spotCPU`, `spotRAM`, `storage` (per GiB-hour), `zoneNetworkEgress`,
 * `regionNetworkEgress`, `internetNetworkEgress` (per GiB), as strings or numbers.
 *
 * OpenCost's CSV (pricing_schema.csv): `EndTimestamp,InstanceID,Region,AssetClass,InstanceIDField,
 * InstanceType,MarketPriceHourly,Version`; node rows matched by `metadata.name`, `spec.providerID`, the
 * instance-type label, or (no InstanceIDField) the InstanceType column, pv rows by `metadata.name` or `spec.storageClassName` (per GiB-hour), gpu rows
 * by a node label (read, reported as not applied: node labels do not reach the pricer yet).
 */
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import * as z from "../../model/zod.ts";
import { HOURS_PER_MONTH } from "../defaults.ts";
import { parseCsv, UnterminatedQuoteError } from "../../reconcile/csv.ts";

export const RATE_NAMES = ["cpuCoreHour", "ramGiBHour", "gpuHour", "spotCpuCoreHour", "spotRamGiBHour", "storageGiBMonth", "egressGiB"] as const;
export type RateName = (typeof RATE_NAMES)[number];
const MONTHLY = { cpuCoreMonth: "cpuCoreHour", ramGiBMonth: "ramGiBHour", gpuMonth: "gpuHour", spotCpuCoreMonth: "spotCpuCoreHour", spotRamGiBMonth: "spotRamGiBHour" } as const;
type MonthlyName = keyof typeof MONTHLY;

/** Which nodes a whole-node price applies to; every field given must match. */
export interface NodeMatch {
  instanceType?: string;
  region?: string;
  nodeName?: string;
  providerId?: string;
}

export interface PriceSheet {
  /** ISO 4217 code of every amount; undefined = pricing.currency. */
  currency: string | undefined;
  rates: { [K in RateName]?: number | undefined };
  nodes: Array<{ match: NodeMatch; hourly: number; spotHourly: number | undefined }>;
  /** Storage prices per GiB-month by storage class or PV name. */
  volumes: Array<{ storageClass?: string; pvName?: string; gibMonth: number }>;
  discountPct: number;
  /** Rows read but not applied, said once at start-up. */
  warnings: string[];
}

/** The sheet cannot be used; the message names the file and the row and column (CSV) or key (YAML/JSON). */
export class PriceSheetError extends Error {
  override readonly name = "PriceSheetError";
}

const price = z.number().check(z.nonnegative());
const rateShape = Object.fromEntries([...RATE_NAMES, ...Object.keys(MONTHLY)].map((n) => [n, z.optional(price)])) as Record<RateName | MonthlyName, z.ZodMiniOptional<typeof price>>;
const yamlSheet = z.strictObject({
  currency: z.optional(z.string().check(z.regex(/^[A-Z]{3}$/, "must be an ISO 4217 code such as USD or EUR"))),
  rates: z._default(z.strictObject(rateShape), {}),
  nodes: z._default(z.array(z.strictObject({ instanceType: z.string().check(z.minLength(1)), region: z.optional(z.string()), hourly: price, spotHourly: z.optional(price) })), []),
  discountPct: z._default(z.number().check(z.minimum(0), z.maximum(100)), 0),
});

const emptySheet = (): PriceSheet => ({ currency: undefined, rates: {}, nodes: [], volumes: [], discountPct: 0, warnings: [] });

/** Hourly rates from monthly ones (730 h); a rate given both ways is an error. */
function hourlyRates(path: string, given: Partial<Record<RateName | MonthlyName, number | undefined>>): PriceSheet["rates"] {
  const out: PriceSheet["rates"] = {};
  for (const n of RATE_NAMES) if (given[n] !== undefined) out[n] = given[n];
  for (const [monthly, hourly] of Object.entries(MONTHLY) as Array<[MonthlyName, RateName]>) {
    const v = given[monthly];
    if (v === undefined) continue;
    if (out[hourly] !== undefined) throw new PriceSheetError(`${path}: rates.${monthly} and rates.${hourly} are the same rate; give one`);
    out[hourly] = v / HOURS_PER_MONTH;
  }
  return out;
}

function fromYaml(path: string, text: string): PriceSheet {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (cause) {
    throw new PriceSheetError(`${path}: not valid YAML: ${(cause as Error).message}`, { cause });
  }
  const r = z.safeParse(yamlSheet, raw ?? {});
  if (!r.success) {
    const issue = r.error.issues[0];
    const where = issue?.path.join(".") ?? "";
    const what = issue?.code === "unrecognized_keys" ? `unknown key ${issue.keys.join(", ")}` : (issue?.message ?? "invalid");
    throw new PriceSheetError(`${path}: ${where === "" ? "(top level)" : where}: ${what}`);
  }
  return {
    ...emptySheet(),
    currency: r.data.currency,
    rates: hourlyRates(path, r.data.rates),
    discountPct: r.data.discountPct,
    nodes: r.data.nodes.map((n) => ({ match: { instanceType: n.instanceType, ...(n.region === undefined ? {} : { region: n.region }) }, hourly: n.hourly, spotHourly: n.spotHourly })),
  };
}

/** OpenCost's JSON keys (hourly CPU/RAM/GPU, storage per GiB-hour); its other keys (credentials, descriptions) are not prices. */
const OPENCOST_KEYS: Record<string, { rate: RateName; toSheet: (v: number) => number }> = {
  CPU: { rate: "cpuCoreHour", toSheet: (v) => v },
  RAM: { rate: "ramGiBHour", toSheet: (v) => v },
  GPU: { rate: "gpuHour", toSheet: (v) => v },
  spotCPU: { rate: "spotCpuCoreHour", toSheet: (v) => v },
  spotRAM: { rate: "spotRamGiBHour", toSheet: (v) => v },
  storage: { rate: "storageGiBMonth", toSheet: (v) => v * HOURS_PER_MONTH },
  internetNetworkEgress: { rate: "egressGiB", toSheet: (v) => v },
};

function fromOpenCostJson(path: string, raw: Record<string, unknown>): PriceSheet {
  const sheet = emptySheet();
  for (const [key, { rate, toSheet }] of Object.entries(OPENCOST_KEYS)) {
    const v = raw[key];
    if (v === undefined || v === "") continue;
    const n = typeof v === "number" ? v : typeof v === "string" ? Number(v) : NaN;
    if (!Number.isFinite(n) || n < 0) throw new PriceSheetError(`${path}: ${key}: ${JSON.stringify(v)} is not a non-negative number`);
    sheet.rates[rate] = toSheet(n);
  }
  if (sheet.rates.cpuCoreHour === undefined || sheet.rates.ramGiBHour === undefined) throw new PriceSheetError(`${path}: an OpenCost config needs CPU and RAM`);
  for (const k of ["zoneNetworkEgress", "regionNetworkEgress"]) if (raw[k] !== undefined) sheet.warnings.push(`${path}: ${k} is not applied (pod traffic is priced as one class, pricing.networkEgressClass; internetNetworkEgress is used)`);
  return sheet;
}

function csvNumber(path: string, line: number, column: string, cell: string | undefined): number {
  const value = Number(cell);
  if (cell === undefined || cell.trim() === "" || !Number.isFinite(value) || value < 0) throw new PriceSheetError(`${path} line ${line}, column ${column}: ${JSON.stringify(cell ?? "")} is not a non-negative number`);
  return value;
}

function columnsOf(path: string, header: string[], names: readonly string[], layout: string): number[] {
  return names.map((name) => {
    const i = header.findIndex((h) => h.trim().toLowerCase() === name.toLowerCase());
    if (i < 0) throw new PriceSheetError(`${path} line 1: missing column ${name} (${layout} columns: ${names.join(",")})`);
    return i;
  });
}

function fromOurCsv(path: string, header: string[], rows: Array<{ line: number; fields: string[] }>): PriceSheet {
  const [kind, type, region, priceCol] = columnsOf(path, header, ["kind", "instanceType", "region", "price"], "our") as [number, number, number, number];
  const sheet = emptySheet();
  const given: Partial<Record<RateName | MonthlyName, number>> = {};
  const spot = new Map<string, number>();
  for (const { line, fields } of rows) {
    const cells = fields.map((c) => c.trim());
    const k = cells[kind] ?? "";
    const value = csvNumber(path, line, "price", cells[priceCol]);
    const it = cells[type] ?? "";
    const where = (cells[region] ?? "") === "" ? undefined : cells[region];
    if ((RATE_NAMES as readonly string[]).includes(k) || k in MONTHLY) given[k as RateName] = value;
    else if (k === "discountPct") {
      if (value > 100) throw new PriceSheetError(`${path} line ${line}, column price: a discount of ${value} % is over 100`);
      sheet.discountPct = value;
    } else if (k === "node" || k === "spotNode") {
      if (it === "") throw new PriceSheetError(`${path} line ${line}, column instanceType: required for kind ${k}`);
      if (k === "node") sheet.nodes.push({ match: { instanceType: it, ...(where === undefined ? {} : { region: where }) }, hourly: value, spotHourly: undefined });
      else spot.set(`${it}|${where ?? ""}`, value);
    } else {
      throw new PriceSheetError(`${path} line ${line}, column kind: ${JSON.stringify(k)} is not one of ${[...RATE_NAMES, ...Object.keys(MONTHLY), "node", "spotNode", "discountPct"].join(", ")}`);
    }
  }
  sheet.rates = hourlyRates(path, given);
  for (const n of sheet.nodes) n.spotHourly = spot.get(`${n.match.instanceType ?? ""}|${n.match.region ?? ""}`);
  return sheet;
}

const INSTANCE_TYPE_LABELS = ["metadata.labels.node.kubernetes.io/instance-type", "metadata.labels.beta.kubernetes.io/instance-type"];
const OPENCOST_CSV = ["InstanceID", "Region", "AssetClass", "InstanceIDField", "InstanceType", "MarketPriceHourly"] as const;

function fromOpenCostCsv(path: string, header: string[], rows: Array<{ line: number; fields: string[] }>): PriceSheet {
  const [id, region, asset, field, type, priceCol] = columnsOf(path, header, OPENCOST_CSV, "OpenCost") as [number, number, number, number, number, number];
  const sheet = emptySheet();
  for (const { line, fields } of rows) {
    const cell = (i: number): string => (fields[i] ?? "").trim();
    const hourly = csvNumber(path, line, "MarketPriceHourly", fields[priceCol]);
    const where = cell(region) === "" ? {} : { region: cell(region) };
    const idField = cell(field);
    switch (cell(asset).toLowerCase()) {
      case "node": {
        // The InstanceID in the field InstanceIDField identifies the node; InstanceType alone is a match by type.
        const match: NodeMatch = { ...where };
        if (idField === "metadata.name") match.nodeName = cell(id);
        else if (idField === "spec.providerID") match.providerId = cell(id);
        else if (INSTANCE_TYPE_LABELS.includes(idField)) match.instanceType = cell(id);
        else if (idField === "" && cell(type) !== "") match.instanceType = cell(type);
        else {
          sheet.warnings.push(`${path} line ${line}: node price keyed by ${idField === "" ? "nothing" : idField} is not applied (node labels do not reach the pricer yet; use metadata.name, spec.providerID or InstanceType)`);
          continue;
        }
        sheet.nodes.push({ match, hourly, spotHourly: undefined });
        break;
      }
      case "pv":
        if (idField === "spec.storageClassName") sheet.volumes.push({ storageClass: cell(id), gibMonth: hourly * HOURS_PER_MONTH });
        else if (idField === "metadata.name") sheet.volumes.push({ pvName: cell(id), gibMonth: hourly * HOURS_PER_MONTH });
        else sheet.warnings.push(`${path} line ${line}: pv price keyed by ${idField} is not applied (use metadata.name or spec.storageClassName)`);
        break;
      case "gpu":
        sheet.warnings.push(`${path} line ${line}: gpu price for ${idField}=${cell(id)} is not applied (node labels do not reach the pricer yet)`);
        break;
      default:
        throw new PriceSheetError(`${path} line ${line}, column AssetClass: ${JSON.stringify(cell(asset))} is not one of node, pv, gpu`);
    }
  }
  return sheet;
}

function fromCsv(path: string, text: string): PriceSheet {
  let records;
  try {
    records = parseCsv(text);
  } catch (cause) {
    if (cause instanceof UnterminatedQuoteError) throw new PriceSheetError(`${path}: ${cause.message}`, { cause });
    throw cause;
  }
  const header = records[0]?.fields ?? [];
  const rows = records.slice(1).filter((r) => r.fields.some((f) => f.trim() !== ""));
  const openCost = header.some((h) => h.trim() === "AssetClass") && header.some((h) => h.trim() === "MarketPriceHourly");
  return openCost ? fromOpenCostCsv(path, header, rows) : fromOurCsv(path, header, rows);
}

export function readPriceSheet(path: string): PriceSheet {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (cause) {
    throw new PriceSheetError(`${path}: cannot be read: ${(cause as Error).message}`, { cause });
  }
  if (/\.csv$/i.test(path)) return fromCsv(path, text);
  if (/\.json$/i.test(path)) {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (cause) {
      throw new PriceSheetError(`${path}: not valid JSON: ${(cause as Error).message}`, { cause });
    }
    if (typeof raw === "object" && raw !== null && !Array.isArray(raw) && "CPU" in raw) return fromOpenCostJson(path, raw);
  }
  return fromYaml(path, text);
}
