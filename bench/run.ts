import { cpus, totalmem } from "node:os";
import { benchAccuracy } from "./accuracy.ts";
import { benchAgent } from "./agent.ts";
import { benchCheckpoint } from "./checkpoint.ts";
import { benchExport } from "./export.ts";
import { benchRecommender } from "./recommender.ts";
import { benchFreshness } from "./freshness.ts";
import { benchLive } from "./live.ts";
import { benchFederation } from "./federation.ts";
import { benchHotPaths } from "./hot-paths.ts";
import { benchMetricsRender } from "./metrics-render.ts";
import { benchPipeline, benchScaling } from "./pipeline.ts";
import { benchPricing } from "./pricing.ts";
import { benchLongWindows, benchQuery } from "./query.ts";
import { benchReconcile } from "./reconcile.ts";
import { benchSteady } from "./steady.ts";
import { benchUi } from "./ui.ts";

/** `npm run bench`: performance figures for BENCHMARKS.md. Not part of `npm test`. */
const only = process.argv[2];
const machine = `${cpus().length} × ${cpus()[0]?.model ?? "unknown CPU"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
console.log(`kube-cost-exporter benchmarks — ${new Date().toISOString()} — ${machine}\n`);
/** Each benchmark by the name `npm run bench -- <name>` selects; "pipeline" runs both topologies. */
const BENCHES: Array<[name: string, group: string, run: () => Promise<string[]>]> = [
  ["metrics", "metrics", async () => [...(await benchMetricsRender()), "  (sinks.prometheus.openCostAllocations: false)", ...(await benchMetricsRender(100, 100, 200, false))]],
  ["query", "query", benchQuery],
  ["long-windows", "query", () => benchLongWindows()],
  ["pipeline-all", "pipeline", async () => (await benchPipeline("all")).lines],
  ["pipeline-split", "pipeline", async () => (await benchPipeline("split")).lines],
  // The same, run as the image runs the stages (the built dist/main.js).
  ["pipeline-built", "pipeline-built", async () => [...(await benchPipeline("all", 100, 100, 30, 256, true)).lines, ...(await benchPipeline("split", 100, 100, 30, 256, true)).lines]],
  ["federation", "federation", benchFederation],
  ["reconcile", "reconcile", benchReconcile],
  ["pricing", "pricing", benchPricing],
  ["accuracy", "accuracy", benchAccuracy],
  // As the DaemonSet runs it (built, its flags), and from the sources with the flags NODE_OPTIONS allows.
  ["agent", "agent", async () => [...(await benchAgent()), ...(await benchAgent(110, 60, 5, ["--max-semi-space-size=1", "--v8-pool-size=1"], "sources"))]],
  ["export", "export", benchExport],
  ["recommender", "recommender", benchRecommender],
  ["freshness", "freshness", benchFreshness],
  ["live", "freshness", () => Promise.resolve([...benchLive(100), ...benchLive(1000)])],
  ["scaling", "scaling", benchScaling],
  ["steady", "steady", () => benchSteady()],
  ["hot-paths", "hot-paths", () => Promise.resolve(benchHotPaths())],
  ["checkpoint", "checkpoint", () => Promise.resolve([...benchCheckpoint(100), ...benchCheckpoint(1000)])],
  ["ui", "ui", benchUi],
];
if (only !== undefined && !BENCHES.some(([name, group]) => only === name || only === group)) {
  console.error(`unknown benchmark "${only}"; choose ${[...new Set(BENCHES.flatMap(([name, group]) => [group, name]))].join(", ")}`);
  process.exit(2);
}
for (const [name, group, run] of BENCHES) {
  if (only !== undefined && only !== name && only !== group) continue;
  for (const line of await run()) console.log(line);
  console.log("");
}
process.exit(0);
