import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ColumnFiles } from "./compact-rows.ts";

/**
 * A directory of spilled window columns. It is a cache of what the rollup stream holds (the index is
 * rebuilt from the stream at every start), so it is emptied when opened and removed when closed.
 */
export class DirColumnFiles implements ColumnFiles {
  readonly dir: string;

  /** `dir` "" makes a new directory under the OS temp directory. */
  constructor(dir: string) {
    if (dir === "") {
      this.dir = mkdtempSync(join(tmpdir(), "kce-api-"));
    } else {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      this.dir = dir;
    }
  }

  write(name: string, data: Buffer): void {
    writeFileSync(join(this.dir, name), data);
  }

  read(name: string): Buffer {
    return readFileSync(join(this.dir, name));
  }

  remove(name: string): void {
    rmSync(join(this.dir, name), { force: true });
  }

  close(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
