import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

/**
 * Files the project generates and commits (deploy/grafana, deploy/kustomize): written from one
 * path → content map, and checked against it by the tests that keep them in sync.
 */
export function writeFiles(dir: string, files: Record<string, string>): string[] {
  return Object.entries(files).map(([rel, text]) => {
    const path = join(dir, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    return path;
  });
}

/** The files under `dir` whose content differs from `files` (or that are missing), by relative path. */
export function staleFiles(dir: string, files: Record<string, string>): string[] {
  return Object.entries(files)
    .filter(([rel, text]) => {
      try {
        return readFileSync(join(dir, rel), "utf8") !== text;
      } catch {
        return true;
      }
    })
    .map(([rel]) => rel);
}
