import { stringify } from "csv-stringify/browser/esm/sync";

/** CSV (RFC 4180, CRLF) by csv-stringify, the library the FOCUS export writes with. */
export function toCsv(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  return stringify([header, ...(rows as Array<Array<string | number>>)], { record_delimiter: "windows" });
}

/** Saves text as a file through the browser's download. */
export function download(name: string, text: string, type = "text/csv"): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
