/**
 * A streaming RFC 4180 CSV reader: quoted fields with "" escapes, commas and line breaks inside
 * quotes, CRLF or LF, a UTF-8 BOM. Yields one record at a time with the line it started on, so
 * memory does not grow with the file.
 */
export interface CsvRecord {
  /** 1-based line number where the record starts. */
  line: number;
  fields: string[];
}

/** A quote was left open at the end of the file. */
export class UnterminatedQuoteError extends Error {
  override readonly name = "UnterminatedQuoteError";
}

/** The reader's state machine: feed it text in any chunks, then finish. */
class CsvParser {
  private field = "";
  private fields: string[] = [];
  private inQuotes = false;
  private quoteSeen = false; // the previous char was a quote inside a quoted field
  private line = 1;
  private recordLine = 1;
  private first = true;
  private pendingCr = false;
  private any = false;

  feed(chunk: string): CsvRecord[] {
    if (this.first) {
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
      this.first = false;
    }
    const records: CsvRecord[] = [];
    for (let i = 0; i < chunk.length; i++) {
      const ch = chunk[i] as string;
      if (this.pendingCr) {
        this.pendingCr = false;
        if (ch === "\n") continue;
      }
      if (this.inQuotes) {
        if (this.quoteSeen) {
          this.quoteSeen = false;
          if (ch === '"') {
            this.field += '"';
            continue;
          }
          this.inQuotes = false; // the quote closed the field; handle ch below
        } else if (ch === '"') {
          this.quoteSeen = true;
          continue;
        } else {
          if (ch === "\n") this.line++;
          this.field += ch;
          continue;
        }
      }
      if (ch === '"' && this.field === "") {
        this.inQuotes = true;
        this.any = true;
      } else if (ch === ",") {
        this.fields.push(this.field);
        this.field = "";
        this.any = true;
      } else if (ch === "\n" || ch === "\r") {
        if (ch === "\r") this.pendingCr = true;
        if (this.any || this.field !== "") {
          this.fields.push(this.field);
          records.push({ line: this.recordLine, fields: this.fields });
        }
        this.fields = [];
        this.field = "";
        this.any = false;
        this.line++;
        this.recordLine = this.line;
      } else {
        this.field += ch;
        this.any = true;
      }
    }
    return records;
  }

  finish(): CsvRecord[] {
    if (this.inQuotes && !this.quoteSeen) throw new UnterminatedQuoteError(`a quoted field opened on line ${this.recordLine} is not closed`);
    if (!this.any && this.field === "") return [];
    this.fields.push(this.field);
    return [{ line: this.recordLine, fields: this.fields }];
  }
}

export async function* readCsv(chunks: AsyncIterable<string>): AsyncGenerator<CsvRecord> {
  const parser = new CsvParser();
  for await (const chunk of chunks) yield* parser.feed(chunk);
  yield* parser.finish();
}

/** The records of a whole CSV text (a small file read at once, such as a price sheet). */
export function parseCsv(text: string): CsvRecord[] {
  const parser = new CsvParser();
  return [...parser.feed(text), ...parser.finish()];
}
