import { writeFileSync } from "node:fs";
import { openRuntime } from "../../bus/runtime.ts";
import { EXPORT_COLUMNS, FOCUS_SPLIT_VERSION, FOCUS_VERSION } from "../../export/focus/columns.ts";
import { DAY_MS, exportFocus, HOUR_MS, snapRange } from "../../export/focus/export.ts";
import { focusSink, type FocusFormat } from "../../export/focus/files.ts";
import type { ValidationReport } from "../../export/focus/validate.ts";
import { validateFile } from "../../export/focus/validate-file.ts";
import { readMonth, renderShowback } from "../../export/showback-run.ts";
import { parseDistribution, Showback } from "../../export/showback.ts";
import { parseWindow } from "../../api/window.ts";
import { Telemetry } from "../../telemetry/metrics.ts";
import { flag, stringOption, UsageError, type ParsedArgs } from "../args.ts";
import { COMMON_OPTIONS, type Command } from "../command.ts";
import { configFor, loggerFor } from "../lifecycle.ts";

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

function progressLine(enabled: boolean): (done: number, total: number, rows: number) => void {
  return (done, total, rows) => {
    if (!enabled) return;
    process.stderr.write(`\rcharge periods ${done}/${total}, ${rows.toLocaleString("en-US")} rows${done >= total ? "\n" : ""}`);
  };
}

function describeReport(path: string, r: ValidationReport): string {
  const head = `${path}: ${r.rows.toLocaleString("en-US")} rows, ${r.valid ? `valid FOCUS ${FOCUS_VERSION} (+ ${FOCUS_SPLIT_VERSION} split cost allocation columns)` : `${Object.values(r.counts).reduce((a, b) => a + b, 0)} violation(s)`}`;
  const lines = r.violations.map((v) => `  ${v.row === 0 ? "header" : `row ${v.row}`}: [${v.rule}] ${v.message}`);
  const counts = r.valid ? [] : [`  by rule: ${Object.entries(r.counts).map(([k, n]) => `${k} ${n}`).join(", ")}`];
  return [head, ...lines, ...counts, ...r.warnings.map((w) => `  warning: ${w}`)].join("\n");
}

function formatOf(args: ParsedArgs, out: string): FocusFormat {
  const given = stringOption(args, "format");
  if (given !== undefined && given !== "csv" && given !== "parquet") throw new UsageError(`--format must be csv or parquet, not ${JSON.stringify(given)}`);
  return given ?? (out.endsWith(".parquet") ? "parquet" : "csv");
}

async function focus(args: ParsedArgs): Promise<number> {
  const windowText = stringOption(args, "window");
  if (windowText === undefined) throw new UsageError("give --window, e.g. --window lastmonth, --window 7d or --window 2026-11-01T00:00:00Z,2026-12-01T00:00:00Z");
  const step = stringOption(args, "step") ?? "1d";
  if (step !== "1d" && step !== "1h") throw new UsageError(`--step must be 1d or 1h, not ${JSON.stringify(step)}`);
  const stepMs = step === "1d" ? DAY_MS : HOUR_MS;
  const reconciled = flag(args, "reconciled");
  if (reconciled && step !== "1d") throw new UsageError("--reconciled needs --step 1d (bills are reconciled per day)");
  let range;
  try {
    range = parseWindow(windowText, Date.now());
  } catch (error) {
    throw new UsageError(`--window ${error instanceof Error ? error.message.replace(/^window:?\s*/, "") : String(error)}`);
  }
  const snapped = snapRange(range.startMs, range.endMs, stepMs);
  const out = stringOption(args, "out") ?? "-";
  const format = formatOf(args, out);
  const aggregate = stringOption(args, "aggregate") ?? "pod";
  if (aggregate !== "pod" && aggregate !== "controller" && aggregate !== "namespace") throw new UsageError(`--aggregate must be pod, controller or namespace, not ${JSON.stringify(aggregate)}`);
  if (format === "parquet" && out === "-" && process.stdout.isTTY) throw new UsageError("Parquet is binary: give --out FILE.parquet (or pipe stdout)");
  const config = configFor(args);
  const rt = await openRuntime(config, "kce-export", new Telemetry(), loggerFor(config));
  try {
    const sink = focusSink(format, out, { FocusVersion: FOCUS_VERSION, "x_kce.SplitCostAllocationVersion": FOCUS_SPLIT_VERSION, "x_kce.Currency": config.pricing.currency });
    const summary = await exportFocus(
      rt,
      {
        ...snapped,
        stepMs,
        reconciled,
        cluster: stringOption(args, "cluster"),
        billingAccountId: stringOption(args, "billing-account"),
        billingAccountName: stringOption(args, "billing-account-name"),
        currency: config.pricing.currency,
        aggregate,
      },
      sink,
      progressLine(!flag(args, "no-progress") && process.stderr.isTTY),
    );
    await sink.close();
    const cur = config.pricing.currency;
    process.stderr.write(
      `exported ${summary.rows.toLocaleString("en-US")} FOCUS rows (${format}) for ${summary.periods} charge period(s) of ${step} from ${new Date(snapped.startMs).toISOString()} to ${new Date(snapped.endMs).toISOString()}, clusters ${summary.clusters.join(", ") || "none"}: EffectiveCost ${summary.effectiveCost.toFixed(6)} ${cur}, ListCost ${summary.listCost.toFixed(6)} ${cur}` +
        `${reconciled ? `; ${summary.reconciledWindows} of ${summary.windows} window(s) reconciled with the bill (the others are list-price estimates, x_CostSource=list-estimate)` : ""}\n`,
    );
    if (summary.openWindows > 0) process.stderr.write(`note: ${summary.openWindows} window(s) are still open; their cost can still grow\n`);
    if (summary.emptyPeriods.length > 0) process.stderr.write(`note: no cost data for ${summary.emptyPeriods.length} period(s) (first ${summary.emptyPeriods[0] ?? ""}): the pipeline did not run then, or KCE_ROLLUP retention (streams.maxAgeHours.rollup) dropped them\n`);
    if (out !== "-" && !flag(args, "no-validate")) {
      const report = await validateFile(out);
      process.stderr.write(describeReport(out, report) + "\n");
      if (!report.valid) return 1;
    }
    return 0;
  } finally {
    await rt.close();
  }
}

