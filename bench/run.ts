import { cpus, totalmem } from "node:os";
import { benchFederation } from "./federation.ts";
import { benchMetricsRender } from "./metrics-render.ts";
import { benchPipeline } from "./pipeline.ts";
import { benchPricing } from "./pricing.ts";
import { benchQuery } from "./query.ts";
import { benchReconcile } from "./reconcile.ts";

/** `npm run bench`: performance figures for BENCHMARKS.md. Not part of `npm test`. */
const only = process.argv[2];
const machine = `${cpus().length} × ${cpus()[0]?.model ?? "unknown CPU"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
console.log(`kube-cost-exporter benchmarks — ${new Date().toISOString()} — ${machine}\n`);
if (only === undefined || only === "metrics") {
  for (const line of await benchMetricsRender()) console.log(line);
  console.log("");
}
if (only === undefined || only === "query") {
  for (const line of await benchQuery()) console.log(line);
  console.log("");
}
for (const topology of ["all", "split"] as const) {
  if (only !== undefined && only !== "pipeline" && only !== `pipeline-${topology}`) continue;
  const result = await benchPipeline(topology);
  for (const line of result.lines) console.log(line);
  console.log("");
}
if (only === undefined || only === "federation") {
  for (const line of await benchFederation()) console.log(line);
  console.log("");
}
if (only === undefined || only === "reconcile") {
  for (const line of await benchReconcile()) console.log(line);
  console.log("");
}
if (only === undefined || only === "pricing") {
  for (const line of await benchPricing()) console.log(line);
  console.log("");
}
process.exit(0);
