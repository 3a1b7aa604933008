import { createReadStream, statSync } from "node:fs";
import { createInterface } from "node:readline";
import { readCsv } from "./csv.ts";
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

export interface Progress {
  (file: string, bytesRead: number, totalBytes: number, rows: number): void;
}

const MAX_PROBLEMS = 20;

async function* lines(path: string, onBytes: (n: number) => void): AsyncGenerator<string> {
  const stream = createReadStream(path, { encoding: "utf8", highWaterMark: 1 << 20 });
  for await (const chunk of stream as AsyncIterable<string>) {
    onBytes(stream.bytesRead);
    yield chunk;
  }
}

function isJsonLines(path: string): boolean {
  return /\.(jsonl|ndjson|json)$/i.test(path);
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
    const rl = createInterface({ input: createReadStream(path, { encoding: "utf8" }).on("data", (c: string | Buffer) => (read += c.length)), crlfDelay: Infinity });
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
    for await (const record of readCsv(lines(path, (n) => (read = n)))) {
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
