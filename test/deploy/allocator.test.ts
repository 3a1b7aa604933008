import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { benchEnv } from "../../bench/env.ts";
import { JEMALLOC, JEMALLOC_PATH } from "../../install/objects.ts";

const run = promisify(execFile);
const DOCKERFILE = fileURLToPath(new URL("../../Dockerfile", import.meta.url));

/** The jemalloc the install preloads (scripts/setup.sh installs Debian's libjemalloc2 here as the Dockerfile does in the image). */
describe("the install's allocator", () => {
  it("is linked in the image at the path the manifests preload", () => {
    const dockerfile = readFileSync(DOCKERFILE, "utf8");
    expect(dockerfile).toMatch(/apt-get install[^\n]*libjemalloc2/);
    expect(dockerfile).toContain(`/usr/lib/*/libjemalloc.so.2 | head -n 1)" ${JEMALLOC_PATH}`);
  });

  it("loads into node with its MALLOC_CONF, which jemalloc accepts without a warning", async () => {
    const env = benchEnv("all", "", "TEST_ENV");
    expect(env["LD_PRELOAD"]).toMatch(/libjemalloc\.so\.2$/);
    expect(env["MALLOC_CONF"]).toBe(JEMALLOC.find((e) => e.name === "MALLOC_CONF")?.value);
    // A Buffer past jemalloc's small classes, then the process's own mappings: the library is in them.
    const script = "Buffer.alloc(1 << 20, 1); process.stdout.write(require('node:fs').readFileSync('/proc/self/maps', 'utf8'))";
    const { stdout, stderr } = await run(process.execPath, ["-e", script], { env: { PATH: process.env["PATH"] ?? "", ...env } });
    expect(stdout).toContain("libjemalloc.so.2");
    expect(stderr).toBe("");
  });

  it("runs the benches' overrides over the install's environment, and NAME= drops a variable", () => {
    expect(benchEnv("all", "LD_PRELOAD= MALLOC_ARENA_MAX=", "TEST_ENV")).toEqual({ MALLOC_MMAP_THRESHOLD_: "65536", MALLOC_CONF: JEMALLOC[1]?.value });
    expect(benchEnv("pricer", "MALLOC_ARENA_MAX=2", "TEST_ENV")).toEqual({ MALLOC_ARENA_MAX: "2" });
    expect(() => benchEnv("all", "oops", "TEST_ENV")).toThrow(/TEST_ENV: expected NAME=value, got oops/);
  });
});