async function showbackCommand(args: ParsedArgs): Promise<number> {
  const month = stringOption(args, "month");
  const m = month === undefined ? undefined : MONTH.exec(month);
  if (m === undefined || m === null) throw new UsageError(`give --month as YYYY-MM, e.g. --month 2026-11${month === undefined ? "" : ` (got ${JSON.stringify(month)})`}`);
  const by = stringOption(args, "by") ?? "namespace";
  const output = stringOption(args, "output") ?? "table";
  if (!["table", "csv", "json"].includes(output)) throw new UsageError(`--output must be table, csv or json, not ${JSON.stringify(output)}`);
  let distribute;
  try {
    distribute = parseDistribution(stringOption(args, "distribute") ?? "proportional");
  } catch (error) {
    throw new UsageError(`--distribute: ${error instanceof Error ? error.message : String(error)}`);
  }
  const config = configFor(args);
  if (by !== "namespace") {
    const key = /^label:(.+)$/.exec(by)?.[1];
    if (key === undefined) throw new UsageError(`--by must be namespace or label:<key>, not ${JSON.stringify(by)}`);
    if (!config.rollup.labelKeys.includes(key)) throw new UsageError(`--by ${by}: the rollups keep only the labels in rollup.labelKeys (${config.rollup.labelKeys.join(", ") || "none"}); add "${key}" there to charge back by it from then on`);
  }
  const startMs = Date.UTC(Number(m[1]), Number(m[2]) - 1, 1);
  const endMs = Date.UTC(Number(m[1]), Number(m[2]), 1);
  const rt = await openRuntime(config, "kce-export", new Telemetry(), loggerFor(config));
  try {
    const sharedNamespaces = (stringOption(args, "shared-namespaces") ?? "").split(",").map((s) => s.trim()).filter((s) => s !== "");
    const fold = new Showback({ by, distribute, sharedNamespaces });
    const windows = await readMonth(rt, startMs, endMs, flag(args, "reconciled"), (w) => fold.add(w), stringOption(args, "cluster"));
    const result = fold.result();
    const text = renderShowback(result, { month: month ?? "", by, currency: config.pricing.currency, format: output as "table" | "csv" | "json", reconciledDays: windows.reconciledDays, days: windows.days });
    const out = stringOption(args, "out");
    if (out === undefined) process.stdout.write(text);
    else writeFileSync(out, text);
    if (windows.days === 0) process.stderr.write(`no daily rollups for ${month ?? ""}: is the pipeline running against this NATS, and is the month within KCE_ROLLUP's retention?\n`);
    return 0;
  } finally {
    await rt.close();
  }
}

