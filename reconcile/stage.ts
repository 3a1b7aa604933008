import { readdirSync } from "node:fs";
import { join } from "node:path";
import { Gauge } from "../telemetry/prom.ts";
import type { Runtime } from "../bus/runtime.ts";
import type { Stage } from "../bus/stage-types.ts";
import { latestRatios } from "./report.ts";
import { runReconcile } from "./run.ts";

export const RECONCILE_COMPONENT = "reconcile";

/** Exports as the clouds deliver them: CSV or JSON lines, plain or gzipped, or a CSV in a zip. */
const BILL_FILE = /\.((csv|jsonl|ndjson|json)(\.gz)?|zip)$/i;

/**
 * The scheduled reconciliation in `kce all`: at start and every `reconcile.intervalHours`, reads
 * every export in `reconcile.billsDir`, publishes reconciled daily rollups and sets
 * kube_cost_reconciliation_ratio{cluster,node} on the process's /metrics. A failed run is logged
 * and counted; the next run tries again.
 */
export function createReconcileStage(rt: Runtime): Stage & { runOnce(): Promise<void> } {
  const cfg = rt.config.reconcile;
  const log = rt.log.child(RECONCILE_COMPONENT);
  const metrics = rt.telemetry.component(RECONCILE_COMPONENT);
  const ratio = new Gauge({
    name: "kube_cost_reconciliation_ratio",
    help: "Billed cost over the list-price estimate of a node, for the latest reconciled day",
    labelNames: ["cluster", "node"],
    registers: [rt.telemetry.registry],
  });
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const runOnce = async (): Promise<void> => {
    const files = readdirSync(cfg.billsDir);
    const bills = files.filter((f) => BILL_FILE.test(f)).sort().map((f) => join(cfg.billsDir, f));
    const ignored = files.filter((f) => !BILL_FILE.test(f) && !f.startsWith("."));
    if (ignored.length > 0) log.warn("files in the bills directory that are not exports (CSV or JSON lines, plain or .gz, or a zip) are ignored", { files: ignored.join(",") });
    if (bills.length === 0) {
      log.info("no billing exports yet", { billsDir: cfg.billsDir });
      return;
    }
    try {
      const run = await runReconcile(rt, { bills, publish: cfg.publish });
      if (run.publishRefused) log.warn("bad rows in the bills: nothing published until they are fixed", { badRows: run.badRows });
      ratio.reset();
      for (const r of latestRatios(run.result)) ratio.set({ cluster: r.cluster, node: r.node }, r.ratio);
      metrics.sent(run.published);
      const bad = run.report.files.reduce((a, f) => a + f.badRows, 0);
      log.info("reconciled", { from: run.days.from, to: run.days.to, files: bills.length, nodeDays: run.result.nodeDays.length, unmatched: run.report.unmatchedTotal, badRows: bad, published: run.published });
    } catch (error) {
      metrics.error("reconcile");
      log.error("reconciliation failed; will try again at the next interval", { error });
    }
  };

  return {
    name: RECONCILE_COMPONENT,
    runOnce: () => (running = running.then(runOnce)),
    start: async () => {
      running = running.then(runOnce);
      timer = setInterval(() => void (running = running.then(runOnce)), cfg.intervalHours * 3_600_000);
      metrics.up(true);
    },
    stop: async () => {
      if (timer !== undefined) clearInterval(timer);
      await running;
      metrics.up(false);
    },
  };
}
