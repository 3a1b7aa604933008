/**
 * The one export inside a zip archive (how some Azure cost exports arrive), as a stream, through
 * `yauzl` (streaming, no extraction to disk; chosen over hand-written zip parsing and over `unzipper`
 * for its maintained random-access reader that never buffers the archive).
 */
import type { Readable } from "node:stream";
import yauzl from "yauzl";

/** The archive cannot be read as one export. */
export class ArchiveError extends Error {
  override readonly name = "ArchiveError";
}

const EXPORT = /\.(csv|jsonl|ndjson|json)$/i;

/** Opens the single CSV or JSON-lines file in the zip at `path`; its name tells the reader the format. */
export function openZippedExport(path: string): Promise<{ name: string; stream: Readable }> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, autoClose: false }, (err, zip) => {
      if (err !== null) return reject(new ArchiveError(`${path}: not a readable zip archive: ${err.message}`, { cause: err }));
      const found: yauzl.Entry[] = [];
      zip.on("entry", (entry: yauzl.Entry) => {
        if (!entry.fileName.endsWith("/") && EXPORT.test(entry.fileName)) found.push(entry);
        zip.readEntry();
      });
      zip.on("error", (e: Error) => {
        zip.close();
        reject(new ArchiveError(`${path}: ${e.message}`, { cause: e }));
      });
      zip.on("end", () => {
        const [entry, ...more] = found;
        const fail = (error: ArchiveError) => {
          zip.close();
          reject(error);
        };
        if (entry === undefined) return fail(new ArchiveError(`${path}: the zip holds no CSV or JSON-lines export`));
        if (more.length > 0) return fail(new ArchiveError(`${path}: the zip holds ${found.length} exports (${found.map((f) => f.fileName).join(", ")}); unzip it and pass each file`));
        zip.openReadStream(entry, (e, stream) => {
          if (e !== null) return fail(new ArchiveError(`${path}: ${e.message}`, { cause: e }));
          stream.once("close", () => zip.close());
          resolve({ name: entry.fileName, stream });
        });
      });
      zip.readEntry();
    });
  });
}
