import { closeSync, createReadStream, openSync, readSync, writeSync } from "node:fs";
import { stringify } from "csv-stringify/sync";
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from "hyparquet";
import { ByteWriter, ParquetWriter } from "hyparquet-writer";
import { rfc3339 } from "../../api/window.ts";
import { readCsv } from "../../reconcile/csv.ts";
import { EXPORT_COLUMNS, type FocusColumn, type FocusRow, type FocusValue } from "./columns.ts";

/**
 * FOCUS files: CSV through csv-stringify (RFC 4180 quoting; null is an empty field) and Parquet through
 * hyparquet-writer (one row group per batch, flushed to the file as it goes, so a month of pods is never
 * held in memory). Read back with our streaming CSV reader and hyparquet, row group by row group.
 */

export type FocusFormat = "csv" | "parquet";

export interface FocusSink {
  /** Appends rows (one batch = one Parquet row group). */
  write(rows: readonly FocusRow[]): Promise<void>;
  close(): Promise<void>;
}

/** FOCUS numeric format: plain decimals, or E notation without a "+" sign. */
export function focusNumber(n: number): string {
  return String(n).replace("e+", "E").replace("e-", "E-");
}

/** A file descriptor writer ("-" = stdout) that writes synchronously, so output order is the call order. */
class FdOut {
  private readonly fd: number;
  private readonly owned: boolean;

  constructor(path: string) {
    this.owned = path !== "-";
    this.fd = this.owned ? openSync(path, "w") : 1;
  }

  write(bytes: Uint8Array | string): void {
    let buf = typeof bytes === "string" ? Buffer.from(bytes) : bytes;
    while (buf.length > 0) {
      const n = writeSync(this.fd, buf);
      buf = buf.subarray(n);
    }
  }

  close(): void {
    if (this.owned) closeSync(this.fd);
  }
}

export class CsvFocusSink implements FocusSink {
  private readonly out: FdOut;
  private readonly columns: readonly FocusColumn[];
  private first = true;

  constructor(path: string, columns: readonly FocusColumn[] = EXPORT_COLUMNS) {
    this.out = new FdOut(path);
    this.columns = columns;
  }

  async write(rows: readonly FocusRow[]): Promise<void> {
    if (rows.length === 0 && !this.first) return;
    const records = rows.map((r) => this.columns.map((c) => cell(r[c.name])));
    this.out.write(stringify(records, { header: this.first, columns: this.columns.map((c) => c.name) }));
    this.first = false;
  }

  async close(): Promise<void> {
    if (this.first) await this.write([]);
    this.out.close();
  }
}

function cell(v: FocusValue | undefined): string {
  if (v === null || v === undefined) return "";
  return typeof v === "number" ? focusNumber(v) : v;
}

type ParquetBasic = "STRING" | "DOUBLE" | "TIMESTAMP" | "JSON";

function parquetType(c: FocusColumn): ParquetBasic {
  return c.type === "Decimal" ? "DOUBLE" : c.type === "DateTime" ? "TIMESTAMP" : c.type === "JSON" ? "JSON" : "STRING";
}

/** Flushes a ByteWriter to a file descriptor whenever it holds more than 1 MB. */
function streamingWriter(out: FdOut): ByteWriter {
  const writer = new ByteWriter();
  const flush = (): void => {
    out.write(new Uint8Array(writer.buffer, 0, writer.index));
    writer.index = 0;
  };
  const ensure = writer.ensure.bind(writer);
  writer.ensure = (size: number): void => {
    if (writer.index > 1_000_000) flush();
    ensure(size);
  };
  writer.finish = (): void => flush();
  return writer;
}

export class ParquetFocusSink implements FocusSink {
  private readonly out: FdOut;
  private readonly writer: ParquetWriter;
  private readonly columns: readonly FocusColumn[];

  constructor(path: string, columns: readonly FocusColumn[] = EXPORT_COLUMNS, metadata: Record<string, string> = {}) {
    this.out = new FdOut(path);
    this.columns = columns;
    const byteWriter = streamingWriter(this.out);
    const schema = [
      { name: "root", num_children: columns.length },
      ...columns.map((c) => {
        const t = parquetType(c);
        const base = { name: c.name, repetition_type: c.nullable ? ("OPTIONAL" as const) : ("REQUIRED" as const) };
        if (t === "DOUBLE") return { ...base, type: "DOUBLE" as const };
        if (t === "TIMESTAMP") return { ...base, type: "INT64" as const, logical_type: { type: "TIMESTAMP" as const, isAdjustedToUTC: true, unit: "MILLIS" as const } };
        return { ...base, type: "BYTE_ARRAY" as const, converted_type: t === "JSON" ? ("JSON" as const) : ("UTF8" as const) };
      }),
    ];
    this.writer = new ParquetWriter({ writer: byteWriter, schema, kvMetadata: Object.entries(metadata).map(([key, value]) => ({ key, value })), createdBy: "kube-cost-exporter" });
  }

