import { NodeRates } from "../api/rates.ts";
import { RollupIndex } from "../api/rollup-index.ts";
import { startApiServer } from "../api/server.ts";
import { uiBundle } from "../api/ui/bundle.ts";
import { DAY_MS, HOUR_MS } from "../api/window.ts";
import type { PricedSnapshotView } from "../model/events.ts";
import { launchChromium } from "../testkit/browser.ts";
import { namespaceRows, podRows, rollup } from "./query.ts";
import { percentile } from "./stats.ts";

const kb = (n: number): string => `${(n / 1024).toFixed(1)} kB`;

/** A node's newest priced window, as much of it as the rates and the overview read. */
function pricedNode(n: number): PricedSnapshotView {
  return {
    cluster: "bench", node: `node-${n}`, windowStartMs: Date.now() - 60_000, windowSeconds: 60, pods: [], volumes: [],
    nodeCost: { provider: "aws", instanceType: "m5.xlarge", capacityType: n % 3 === 0 ? "SPOT" : "ON_DEMAND", region: "us-east-1", cpuCores: 4, memoryBytes: 16 * 2 ** 30, gpus: 0, hourlyCost: 0.192, cpuCoreHourlyRate: 0.0316, ramGiBHourlyRate: 0.0042, gpuHourlyRate: 0, priceSource: "snapshot", priceAsOfMs: Date.now() - DAY_MS, idleCost: 0.0008 },
  } as unknown as PricedSnapshotView;
}

interface PageTiming {
  fcp: number;
  ready: number;
}

/**
 * The web app in Debian's Chromium against an API holding `pods` pods: this month's daily windows and
 * 48 hourly ones. Cold loads (a fresh browser context each: nothing cached) of the overview and the
 * allocation explorer; first contentful paint and the time until the page shows its data.
 */
export async function benchUi(pods = 10_000, nodes = 100, runs = 5): Promise<string[]> {
  const bundle = await uiBundle();
  const now = Date.now();
  const index = new RollupIndex({ hourlyRetentionHours: 48, dailyRetentionDays: 35 });
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  const hourPods = podRows(pods, nodes, 1);
  const dayPods = podRows(pods, nodes, 24);
  const hourRows = [...hourPods, ...namespaceRows(hourPods)];
  const dayRows = [...dayPods, ...namespaceRows(dayPods)];
  for (let d = 1; d <= 30; d++) index.apply(rollup("1d", today - d * DAY_MS, dayRows.map((r) => ({ ...r })), nodes));
  for (let h = 0; h < 48; h++) index.apply(rollup("1h", Math.floor(now / HOUR_MS) * HOUR_MS - h * HOUR_MS, hourRows.map((r) => ({ ...r })), nodes));
  const rates = new NodeRates(600_000);
  for (let n = 0; n < nodes; n++) rates.apply(pricedNode(n), Date.now());
  const server = await startApiServer({ index, rates, labelKeys: ["app", "team"], maxResponseRows: 100_000, currencyCode: "USD", now: Date.now, ui: true }, "127.0.0.1", 0, () => true);
  const browser = await launchChromium();
  const base = `http://127.0.0.1:${server.port}`;
  const measure = async (path: string, ready: string): Promise<PageTiming> => {
    const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${base}${path}`);
    await page.waitForFunction(ready, undefined, { timeout: 60_000 });
    const t = await page.evaluate<PageTiming>(`({ fcp: performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? NaN, ready: performance.now() })`);
    await context.close();
    return t;
  };
  const lines = [
    `Web app (Debian's Chromium ${browser.version()}, headless, cold loads: a fresh context each; API on loopback holding ${pods} pods × (30 daily + 48 hourly windows), ${nodes} nodes):`,
    `  first page's bytes (gzip): script ${kb(bundle.js.gzip.length)} + stylesheet ${kb(bundle.css.gzip.length)} = ${kb(bundle.js.gzip.length + bundle.css.gzip.length)} (uncompressed ${kb(bundle.js.body.length + bundle.css.body.length)}); CSV writer chunk, loaded on the first download: ${kb([...bundle.files.values()].filter((f) => f.name.startsWith("chunk-")).reduce((s, f) => s + f.gzip.length, 0))}`,
  ];
  const pages: Array<[string, string, string]> = [
    ["overview", "/ui/overview", `document.querySelector("#cost-mtd") && document.querySelectorAll("#top-namespaces li").length > 0 && document.querySelector("#overview-chart canvas")`],
    ["allocation, namespace, 7d", "/ui/allocation?window=7d&aggregate=namespace", `document.querySelectorAll("#allocation-table tbody tr").length > 0 && document.querySelector("#allocation-chart canvas")`],
    ["allocation, controller, month", "/ui/allocation?window=month&aggregate=controller", `document.querySelectorAll("#allocation-table tbody tr").length > 0`],
    [`allocation, pod, 24h (${pods} rows)`, "/ui/allocation?window=24h&aggregate=pod", `document.querySelectorAll("#allocation-table tbody tr").length > 0`],
  ];
  for (const [label, path, ready] of pages) {
    await measure(path, ready); // warm the server's caches and the JIT
    const times: PageTiming[] = [];
    for (let i = 0; i < runs; i++) times.push(await measure(path, ready));
    const fcp = times.map((t) => t.fcp);
    const done = times.map((t) => t.ready);
    lines.push(`  ${label.padEnd(34)} first contentful paint p50 ${percentile(fcp, 50).toFixed(0).padStart(5)} ms · data on screen p50 ${percentile(done, 50).toFixed(0).padStart(5)} ms, max ${Math.max(...done).toFixed(0).padStart(5)} ms`);
  }
  await browser.close();
  await server.close();
  return lines;
}
