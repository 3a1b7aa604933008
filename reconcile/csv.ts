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

export async function* readCsv(chunks: AsyncIterable<string>): AsyncGenerator<CsvRecord> {
  let field = "";
  let fields: string[] = [];
  let inQuotes = false;
  let quoteSeen = false; // the previous char was a quote inside a quoted field
  let line = 1;
  let recordLine = 1;
  let first = true;
  let pendingCr = false;
  let any = false;
  for await (let chunk of chunks) {
    if (first) {
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
      first = false;
    }
    const records: CsvRecord[] = [];
    for (let i = 0; i < chunk.length; i++) {
      const ch = chunk[i] as string;
      if (pendingCr) {
        pendingCr = false;
        if (ch === "\n") continue;
      }
      if (inQuotes) {
        if (quoteSeen) {
          quoteSeen = false;
          if (ch === '"') {
            field += '"';
            continue;
          }
          inQuotes = false; // the quote closed the field; handle ch below
        } else if (ch === '"') {
          quoteSeen = true;
          continue;
        } else {
          if (ch === "\n") line++;
          field += ch;
          continue;
        }
      }
      if (ch === '"' && field === "") {
        inQuotes = true;
        any = true;
      } else if (ch === ",") {
        fields.push(field);
        field = "";
        any = true;
      } else if (ch === "\n" || ch === "\r") {
        if (ch === "\r") pendingCr = true;
        if (any || field !== "") {
          fields.push(field);
          records.push({ line: recordLine, fields });
        }
        fields = [];
        field = "";
        any = false;
        line++;
        recordLine = line;
      } else {
        field += ch;
        any = true;
      }
    }
    yield* records;
  }
  if (inQuotes && !quoteSeen) throw new UnterminatedQuoteError(`a quoted field opened on line ${recordLine} is not closed`);
  if (any || field !== "") {
    fields.push(field);
    yield { line: recordLine, fields };
  }
}
