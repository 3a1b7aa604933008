import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writevSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ColumnFiles } from "./compact-rows.ts";

/**
 * A directory of spilled window columns. It is a cache of what the rollup stream holds (the index is
 * rebuilt from the stream at every start), so it is emptied when opened and removed when closed.
 */
export class DirColumnFiles implements ColumnFiles {
  readonly dir: string;
  /** readRange's buffer, grown as needed (8-byte aligned, so typed-array views of it line up). */
  private scratch = Buffer.alloc(0);

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

  write(name: string, chunks: readonly Uint8Array[]): void {
    const fd = openSync(join(this.dir, name), "w");
    try {
      const total = chunks.reduce((sum, c) => sum + c.byteLength, 0);
      let written = writevSync(fd, chunks);
      // writev may write less than asked: the rest one piece at a time.
      if (written < total) written += writeRest(fd, chunks, written);
      if (written !== total) throw new Error(`wrote ${written} of ${total} bytes of ${name}`);
    } finally {
      closeSync(fd);
    }
  }

  readRange(name: string, offset: number, length: number): Buffer {
    if (this.scratch.byteLength < length) this.scratch = Buffer.alloc(Math.max(length, this.scratch.byteLength * 2));
    const fd = openSync(join(this.dir, name), "r");
    try {
      let got = 0;
      while (got < length) {
        const n = readSync(fd, this.scratch, got, length - got, offset + got);
        if (n === 0) throw new Error(`${name} ends ${length - got} bytes early`);
        got += n;
      }
    } finally {
      closeSync(fd);
    }
    return this.scratch.subarray(0, length);
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

/** Writes what a short writev left, from byte `done` of the pieces on; returns the bytes written. */
function writeRest(fd: number, chunks: readonly Uint8Array[], done: number): number {
  let skip = done;
  let written = 0;
  for (const c of chunks) {
    if (skip >= c.byteLength) {
      skip -= c.byteLength;
      continue;
    }
    let part = c.subarray(skip);
    skip = 0;
    while (part.byteLength > 0) {
      const n = writevSync(fd, [part]);
      written += n;
      part = part.subarray(n);
    }
  }
  return written;
}