async function validate(args: ParsedArgs): Promise<number> {
  const files = args.positionals.slice(1);
  if (files.length === 0) throw new UsageError("give the FOCUS files to check: kce export validate FILE [FILE ...]");
  let ok = true;
  const reports: Array<ValidationReport & { file: string }> = [];
  for (const f of files) {
    const report = await validateFile(f, !flag(args, "partial"));
    ok &&= report.valid;
    reports.push({ file: f, ...report });
  }
  if (stringOption(args, "output") === "json") process.stdout.write(JSON.stringify(reports, null, 2) + "\n");
  else for (const r of reports) process.stdout.write(describeReport(r.file, r) + "\n");
  return ok ? 0 : 1;
}

export const exportCommand: Command = {
  name: "export",
  summary: "export costs as a FOCUS dataset (CSV or Parquet), monthly showback/chargeback, or check a FOCUS file",
  usage: "kce export focus --window W [options] | kce export showback --month YYYY-MM [options] | kce export validate FILE...",
  details: [
    `focus: one row per pod per charge period (its CPU, RAM and GPU as an allocated share of its node's bill line),`,
    `each persistent volume (by its disk id) and each pod's network, each node's idle capacity; FOCUS ${FOCUS_VERSION} columns plus`,
    `the ${FOCUS_SPLIT_VERSION} split cost allocation columns (AllocatedResourceId = the pod) and x_ columns (cluster, namespace,`,
    `controller, pod, node, idle). ${EXPORT_COLUMNS.length} columns. Read from the daily (or hourly) rollups in NATS, one period at a time.`,
    `--reconciled uses the days \`kce reconcile --publish\` matched to the bill (EffectiveCost = the bill, ListCost = list price);`,
    "other days are list-price estimates and say so (x_CostSource). A file written with --out is validated afterwards.",
    "",
    "showback: the month's cost per namespace or label value, idle and shared namespaces distributed by",
    "--distribute proportional (by cost, default), even, none (own rows) or to:<group>; rows add up to the cluster's cost to the cent.",
    "",
    "validate: checks FOCUS files (CSV or Parquet, ours or a cloud's) against the spec's column rules; --partial for excerpts.",
    "",
    "Examples:",
    "  kce export focus --window lastmonth --out 2026-11.parquet",
    "  kce export focus --window 2026-11-01T00:00:00Z,2026-11-08T00:00:00Z --reconciled --out week.csv",
    "  kce export showback --month 2026-11 --by label:team --shared-namespaces kube-system,monitoring -o csv > nov.csv",
    "  kce export validate focus-export.csv",
  ].join("\n"),
  options: [
    ...COMMON_OPTIONS,
    { name: "window", short: "w", value: "WINDOW", description: "focus: the range (OpenCost window syntax: 7d, lastmonth, start,end), snapped out to whole periods" },
    { name: "step", value: "1d|1h", description: "focus: charge period (default 1d)" },
    { name: "aggregate", value: "LEVEL", description: "focus: one row per pod (default), or summed per controller or namespace" },
    { name: "format", value: "csv|parquet", description: "focus: file format (default: parquet for *.parquet, else csv)" },
    { name: "out", value: "FILE", description: "write to FILE (default: stdout)" },
    { name: "reconciled", description: "use the days reconciled with the cloud bill where there are any" },
    { name: "billing-account", value: "ID", description: "focus: BillingAccountId (default: the cluster's name)" },
    { name: "billing-account-name", value: "NAME", description: "focus: BillingAccountName (default: null)" },
    { name: "no-validate", description: "focus: do not validate the written file" },
    { name: "no-progress", description: "no progress line on stderr" },
    { name: "month", value: "YYYY-MM", description: "showback: the month (UTC)" },
    { name: "by", value: "namespace|label:KEY", description: "showback: group by (default namespace)" },
    { name: "distribute", value: "RULE", description: "showback: idle and shared cost: proportional (default), even, none, to:<group>" },
    { name: "shared-namespaces", value: "NS,...", description: "showback: namespaces whose cost is shared out like idle" },
    { name: "output", short: "o", value: "FORMAT", description: "showback: table (default), csv or json; validate: table or json" },
    { name: "partial", description: "validate: do not require the Mandatory columns (for excerpts)" },
  ],
  run: async (args) => {
    const sub = args.positionals[0];
    if (sub === "focus") return focus(args);
    if (sub === "showback") return showbackCommand(args);
    if (sub === "validate") return validate(args);
    throw new UsageError("say `kce export focus …`, `kce export showback …` or `kce export validate FILE` (see --help)");
  },
};
