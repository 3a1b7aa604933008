/**
 * Custom price sheets for on-premises clusters and negotiated rates, as YAML or CSV.
 *
 * YAML:
 *   rates: { cpuCoreHour: 0.028, ramGiBHour: 0.0037, gpuHour: 0.9, storageGiBMonth: 0.03, egressGiB: 0.01 }
 *   nodes: [ { instanceType: m5.xlarge, region: us-east-1, hourly: 0.15, spotHourly: 0.05 } ]
 *   discountPct: 18        # off the list prices of anything the sheet does not price
 *
 * CSV (one price per row): `kind,instanceType,region,price` with kind one of cpuCoreHour, ramGiBHour,
 * gpuHour, storageGiBMonth, egressGiB, node, spotNode, discountPct.
 */
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { z } from "zod";

export interface PriceSheet {
  rates: { [K in RateName]?: number | undefined };
  nodes: Array<{ instanceType: string; region: string | undefined; hourly: number; spotHourly: number | undefined }>;
  discountPct: number;
}

const RATE_NAMES = ["cpuCoreHour", "ramGiBHour", "gpuHour", "storageGiBMonth", "egressGiB"] as const;
type RateName = (typeof RATE_NAMES)[number];

/** The sheet cannot be used; the message names the file and the row and column (CSV) or key (YAML). */
export class PriceSheetError extends Error {
  override readonly name = "PriceSheetError";
}

const price = z.number().nonnegative().finite();
const yamlSheet = z.strictObject({
  rates: z.strictObject(Object.fromEntries(RATE_NAMES.map((n) => [n, price.optional()])) as Record<RateName, z.ZodOptional<typeof price>>).default({}),
  nodes: z.array(z.strictObject({ instanceType: z.string().min(1), region: z.string().optional(), hourly: price, spotHourly: price.optional() })).default([]),
  discountPct: z.number().min(0).max(100).default(0),
});

function fromYaml(path: string, text: string): PriceSheet {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (cause) {
    throw new PriceSheetError(`${path}: not valid YAML: ${(cause as Error).message}`, { cause });
  }
  const r = yamlSheet.safeParse(raw ?? {});
  if (!r.success) {
    const issue = r.error.issues[0];
    const where = issue?.path.join(".") ?? "";
    const what = issue?.code === "unrecognized_keys" ? `unknown key ${issue.keys.join(", ")}` : (issue?.message ?? "invalid");
    throw new PriceSheetError(`${path}: ${where === "" ? "(top level)" : where}: ${what}`);
  }
  return { rates: r.data.rates, discountPct: r.data.discountPct, nodes: r.data.nodes.map((n) => ({ instanceType: n.instanceType, region: n.region, hourly: n.hourly, spotHourly: n.spotHourly })) };
}

function fromCsv(path: string, text: string): PriceSheet {
  const lines = text.replace(/^\ufeff/, "").split(/\r?\n/);
  const header = (lines[0] ?? "").split(",").map((h) => h.trim());
  const col = (name: string) => {
    const i = header.indexOf(name);
    if (i < 0) throw new PriceSheetError(`${path} line 1: missing column ${name} (columns: kind,instanceType,region,price)`);
    return i;
  };
  const [kind, type, region, priceCol] = [col("kind"), col("instanceType"), col("region"), col("price")];
  const sheet: PriceSheet = { rates: {}, nodes: [], discountPct: 0 };
  const spot = new Map<string, number>();
  lines.slice(1).forEach((line, i) => {
    if (line.trim() === "") return;
    const row = i + 2;
    const cells = line.split(",").map((c) => c.trim());
    const k = cells[kind] ?? "";
    const value = Number(cells[priceCol]);
    if (cells[priceCol] === undefined || cells[priceCol] === "" || !Number.isFinite(value) || value < 0) {
      throw new PriceSheetError(`${path} line ${row}, column price: ${JSON.stringify(cells[priceCol] ?? "")} is not a non-negative number`);
    }
    const it = cells[type] ?? "";
    const where = (cells[region] ?? "") === "" ? undefined : cells[region];
    if ((RATE_NAMES as readonly string[]).includes(k)) sheet.rates[k as RateName] = value;
    else if (k === "discountPct") {
      if (value > 100) throw new PriceSheetError(`${path} line ${row}, column price: a discount of ${value} % is over 100`);
      sheet.discountPct = value;
    } else if (k === "node" || k === "spotNode") {
      if (it === "") throw new PriceSheetError(`${path} line ${row}, column instanceType: required for kind ${k}`);
      if (k === "node") sheet.nodes.push({ instanceType: it, region: where, hourly: value, spotHourly: undefined });
      else spot.set(`${it}|${where ?? ""}`, value);
    } else {
      throw new PriceSheetError(`${path} line ${row}, column kind: ${JSON.stringify(k)} is not one of ${[...RATE_NAMES, "node", "spotNode", "discountPct"].join(", ")}`);
    }
  });
  for (const n of sheet.nodes) n.spotHourly = spot.get(`${n.instanceType}|${n.region ?? ""}`);
  return sheet;
}

export function readPriceSheet(path: string): PriceSheet {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (cause) {
    throw new PriceSheetError(`${path}: cannot be read: ${(cause as Error).message}`, { cause });
  }
  return /\.csv$/i.test(path) ? fromCsv(path, text) : fromYaml(path, text);
}
