import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { commandEnv, JEMALLOC_PATH } from "../install/objects.ts";

/** The machine has no libjemalloc.so.2 where the install's environment preloads it: a run would measure glibc instead. */
export class JemallocMissingError extends Error {
  override readonly name = "JemallocMissingError";
}

/** Debian's libjemalloc2 on this machine (/usr/lib/<multiarch>/libjemalloc.so.2), or undefined. */
function hostJemalloc(): string | undefined {
  if (existsSync(JEMALLOC_PATH)) return JEMALLOC_PATH;
  for (const dir of readdirSync("/usr/lib", { withFileTypes: true })) {
    const candidate = join("/usr/lib", dir.name, "libjemalloc.so.2");
    if (dir.isDirectory() && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** "A=1 B=2" as an environment; `what` names the variable it came from in the error. */
export function envFromString(text: string, what: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of text.split(/\s+/).filter((p) => p !== "")) {
    const at = pair.indexOf("=");
    if (at <= 0) throw new Error(`${what}: expected NAME=value, got ${pair}`);
    out[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return out;
}

/**
 * The install's environment for a `kce` command, with `overrides` ("A=1 B=2"; "NAME=" drops NAME) over
 * it, as this machine can run it: the image's jemalloc path becomes the host's library (scripts/setup.sh installs it).
 */
export function benchEnv(command: string, overrides: string, what: string): Record<string, string> {
  const env = { ...commandEnv(command), ...envFromString(overrides, what) };
  if (env["LD_PRELOAD"] === JEMALLOC_PATH) {
    const found = hostJemalloc();
    if (found === undefined) throw new JemallocMissingError(`${command}: the install preloads ${JEMALLOC_PATH} and this machine has no libjemalloc.so.2; run scripts/setup.sh (apt-get install libjemalloc2), or set ${what}="LD_PRELOAD=" to measure glibc`);
    env["LD_PRELOAD"] = found;
  }
  // NAME= drops NAME: "LD_PRELOAD=" runs glibc's malloc, "MALLOC_ARENA_MAX=" its default arenas.
  for (const [name, value] of Object.entries(env)) if (value === "") delete env[name];
  return env;
}