  async write(rows: readonly FocusRow[]): Promise<void> {
    if (rows.length === 0) return;
    const dates = new Map<string, Date>();
    const columnData = this.columns.map((c) => {
      const t = parquetType(c);
      const data = rows.map((r) => {
        const v = r[c.name];
        if (v === null || v === undefined) return null;
        if (t !== "TIMESTAMP") return v;
        const text = String(v);
        let d = dates.get(text);
        if (d === undefined) dates.set(text, (d = new Date(Date.parse(text))));
        return d;
      });
      return { name: c.name, data };
    });
    await this.writer.write({ columnData, rowGroupSize: rows.length });
  }

  async close(): Promise<void> {
    await this.writer.finish();
    this.out.close();
  }
}

export function focusSink(format: FocusFormat, path: string, metadata: Record<string, string> = {}): FocusSink {
  return format === "parquet" ? new ParquetFocusSink(path, EXPORT_COLUMNS, metadata) : new CsvFocusSink(path);
}

export interface FocusFileReader {
  header: string[];
  rows: AsyncIterable<FocusRow>;
  /** CSV rows (1-based, data rows) whose number of fields is not the header's, found while reading. */
  ragged: Array<{ row: number; fields: number }>;
}

/** A file that cannot be read as FOCUS CSV or Parquet at all (missing, unreadable, not Parquet inside). */
export class FocusFileError extends Error {
  override readonly name = "FocusFileError";
}

/** A FOCUS CSV: the header, then rows of strings (empty fields and blank lines are skipped/null). */
export async function readFocusCsv(path: string): Promise<FocusFileReader> {
  const records = readCsv(createReadStream(path, { encoding: "utf8" }));
  const first = await records.next();
  const header = first.done === true ? [] : first.value.fields.map((f) => f.trim());
  const ragged: FocusFileReader["ragged"] = [];
  let n = 0;
  async function* rows(): AsyncGenerator<FocusRow> {
    for await (const rec of { [Symbol.asyncIterator]: () => records }) {
      if (rec.fields.length === 1 && rec.fields[0] === "") continue;
      n++;
      if (rec.fields.length !== header.length && ragged.length < 50) ragged.push({ row: n, fields: rec.fields.length });
      const row: FocusRow = {};
      // CSV has no null: an empty field is one (FOCUS forbids empty strings, so none is lost).
      header.forEach((h, i) => (row[h] = rec.fields[i] === "" ? null : (rec.fields[i] ?? null)));
      yield row;
    }
  }
  return { header, rows: rows(), ragged };
}

const isoCache = new Map<number, string>();

function fromParquet(v: unknown): FocusValue {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) {
    const ms = v.getTime();
    let text = isoCache.get(ms);
    if (text === undefined) {
      if (isoCache.size > 10_000) isoCache.clear();
      isoCache.set(ms, (text = rfc3339(ms)));
    }
    return text;
  }
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "number" || typeof v === "string") return v;
  return JSON.stringify(v);
}

/** A FOCUS Parquet file, read one row group at a time. */
export async function readFocusParquet(path: string): Promise<FocusFileReader> {
  const file = await asyncBufferFromFile(path);
  let metadata: Awaited<ReturnType<typeof parquetMetadataAsync>>;
  try {
    metadata = await parquetMetadataAsync(file);
  } catch (error) {
    throw new FocusFileError(`${path}: not a readable Parquet file (${error instanceof Error ? error.message : String(error)})`, { cause: error });
  }
  const header = metadata.schema.slice(1).map((s) => s.name);
  async function* rows(): AsyncGenerator<FocusRow> {
    let start = 0;
    for (const group of metadata.row_groups) {
      const end = start + Number(group.num_rows);
      const objects = await parquetReadObjects({ file, metadata, rowStart: start, rowEnd: end });
      for (const o of objects) {
        const row: FocusRow = {};
        for (const h of header) row[h] = fromParquet((o as Record<string, unknown>)[h]);
        yield row;
      }
      start = end;
    }
  }
  return { header, rows: rows(), ragged: [] };
}

/** A FOCUS file of either format, told apart by Parquet's "PAR1" magic. */
export async function readFocusFile(path: string): Promise<FocusFileReader> {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (error) {
    throw new FocusFileError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const magic = Buffer.alloc(4);
  try {
    readSync(fd, magic, 0, 4, 0);
  } finally {
    closeSync(fd);
  }
  return magic.toString("latin1") === "PAR1" ? readFocusParquet(path) : readFocusCsv(path);
}
