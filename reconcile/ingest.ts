import { closeSync, createReadStream, openSync, readSync, statSync } from "node:fs";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { readCsv, UnterminatedQuoteError, type CsvRecord } from "./csv.ts";
import { BadRowError, detectLayout, normaliseHeader, type BillLine, type Layout, type LayoutSpec } from "./formats.ts";
import { billKey } from "./match.ts";

/** A billing file that cannot be read as a whole (unknown layout, no header). */
export class BillFormatError extends Error {
  override readonly name = "BillFormatError";
}

/** A file mixes currencies; the message names the file, line and column. */
export class MixedCurrencyError extends Error {
  override readonly name = "MixedCurrencyError";
}

export interface RowProblem {
  line: number;
  column: string;
  message: string;
}

export interface FileSummary {
  path: string;
  layout: Layout;
  costColumn: string;
  rows: number;
  badRows: number;
  /** The first problems, with line and column. */
  problems: RowProblem[];
  cost: number;
}

export interface ResourceDay {
  key: string;
  resourceId: string;
  day: string;
  cost: number;
  kind: string;
}

export interface OtherCharge {
  kind: string;
  day: string;
  resourceId: string;
  cost: number;
}

/**
 * What the bills say, aggregated while streaming: cost per resource and day, and every other charge
 * (no resource, or not usage) per kind and day. Memory grows with resources × days, not rows.
 */
export class BillAggregate {
  readonly files: FileSummary[] = [];
  readonly byResourceDay = new Map<string, ResourceDay>();
  readonly other = new Map<string, OtherCharge>();
  currency = "";
  private currencyWhere = "";

  add(line: BillLine, where: { path: string; line: number }): void {
    if (line.currency !== "") {
      if (this.currency === "") {
        this.currency = line.currency;
        this.currencyWhere = `${where.path} line ${where.line}`;
      } else if (line.currency !== this.currency) {
        throw new MixedCurrencyError(`${where.path} line ${where.line}, column currency: ${line.currency}, but ${this.currencyWhere} is in ${this.currency}; reconcile one currency at a time`);
      }
    }
    const key = billKey(line.resourceId);
    if (line.usage && key !== "") {
      const id = `${key}|${line.day}`;
      const known = this.byResourceDay.get(id);
      if (known === undefined) this.byResourceDay.set(id, { key, resourceId: line.resourceId, day: line.day, cost: line.cost, kind: line.kind });
      else known.cost += line.cost;
      return;
    }
    const id = `${line.kind}|${line.day}|${line.resourceId}`;
    const known = this.other.get(id);
    if (known === undefined) this.other.set(id, { kind: line.kind, day: line.day, resourceId: line.resourceId, cost: line.cost });
    else known.cost += line.cost;
  }
}

/** The bills are in another currency than the pipeline's estimates and no rate converts them. */
export class BillCurrencyError extends Error {
  override readonly name = "BillCurrencyError";
}

/**
 * Brings a bill into the pipeline's currency: unchanged when it already is (or names none), converted
 * with `pricing.exchangeRates` otherwise, refused when there is no rate — an EUR bill is never applied
 * to USD estimates.
 */
export function toPipelineCurrency(bill: BillAggregate, currency: string, rates: Record<string, number>): void {
  if (bill.currency === "" || bill.currency === currency) return;
  const rate = rates[bill.currency];
  if (rate === undefined) {
    throw new BillCurrencyError(`the bills are in ${bill.currency}, the pipeline's estimates in ${currency}: set pricing.exchangeRates.${bill.currency} (${currency} per ${bill.currency}) to convert them, or run the pipeline in ${bill.currency} (pricing.currency)`);
  }
  for (const r of bill.byResourceDay.values()) r.cost *= rate;
  for (const o of bill.other.values()) o.cost *= rate;
  for (const f of bill.files) f.cost *= rate;
  bill.currency = currency;
}

export interface Progress {
  (file: string, bytesRead: number, totalBytes: number, rows: number): void;
}

const MAX_PROBLEMS = 20;

/** What the first bytes say the file is: gzip (`1f 8b`), zip (`PK\x03\x04`) or plain text. */
function sniff(path: string): "gzip" | "zip" | "plain" {
  const head = Buffer.alloc(4);
  const fd = openSync(path, "r");
  try {
    readSync(fd, head, 0, 4, 0);
  } finally {
    closeSync(fd);
  }
  if (head[0] === 0x1f && head[1] === 0x8b) return "gzip";
  if (head.toString("latin1") === "PK\x03\x04") return "zip";
  return "plain";
}

/**
 * The file's text, decompressed on the fly when it is gzipped (how AWS, Azure and GCP deliver
 * exports), whatever its name. `onBytes` reports compressed bytes read, for progress.
 */
