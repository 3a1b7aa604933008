import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The package's root: the nearest folder above this module holding package.json (the same from the sources and from dist/). */
function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "package.json"))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

const ROOT = findRoot();

/**
 * A file shipped with the package (schemas, price catalogs, scenarios, rules, the web app's sources), by
 * its path from the package root: found whether the code runs from its sources or from the bundle in dist/.
 */
export function packagePath(...segments: string[]): string {
  return join(ROOT, ...segments);
}
