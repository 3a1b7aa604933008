import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const created: string[] = [];

/** Removes every directory tempDir() made so far. */
export function cleanupTempDirs(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/**
 * A temporary directory, removed by cleanupTempDirs() — after each test file (testkit/vitest-setup.ts)
 * or when the process exits (benchmarks).
 */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  if (created.length === 0) process.once("exit", cleanupTempDirs);
  created.push(dir);
  return dir;
}