function textStream(path: string, onBytes: (n: number) => void): Readable {
  const kind = sniff(path);
  if (kind === "zip") throw new BillFormatError(`${path}: a zip archive; unzip it and pass the CSV inside (gzip is read as it is)`);
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  raw.on("data", () => onBytes(raw.bytesRead));
  const text = kind === "gzip" ? raw.pipe(createGunzip()) : raw;
  raw.on("error", (e) => text.destroy(e));
  text.setEncoding("utf8");
  return text;
}

async function* lines(path: string, onBytes: (n: number) => void): AsyncGenerator<string> {
  try {
    for await (const chunk of textStream(path, onBytes) as AsyncIterable<string>) yield chunk;
  } catch (cause) {
    if (cause instanceof BillFormatError) throw cause;
    throw new BillFormatError(`${path}: cannot be read: ${(cause as Error).message}`, { cause });
  }
}

function isJsonLines(path: string): boolean {
  return /\.(jsonl|ndjson|json)(\.gz)?$/i.test(path);
}

function flatten(value: unknown, prefix: string, out: Map<string, string>): void {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) flatten(v, prefix === "" ? k : `${prefix}.${k}`, out);
    return;
  }
  if (value === null || value === undefined) return;
  out.set(normaliseHeader(prefix), typeof value === "string" ? value : typeof value === "number" || typeof value === "boolean" ? String(value) : JSON.stringify(value));
}

/** Streams one billing export (CSV, or GCP rows as JSON lines) into the aggregate. */
export async function ingestFile(path: string, into: BillAggregate, progress?: Progress): Promise<FileSummary> {
  const total = statSync(path).size;
  let read = 0;
  let rows = 0;
  const tick = () => progress?.(path, read, total, rows);
  let summary: FileSummary | undefined;
  // Problems name columns as the file's header spells them.
  const spelled = new Map<string, string>();
  const problem = (line: number, column: string, message: string) => {
    if (summary === undefined) return;
    summary.badRows++;
    if (summary.problems.length < MAX_PROBLEMS) summary.problems.push({ line, column: spelled.get(normaliseHeader(column)) ?? column, message });
  };
  const take = (get: (c: string) => string | undefined, record: Record<string, unknown>, line: number) => {
    if (summary === undefined) return;
    rows++;
    if (rows % 50_000 === 0) tick();
    const spec = detected;
    if (spec === undefined) return;
    try {
      const bill = spec.read(get, record);
      into.add(bill, { path, line });
      summary.rows++;
      summary.cost += bill.cost;
    } catch (error) {
      if (error instanceof BadRowError) problem(line, error.column, error.message);
      else throw error;
    }
  };
  let detected: LayoutSpec | undefined;
  const start = (columns: Set<string>) => {
    const spec = detectLayout(columns);
    if (typeof spec === "string") throw new BillFormatError(`${path}: ${spec}`);
    detected = spec;
    summary = { path, layout: spec.layout, costColumn: spec.costColumn, rows: 0, badRows: 0, problems: [], cost: 0 };
  };

  if (isJsonLines(path)) {
    const rl = createInterface({ input: textStream(path, (n) => (read = n)), crlfDelay: Infinity });
    let n = 0;
    for await (const text of rl) {
      n++;
      if (text.trim() === "") continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        if (summary === undefined) throw new BillFormatError(`${path} line ${n}: not a JSON object per line`);
        problem(n, "(row)", "not valid JSON");
        continue;
      }
      const flat = new Map<string, string>();
      flatten(parsed, "", flat);
      if (summary === undefined) start(new Set(flat.keys()));
      take((c) => flat.get(c), parsed as Record<string, unknown>, n);
    }
  } else {
    let header: string[] | undefined;
    let index = new Map<string, number>();
    const records = readCsv(lines(path, (n) => (read = n)));
    const named = async function* (): AsyncGenerator<CsvRecord> {
      try {
        yield* records;
      } catch (cause) {
        if (cause instanceof UnterminatedQuoteError) throw new BillFormatError(`${path}: ${cause.message}`, { cause });
        throw cause;
      }
    };
    for await (const record of named()) {
      if (header === undefined) {
        header = record.fields.map(normaliseHeader);
        record.fields.forEach((f, i) => spelled.set(header?.[i] ?? "", f.replace(/^\ufeff/, "")));
        index = new Map(header.map((h, i) => [h, i]));
        start(new Set(header));
        continue;
      }
      if (record.fields.length !== header.length) {
        problem(record.line, "(row)", `has ${record.fields.length} fields, the header has ${header.length}`);
        continue;
      }
      const fields = record.fields;
      take((c) => {
        const i = index.get(c);
        return i === undefined ? undefined : fields[i];
      }, {}, record.line);
    }
    if (header === undefined) throw new BillFormatError(`${path}: the file is empty (no header row)`);
  }
  if (summary === undefined) throw new BillFormatError(`${path}: the file has no rows`);
  read = total;
  tick();
  into.files.push(summary);
  return summary;
}
