import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
/** Percentile of a sample (nearest rank), in the sample's unit. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

/** Times `fn` `runs` times after `warmup` runs; returns milliseconds per run. */
export async function timeRuns(runs: number, warmup: number, fn: () => unknown): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

const run = promisify(execFile);

/** One GET timed as a separate client sees it: curl's time_total (connect to last byte), so the client's work does not share a thread with the server's. */
export async function curlGet(url: string): Promise<{ ms: number; bytes: number; status: number }> {
  const { stdout } = await run("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code} %{time_total} %{size_download}", url]);
  const [status = "0", total = "0", size = "0"] = stdout.trim().split(" ");
  return { ms: Number(total) * 1000, bytes: Number(size), status: Number(status) };
}

export const fmt = (ms: number): string => (ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(2)} ms`);

/** Resident set size of a process in MB, from /proc (what a container memory limit counts); NaN once it has exited. */
export function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m === null ? NaN : Number(m[1]) / 1024;
  } catch {
    return NaN;
  }
}

/** CPU seconds (user + system) a process has used, from /proc; NaN once it has exited. */
export function cpuSecondsOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

/** Collects garbage, turning the flag on here if it is off (memory figures after a collection). */
export function collectGarbage(): void {
  setFlagsFromString("--expose-gc");
  (runInNewContext("gc") as () => void)();
}

/**
 * Where a process's resident memory is, from /proc/<pid>/smaps, in MB: glibc's main heap (`[heap]`), glibc's other
 * arenas (anonymous 64 MiB-aligned regions of 64 MiB with their reserved tail), other anonymous memory (V8's heap
 * pages, buffers malloc placed in their own mappings), and mapped files (the node binary, libraries).
 */
export function rssBreakdown(pid: number): Record<"mallocMain" | "mallocArenas" | "anonymous" | "files" | "other", number> {
  const out = { mallocMain: 0, mallocArenas: 0, anonymous: 0, files: 0, other: 0 };
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/smaps`, "utf8");
  } catch {
    return out;
  }
  const ARENA = 64 * 2 ** 20;
  const maps: { start: number; end: number; perms: string; name: string; rssKb: number }[] = [];
  for (const line of text.split("\n")) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head !== null) {
      maps.push({ start: parseInt(head[1] ?? "0", 16), end: parseInt(head[2] ?? "0", 16), perms: head[3] ?? "", name: head[4] ?? "", rssKb: 0 });
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    const last = maps[maps.length - 1];
    if (rss !== null && last !== undefined) last.rssKb = Number(rss[1]);
  }
  for (const [i, m] of maps.entries()) {
    const mb = m.rssKb / 1024;
    if (m.name === "[heap]") out.mallocMain += mb;
    else if (m.name.startsWith("/")) out.files += mb;
    else if (m.name !== "") out.other += mb;
    else {
      const next = maps[i + 1];
      const reserved = next !== undefined && next.start === m.end && next.perms.startsWith("---") && next.name === "" ? next.end - next.start : 0;
      const arena = m.start % ARENA === 0 && m.end - m.start + reserved === ARENA;
      if (arena) out.mallocArenas += mb;
      else out.anonymous += mb;
    }
  }
  return out;
}
