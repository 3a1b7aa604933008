import { UnterminatedQuoteError } from "../../reconcile/csv.ts";
import { FocusFileError, readFocusFile } from "./files.ts";
import { FocusValidator, type ValidationReport } from "./validate.ts";

/** Validates a FOCUS file, CSV (streamed) or Parquet (row group by row group). */
export async function validateFile(path: string, requireMandatory = true): Promise<ValidationReport> {
  try {
    const file = await readFocusFile(path);
    const v = new FocusValidator(file.header, { requireMandatory });
    for await (const row of file.rows) v.row(row);
    for (const r of file.ragged) v.ragged(r.row, r.fields, file.header.length);
    return v.finish();
  } catch (error) {
    if (error instanceof UnterminatedQuoteError) throw new FocusFileError(`${path}: ${error.message}`, { cause: error });
    throw error;
  }
}
