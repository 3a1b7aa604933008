import { spawn } from "node:child_process";
import { statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DuckDBInstance } from "@duckdb/node-api";
import { subjects } from "../bus/subjects.ts";
import { validateConfig } from "../config/load.ts";
import { splitRollup } from "../processors/rollup/parts.ts";
import { openTestRuntime, startNatsServer, testRawConfig } from "../testkit/index.ts";
import { tempDir } from "../testkit/tempdir.ts";
import { podRows, rollup } from "./query.ts";
import { rssMb } from "./stats.ts";

const MAIN = fileURLToPath(new URL("../cli/main.ts", import.meta.url));
const DAY = 86_400_000;

/** Runs `kce export focus` as its own process; peak RSS sampled from /proc every 50 ms. */
async function runExport(natsUrl: string, window: string, out: string, extra: string[] = [], nodeFlags: string[] = []): Promise<{ ms: number; peakMb: number; stderr: string }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [...nodeFlags, MAIN, "export", "focus", "--nats", natsUrl, "--cluster", "bench", "--window", window, "--out", out, "--no-progress", ...extra], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  let peak = 0;
  const timer = setInterval(() => (peak = Math.max(peak, rssMb(child.pid ?? 0) || 0)), 50);
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  clearInterval(timer);
  if (code !== 0) throw new Error(`kce export focus exited ${String(code)}: ${stderr}`);
  return { ms: performance.now() - t0, peakMb: peak, stderr };
}

/**
 * `npm run bench -- export`: 30 daily windows of `pods` pods published to a real NATS as the rollup
 * writes them, then exported to FOCUS CSV and Parquet by the CLI (which validates the file after
 * writing it); DuckDB reads the Parquet back.
 */
export async function benchExport(pods = 10_000, nodes = 100, days = 30): Promise<string[]> {
  const nats = await startNatsServer();
  const rt = await openTestRuntime(validateConfig(testRawConfig(nats.url, { cluster: "bench" })), "bench-export");
  const first = Math.floor(Date.now() / DAY) * DAY - (days + 1) * DAY;
  const dayRows = podRows(pods, nodes, 24);
  for (let d = 0; d < days; d++) {
    const w = rollup("1d", first + d * DAY, dayRows, nodes);
    for (const part of splitRollup(w, 2000)) {
      await rt.publisher.publish({ subject: subjects.rollup("1d", "bench", w.windowStartMs, part.part), msgId: `bench/${w.windowStartMs}/${part.part}`, ...rt.codecs.rollup.encode(part) });
    }
  }
  const window = `${new Date(first).toISOString()},${new Date(first + days * DAY).toISOString()}`;
  const dir = tempDir("kce-bench-export-");
  const lines = [
    `## FOCUS export: ${days} days × ${pods.toLocaleString("en-US")} pods (${nodes} nodes), daily charge periods, from a real NATS (\`kce export focus\`, its own process; "+ validation" is the default: the file read back and every row checked)`,
    "",
    "| format | rows | file | time | rows/s | peak RSS |",
    "|---|---|---|---|---|---|",
  ];
  for (const [format, validate] of [["parquet", false], ["parquet", true], ["csv", true]] as const) {
    const out = join(dir, `focus.${format}`);
    const r = await runExport(nats.url, window, out, validate ? [] : ["--no-validate"]);
    const rows = Number(/exported ([\d,]+) FOCUS rows/.exec(r.stderr)?.[1]?.replace(/,/g, "") ?? NaN);
    if (validate && !r.stderr.includes("valid FOCUS")) throw new Error(`export did not validate: ${r.stderr}`);
    lines.push(`| ${format}${validate ? " + validation" : ""} | ${rows.toLocaleString("en-US")} | ${(statSync(out).size / 2 ** 20).toFixed(1)} MiB | ${(r.ms / 1000).toFixed(1)} s | ${Math.round(rows / (r.ms / 1000)).toLocaleString("en-US")} | ${r.peakMb.toFixed(0)} MB |`);
    if (format === "parquet" && validate) {
      const db = await DuckDBInstance.create(":memory:");
      const conn = await db.connect();
      const t0 = performance.now();
      const got = (await conn.runAndReadAll(`SELECT count(*)::BIGINT AS n, sum(EffectiveCost) AS s FROM read_parquet('${out}')`)).getRowObjects()[0];
      lines.push(`| (DuckDB reads it back: ${String(got?.n)} rows, Σ EffectiveCost ${Number(got?.s).toFixed(2)}, ${(performance.now() - t0).toFixed(0)} ms) | | | | | |`);
      conn.closeSync();
      db.closeSync();
    }
  }
  // With the heap capped at 96 MB the month still goes through: what is live is one day, not the month.
  const capped = await runExport(nats.url, window, join(dir, "capped.parquet"), ["--no-validate"], ["--max-old-space-size=96"]);
  lines.push(`| parquet, node --max-old-space-size=96 | ${(/exported ([\d,]+) FOCUS rows/.exec(capped.stderr)?.[1] ?? "?")} | | ${(capped.ms / 1000).toFixed(1)} s | | ${capped.peakMb.toFixed(0)} MB |`);
  // The same export over 3 of the days: memory must not depend on how many days are exported.
  const short = `${new Date(first).toISOString()},${new Date(first + 3 * DAY).toISOString()}`;
  const r3 = await runExport(nats.url, short, join(dir, "short.parquet"), ["--no-validate"]);
  lines.push(`| parquet, 3 of the days | ${(/exported ([\d,]+) FOCUS rows/.exec(r3.stderr)?.[1] ?? "?")} | | ${(r3.ms / 1000).toFixed(1)} s | | ${r3.peakMb.toFixed(0)} MB |`);
  await rt.close();
  await nats.stop();
  return lines;
}
