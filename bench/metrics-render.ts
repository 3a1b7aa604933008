import { Gauge, Registry } from "prom-client";
import { validateConfig } from "../config/load.ts";
import { readPriceSnapshot, SnapshotPriceBook } from "../pricing/snapshot/snapshot.ts";
import { priceSnapshot } from "../processors/pricer/cost-model.ts";
import { CostView } from "../sinks/prometheus/cost-view.ts";
import { startMetricsServer } from "../telemetry/http.ts";
import { curlGet, fmt, percentile, timeRuns } from "./stats.ts";
import { syntheticSnapshot } from "./synth.ts";

/** Scrape latency as a separate client measures it (curl, see curlGet). */
async function scrapeTimes(render: () => Promise<string | Array<string | Buffer>> | string | Array<string | Buffer>, runs: number, between?: () => void): Promise<{ times: number[]; bytes: number }> {
  const server = await startMetricsServer({ host: "127.0.0.1", port: 0, path: "/metrics", render });
  const url = `http://127.0.0.1:${server.port}/metrics`;
  let bytes = 0;
  const times: number[] = [];
  for (let i = 0; i < runs + 5; i++) {
    between?.();
    const got = await curlGet(url);
    bytes = got.bytes;
    if (i >= 5) times.push(got.ms);
  }
  await server.close();
  return { times, bytes };
}

/**
 * /metrics at `nodes × podsPerNode` pods: our pre-rendered families vs prom-client's registry
 * rendering the same pod series. Measured as in-process render time and as a full HTTP scrape on
 * loopback (client-side latency, body read to the end).
 */
export async function benchMetricsRender(nodes = 100, podsPerNode = 100, runs = 200, openCostAllocations = true): Promise<string[]> {
  const config = validateConfig({});
  const book = new SnapshotPriceBook(readPriceSnapshot(), config.pricing);
  const now = Date.now();
  const start = Math.floor(now / 60_000) * 60_000;
  const priced = Array.from({ length: nodes }, (_, n) => priceSnapshot(syntheticSnapshot("bench", n, start, podsPerNode), book, config.pricing, now));
  const view = new CostView({ staleAfterMs: 3_600_000, namespaceDailyHours: 24, openCostAllocations });
  const applyTimes: number[] = [];
  for (const p of priced) {
    const t = performance.now();
    view.applyPriced(p, now);
    applyTimes.push(performance.now() - t);
  }
  let tick = 0;
  // one node's snapshot changed since the last scrape (typical: 60 s agents, 15 s scrapes)
  const changeOneNode = () => {
    const p = priced[tick % nodes];
    tick += 1;
    if (p !== undefined) view.applyPriced({ ...p, windowStartMs: p.windowStartMs + tick * 60_000 }, now);
  };
  const oursRender: number[] = [];
  for (let i = 0; i < runs; i++) {
    changeOneNode();
    const t = performance.now();
    view.chunks();
    oursRender.push(performance.now() - t);
  }
  const oursScrape = await scrapeTimes(() => view.chunks(), runs, changeOneNode);

  const staticBody = Buffer.from(view.render(), "utf8");
  const floor = await scrapeTimes(() => [staticBody], runs);

  const registry = new Registry();
  const gauge = new Gauge({ name: "kube_cost_pod_hourly_usd", help: "Hourly cost of a pod in USD.", labelNames: ["cluster", "namespace", "pod", "node"], registers: [registry] });
  for (const p of priced) for (const pod of p.pods) gauge.labels("bench", pod.namespace, pod.name, p.node).set(pod.hourlyCost);
  const theirsRender = await timeRuns(Math.min(runs, 100), 5, () => registry.metrics());
  const theirsScrape = await scrapeTimes(() => registry.metrics(), Math.min(runs, 100));

  const row = (label: string, xs: number[]) => `  ${label.padEnd(44)} p50 ${fmt(percentile(xs, 50)).padStart(9)}  p99 ${fmt(percentile(xs, 99)).padStart(9)}`;
  return [
    `/metrics at ${nodes * podsPerNode} pods (${nodes} nodes); ours serves every cost family (${(oursScrape.bytes / 1e6).toFixed(2)} MB), prom-client the pod family only (${(theirsScrape.bytes / 1e6).toFixed(2)} MB)`,
    row("ours: body after one node changed", oursRender),
    row("ours: scrape (curl), one node changed between", oursScrape.times),
    row("floor: a static buffer of the same size", floor.times),
    row("prom-client registry: render", theirsRender),
    row("prom-client registry: scrape (curl)", theirsScrape.times),
    `  scrape p99 ratio prom-client / ours: ${(percentile(theirsScrape.times, 99) / percentile(oursScrape.times, 99)).toFixed(1)}x; target ours p99 < 10 ms`,
    row("ours: apply one 100-pod snapshot (pre-render)", applyTimes),
  ];
}
