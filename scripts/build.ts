/**
 * `npm run build`: the CLI as plain JavaScript in dist/ (esbuild: bundled, minified, one chunk per lazily
 * loaded command). What the container image runs: no TypeScript stripping at start (~18 MB of a
 * WebAssembly compiler), less source held by V8, and `node --lite-mode` possible (the agent's DaemonSet
 * uses it). Files the code reads at run time (schemas, price catalogs, scenarios, rules, the web app's
 * sources) stay where they are; model/paths.ts finds them from either place.
 */
import { rmSync } from "node:fs";
import { build } from "esbuild";
import { packagePath } from "../model/paths.ts";

export const DIST = packagePath("dist");

export async function buildDist(outdir: string = DIST): Promise<{ files: number; ms: number }> {
  const started = Date.now();
  rmSync(outdir, { recursive: true, force: true });
  const result = await build({
    entryPoints: [packagePath("cli", "main.ts")],
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node22",
    outdir,
    minify: true,
    legalComments: "none",
    metafile: true,
    logLevel: "warning",
    // Bundled CommonJS packages call require(); ESM output has none of its own.
    banner: { js: "import { createRequire as __kceRequire } from 'node:module'; const require = __kceRequire(import.meta.url);" },
    // Loaded at run time only by the web app's bundler, which must stay a package.
    external: ["esbuild"],
  });
  return { files: Object.keys(result.metafile.outputs).length, ms: Date.now() - started };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { files, ms } = await buildDist();
  console.log(`dist/: ${files} files in ${ms} ms (run: node dist/main.js --help)`);
}
