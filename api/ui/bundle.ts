import { basename } from "node:path";
import { gzipSync } from "node:zlib";
import { packagePath } from "../../model/paths.ts";

/** The web app could not be bundled (esbuild missing, or a source error); the message says which. */
export class UiBuildError extends Error {
  override readonly name = "UiBuildError";
}

export interface Asset {
  /** Served at /ui/assets/<name>; esbuild puts a content hash in the name, so it can be cached for good. */
  name: string;
  contentType: string;
  body: Buffer;
  gzip: Buffer;
}

export interface UiBundle {
  /** The entry script and stylesheet the page loads. */
  js: Asset;
  css: Asset;
  /** Every file by name, with the chunks loaded on demand (CSV writing). */
  files: Map<string, Asset>;
}

const ENTRY = packagePath("ui", "app", "main.tsx");

function asset(name: string, text: Uint8Array): Asset {
  const body = Buffer.from(text);
  const contentType = name.endsWith(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8";
  return { name, contentType, body, gzip: gzipSync(body, { level: 9 }) };
}

/**
 * Bundles ui/app (Preact + uPlot, TypeScript/TSX) into one minified script and one stylesheet, in
 * memory, with esbuild: nothing is fetched from the internet and nothing built is committed.
 * Takes ~0.1 s; the API does it once at start.
 */
export async function buildUiBundle(): Promise<UiBundle> {
  let esbuild: typeof import("esbuild");
  try {
    esbuild = await import("esbuild");
  } catch (cause) {
    throw new UiBuildError(`the web app needs the esbuild package (npm install): ${(cause as Error).message}`, { cause });
  }
  let result: import("esbuild").BuildResult<{ write: false; outdir: string }>;
  try {
    result = await esbuild.build({
      entryPoints: [ENTRY],
      bundle: true,
      minify: true,
      write: false,
      outdir: "out",
      format: "esm",
      // Code loaded on demand (the CSV writer) goes into its own chunk, out of the first page's bytes.
      splitting: true,
      entryNames: "app-[hash]",
      chunkNames: "chunk-[hash]",
      target: ["chrome110", "firefox110", "safari16"],
      jsx: "automatic",
      jsxImportSource: "preact",
      logLevel: "silent",
      legalComments: "none",
      metafile: false,
    });
  } catch (cause) {
    throw new UiBuildError(`cannot bundle the web app (ui/app): ${(cause as Error).message}`, { cause });
  } finally {
    // esbuild keeps a helper process for incremental builds; the API builds once.
    await esbuild.stop();
  }
  const files = new Map(result.outputFiles.map((f) => {
    const name = basename(f.path);
    return [name, asset(name, f.contents)];
  }));
  const pick = (re: RegExp) => [...files.values()].find((a) => re.test(a.name));
  const js = pick(/^app-.*\.js$/);
  const css = pick(/^app-.*\.css$/);
  if (js === undefined || css === undefined) throw new UiBuildError("the web app bundle has no script or no stylesheet");
  return { js, css, files };
}

let shared: Promise<UiBundle> | undefined;

/** The process's one bundle (built on first use; a failed build is tried again on the next use). */
export function uiBundle(): Promise<UiBundle> {
  shared ??= buildUiBundle().catch((error: unknown) => {
    shared = undefined;
    throw error;
  });
  return shared;
}
