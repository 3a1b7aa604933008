import { writeFileSync } from "node:fs";
import { openRuntime } from "../../bus/runtime.ts";
import { renderCsv, renderMetrics, renderTable, totalsAgree } from "../../reconcile/report.ts";
import { runReconcile } from "../../reconcile/run.ts";
import { Telemetry } from "../../telemetry/metrics.ts";
import { flag, stringOption, UsageError } from "../args.ts";
import { COMMON_OPTIONS, type Command } from "../command.ts";
import { configFor, loggerFor } from "../lifecycle.ts";

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function progressBar(enabled: boolean): (file: string, read: number, total: number, rows: number) => void {
  let last = 0;
  return (file, read, total, rows) => {
    if (!enabled) return;
    const now = Date.now();
    if (now - last < 200 && read < total) return;
    last = now;
    const pct = total === 0 ? 100 : Math.min(100, (read / total) * 100);
    const bar = "#".repeat(Math.round(pct / 5)).padEnd(20, ".");
    process.stderr.write(`\r${file.slice(-40)} [${bar}] ${pct.toFixed(0).padStart(3)}% ${rows.toLocaleString("en-US")} rows${read >= total ? "\n" : ""}`);
  };
}

export const reconcileCommand: Command = {
  name: "reconcile",
  summary: "reconcile estimated costs with cloud bills (FOCUS, AWS CUR, Azure, GCP exports) and report the accuracy",
  usage: "kce reconcile --bill FILE [--bill FILE ...] [options]",
  details: [
    "Reads billing exports (CSV; GCP rows also as JSON lines), matches their line items to nodes by",
    "resource id (spec.providerID), and compares each node-day with the daily rollups in NATS.",
    "Cost columns used: FOCUS EffectiveCost; AWS CUR unblended cost, savings-plan or reservation",
    "effective cost for covered usage; Azure CostInBillingCurrency/PreTaxCost; GCP cost + credits.",
    "",
    "--publish writes reconciled daily rollups (every compute cost on a node scaled by billed ÷ allocated)",
    "to kce.rollup.1d-reconciled.<cluster>; --metrics-file writes kube_cost_reconciliation_ratio for",
    "node_exporter's textfile collector. Exports may be gzipped (read by content, whatever the name).",
    "Dates are read in each layout's documented format (ISO 8601; Azure also MM/DD/YYYY), never guessed.",
    "Bad rows are listed with line and column and make the exit code 1 (and --publish publish nothing)",
    "unless --allow-bad-rows; a file of an unknown layout, a zip archive, an unterminated quote, mixed",
    "currencies, or a bill in another currency than pricing.currency without pricing.exchangeRates stops",
    "with an error naming the file.",
    "",
    "Examples:",
    "  kce reconcile --bill cur-2026-11.csv --config central.yaml",
    "  kce reconcile --bill focus.csv --from 2026-11-01 --to 2026-11-07 -o csv > accuracy.csv",
    "  kce reconcile --bill azure-export.csv --publish --metrics-file /var/lib/node_exporter/kce.prom",
  ].join("\n"),
  options: [
    ...COMMON_OPTIONS,
    { name: "bill", short: "b", value: "FILE", description: "a billing export (repeatable)" },
    { name: "from", value: "YYYY-MM-DD", description: "first day to reconcile (default: the bills' first)" },
    { name: "to", value: "YYYY-MM-DD", description: "last day (default: the bills' last)" },
    { name: "output", short: "o", value: "FORMAT", description: "table (default), json or csv" },
    { name: "report", description: "print the accuracy report (the default)" },
    { name: "publish", description: "publish reconciled daily rollups to kce.rollup.1d-reconciled.<cluster>" },
    { name: "metrics-file", value: "FILE", description: "write kube_cost_reconciliation_ratio in Prometheus text format" },
    { name: "allow-bad-rows", description: "exit 0 and publish even when some rows could not be read (their amounts are left out)" },
    { name: "no-progress", description: "no progress bar on stderr" },
  ],
  run: async (args) => {
    const bills = args.lists.get("bill") ?? [];
    if (bills.length === 0) throw new UsageError("give at least one --bill FILE");
    const output = stringOption(args, "output") ?? "table";
    if (!["table", "json", "csv"].includes(output)) throw new UsageError(`--output must be table, json or csv, not ${JSON.stringify(output)}`);
    const from = stringOption(args, "from");
    const to = stringOption(args, "to");
    for (const [name, value] of [["from", from], ["to", to]] as const) if (value !== undefined && !DAY.test(value)) throw new UsageError(`--${name} must be a day like 2026-11-01, not ${JSON.stringify(value)}`);
    const config = configFor(args);
    const rt = await openRuntime(config, "kce-reconcile", new Telemetry(), loggerFor(config));
    try {
      const run = await runReconcile(rt, {
        bills,
        from,
        to,
        cluster: stringOption(args, "cluster"),
        publish: flag(args, "publish"),
        allowBadRows: flag(args, "allow-bad-rows"),
        progress: progressBar(!flag(args, "no-progress") && process.stderr.isTTY),
      });
      if (output === "json") process.stdout.write(JSON.stringify({ days: run.days, ...run.report }, null, 2) + "\n");
      else if (output === "csv") process.stdout.write(renderCsv(run.report));
      else {
        const r = run.days.reconciled;
        const range = r.length === 0 ? "no day (no cost data for the bills' days)" : `${r[0] ?? ""} to ${r[r.length - 1] ?? ""} (${r.length} day(s) with cost data)`;
        process.stdout.write(`reconciled ${range}; the bills cover ${run.days.from} to ${run.days.to}\n${renderTable(run.report)}\n`);
      }
      const metricsFile = stringOption(args, "metrics-file");
      if (metricsFile !== undefined) writeFileSync(metricsFile, renderMetrics(run.result));
      if (run.published > 0) process.stderr.write(`published ${run.published} reconciled rollup message(s)\n`);
      if (run.result.nodeDays.length === 0) process.stderr.write(`no daily rollups found for ${run.days.from} to ${run.days.to}; is the pipeline running against this NATS?\n`);
      if (!totalsAgree(run.report)) {
        process.stderr.write(`the report accounts for ${run.report.accountedTotal} of the bills' ${run.report.billTotal} ${run.report.currency}: a line was lost or counted twice; please report this\n`);
        return 1;
      }
      if (run.badRows > 0 && !flag(args, "allow-bad-rows")) {
        process.stderr.write(`${run.badRows} bad row(s) could not be read, so their amounts are missing from the totals (listed above with line and column)${run.publishRefused ? "; nothing was published" : ""}; fix the file or pass --allow-bad-rows\n`);
        return 1;
      }
      return 0;
    } finally {
      await rt.close();
    }
  },
};
