import { closeSync, createReadStream, openSync, readSync, statSync } from "node:fs";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { openZippedExport } from "./archive.ts";
import { clusterOfTags, parseTags } from "./cluster-tags.ts";
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
  /** Lines already read (from this file or `duplicateOf`), counted once. */
  duplicates: number;
  duplicateOf?: string;
}

export interface ResourceDay {
  key: string;
  resourceId: string;
  day: string;
  cost: number;
  kind: string;
  /** False when a line of it does not say what the usage cost (see BillLine.costKnown). */
  costKnown: boolean;
  /** The file (and its layout) it was first read from. */
  from: { path: string; layout: Layout };
  clusterTag?: string;
}

/** Two exports of different layouts bill the same resource on the same day: the same charges twice. */
export class BillOverlapError extends Error {
  override readonly name = "BillOverlapError";
}

/** A 53-bit FNV-1a-style hash of a line, for recognising the same line read twice. */
function lineHash(text: string): number {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) >>> 0;
  }
  return (h1 & 0x1fffff) * 4294967296 + h2;
}

export interface OtherCharge {
  kind: string;
  day: string;
  resourceId: string;
  cost: number;
  /** The cluster the line's tags name (normalised), if any. */
  clusterTag?: string;
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

  /** Hashes of the lines read so far (their line-item id where the export has one), and where each first was. */
  private readonly seen = new Map<number, string>();

  /** Adds a line read from `summary`'s file unless the same line was already added (then it is counted as a duplicate). */
  addOnce(line: BillLine, raw: string, summary: FileSummary, where: { path: string; line: number; layout: Layout }): boolean {
    const h = lineHash(line.lineId ?? raw);
    const first = this.seen.get(h);
    if (first !== undefined) {
      summary.duplicates++;
      summary.duplicateOf ??= first;
      return false;
    }
    this.add(line, where);
    this.seen.set(h, summary.path);
    return true;
  }

  /** Adds a line without the duplicate check (files go through addOnce). */
  add(line: BillLine, where: { path: string; line: number; layout: Layout }): void {
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
      const layout = where.layout;
      if (known === undefined) {
        this.byResourceDay.set(id, { key, resourceId: line.resourceId, day: line.day, cost: line.cost, kind: line.kind, costKnown: line.costKnown !== false, from: { path: where.path, layout }, ...(line.clusterTag === undefined ? {} : { clusterTag: line.clusterTag }) });
        return;
      }
      if (known.from.layout !== layout) {
        throw new BillOverlapError(`${line.resourceId} on ${line.day} is billed in ${known.from.path} (${known.from.layout}) and in ${where.path} (${layout}): two exports of the same charges would count them twice; pass one export per account`);
      }
      known.cost += line.cost;
      if (line.costKnown === false) known.costKnown = false;
      return;
    }
    const id = `${line.kind}|${line.day}|${line.resourceId}|${line.clusterTag ?? ""}`;
    const known = this.other.get(id);
    if (known === undefined) this.other.set(id, { kind: line.kind, day: line.day, resourceId: line.resourceId, cost: line.cost, ...(line.clusterTag === undefined ? {} : { clusterTag: line.clusterTag }) });
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
export function billInPipelineCurrency(bill: BillAggregate, currency: string, rates: Record<string, number>): void {
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

/** Columns holding all of a line's tags at once (normalised header names). */
const WHOLE_TAG_COLUMNS = new Set(["resourcetags", "tags", "labels"]);

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
 * exports) or the single export of a zip archive (Azure), whatever its name. `onBytes` reports
 * compressed bytes read, for progress.
 */
async function textStream(path: string, onBytes: (n: number) => void): Promise<Readable> {
  const kind = sniff(path);
  let text: Readable;
  if (kind === "zip") {
    try {
      text = (await openZippedExport(path)).stream;
    } catch (cause) {
      throw new BillFormatError((cause as Error).message, { cause });
    }
    let inflated = 0;
    text.on("data", (c: Buffer | string) => onBytes((inflated += c.length)));
  } else {
    const raw = createReadStream(path, { highWaterMark: 1 << 20 });
    raw.on("data", () => onBytes(raw.bytesRead));
    text = kind === "gzip" ? raw.pipe(createGunzip()) : raw;
    raw.on("error", (e) => text.destroy(e));
  }
  text.setEncoding("utf8");
  return text;
}

async function* lines(path: string, onBytes: (n: number) => void): AsyncGenerator<string> {
  try {
    for await (const chunk of (await textStream(path, onBytes)) as AsyncIterable<string>) yield chunk;
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
  // Tag columns: a JSON map or list (CUR 2.0 resource_tags, FOCUS and Azure Tags, GCP labels), or one
  // legacy CUR column per tag (resourceTags/user:…).
  let tagColumns: string[] = [];
  const tagsOf = (get: (c: string) => string | undefined): Array<[string, string]> =>
    tagColumns.flatMap((c) => (WHOLE_TAG_COLUMNS.has(c) ? parseTags(get(c)) : [[c, get(c) ?? ""] as [string, string]]));
  const take = (get: (c: string) => string | undefined, record: Record<string, unknown>, line: number, raw: string) => {
    if (summary === undefined) return;
    rows++;
    if (rows % 50_000 === 0) tick();
    const spec = detected;
    if (spec === undefined) return;
    try {
      const read = spec.read(get, record);
      const cluster = clusterOfTags(tagsOf(get));
      const bill = cluster === undefined ? read : { ...read, clusterTag: cluster };
      if (!into.addOnce(bill, raw, summary, { path, line, layout: spec.layout })) return;
      summary.rows++;
      summary.cost += bill.cost;
    } catch (error) {
      if (error instanceof BadRowError) problem(line, error.column, error.message);
      else throw error;
    }
  };
  let detected: LayoutSpec | undefined;
  const start = (columns: Set<string>) => {
    tagColumns = [...columns].filter((c) => WHOLE_TAG_COLUMNS.has(c) || c.startsWith("resourcetags"));
    const spec = detectLayout(columns);
    if (typeof spec === "string") throw new BillFormatError(`${path}: ${spec}`);
    detected = spec;
    summary = { path, layout: spec.layout, costColumn: spec.costColumn, rows: 0, badRows: 0, problems: [], cost: 0, duplicates: 0 };
  };

  if (isJsonLines(path)) {
    const rl = createInterface({ input: await textStream(path, (n) => (read = n)), crlfDelay: Infinity });
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
      take((c) => flat.get(c), parsed as Record<string, unknown>, n, text);
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
      }, {}, record.line, fields.join("\u0001"));
    }
    if (header === undefined) throw new BillFormatError(`${path}: the file is empty (no header row)`);
  }
  if (summary === undefined) throw new BillFormatError(`${path}: the file has no rows`);
  read = total;
  tick();
  into.files.push(summary);
  return summary;
}
