import { flag, formatOptions, parseArgs, UsageError, type OptionSpec } from "../args.ts";
import { ApiRequestError } from "./api-client.ts";
import { ManifestError } from "./estimate/manifests.ts";
import { CONNECTION_OPTIONS, REPORT_OPTIONS } from "./options.ts";
import type { ReportKind } from "./report.ts";
import { runEstimate } from "./run-estimate.ts";
import { runReport } from "./run-report.ts";
import { RECOMMEND_OPTIONS, runRecommend } from "./run-recommend.ts";

const REPORTS: Record<ReportKind, string> = {
  namespace: "cost per namespace",
  pod: "cost per pod",
  deployment: "cost per Deployment",
  statefulset: "cost per StatefulSet",
  daemonset: "cost per DaemonSet",
  controller: "cost per controller (any kind)",
  node: "cost per node, with its idle (unallocated) cost",
  label: "cost per value of a pod label (--label KEY)",
  cluster: "cost per cluster, with idle",
};

/** kubectl-cost's aliases (and kubectl's short names). */
const ALIASES: Record<string, ReportKind> = { ns: "namespace", deploy: "deployment", po: "pod", no: "node", sts: "statefulset", ds: "daemonset" };

const ESTIMATE_OPTIONS: OptionSpec[] = [
  { name: "filename", short: "f", value: "FILE", description: "manifest file, or - for standard input (repeatable)" },
  { name: "instance-type", value: "TYPE", description: "price as this instance type from the shipped prices (e.g. m5.xlarge)" },
  { name: "provider", value: "NAME", description: "aws (default), gcp or azure, with --instance-type" },
  { name: "region", value: "REGION", description: "region, with --instance-type (default: us-east-1, us-central1 or eastus)" },
  { name: "capacity-type", value: "TYPE", description: "on-demand (default) or spot, with --instance-type" },
  { name: "nodes", value: "N", description: "nodes a DaemonSet runs on (default: the cluster's, when connected, else 1)" },
  { name: "namespace", short: "n", value: "NS", description: "namespace of manifests that name none (default default)" },
  { name: "baseline", value: "FILE|live", description: "compare with other manifests, or with what runs in the cluster now" },
  { name: "fail-over-pct", value: "PCT", description: "exit 1 when the monthly cost rises by more than PCT percent (needs --baseline)" },
  { name: "fail-over-usd", value: "USD", description: "exit 1 when the monthly cost rises by more than USD dollars" },
  { name: "output", short: "o", value: "FORMAT", description: "table (default), json, csv or yaml" },
  ...CONNECTION_OPTIONS,
  { name: "help", short: "h", description: "show this help" },
];

function mainHelp(): string {
  const names = [...Object.keys(REPORTS), "estimate", "recommend"];
  const width = Math.max(...names.map((n) => n.length));
  return [
    "kubectl cost — Kubernetes costs from kube-cost-exporter",
    "",
    "usage: kubectl cost <command> [NAME] [options]      kubectl cost <command> --help",
    "",
    "commands:",
    ...Object.entries(REPORTS).map(([k, v]) => `  ${k.padEnd(width)}  ${v}`),
    `  ${"estimate".padEnd(width)}  monthly cost of manifests before you apply them; CI limits`,
    `  ${"recommend".padEnd(width)}  right-sized requests per controller from its usage, with the money; -o patch`,
    "",
    "aliases: ns, deploy, po, no, sts, ds. Tables show each row's projected monthly rate (its cost in the",
    "window × 43,200 minutes ÷ the minutes it ran), as kubectl-cost does; --historical shows the window's total.",
    "",
    "examples:",
    "  kubectl cost namespace --window 7d",
    "  kubectl cost ns --window 5d --historical -A",
    "  kubectl cost deployment -n production --show-cpu --show-memory -o csv > deployments.csv",
    "  kubectl cost label -l team --window month",
    "  kubectl cost estimate -f deploy.yaml --baseline live --fail-over-pct 10",
    "  kubectl cost recommend -n production -o patch | sh",
    "",
    "The API is reached through the current kubeconfig context (Kubernetes API service proxy to service",
    "kube-cost/kube-cost-exporter-api:9003, as `kce install` renders it; -N, --service-name, --service-port,",
    "--release-name or --opencost pick another), or directly with --api-url URL / KCE_API_URL. kubectl's",
    "--server, --context, --cluster, --user, --token and --kubeconfig keep kubectl's meaning.",
  ].join("\n");
}

/** The kubectl plugin; resolves to the exit code (0 ok, 1 failed or over a limit, 2 usage/input error). */
export async function main(
  argv: string[],
  write: (s: string) => void = (s) => void process.stdout.write(s),
  writeError: (s: string) => void = (s) => void process.stderr.write(s),
): Promise<number> {
  const [given, ...rest] = argv;
  const command = given === undefined ? undefined : (ALIASES[given] ?? given);
  if (command === undefined || command === "--help" || command === "-h" || command === "help") {
    write(mainHelp() + "\n");
    return command === undefined ? 2 : 0;
  }
  const isReport = Object.hasOwn(REPORTS, command);
  const options = isReport ? REPORT_OPTIONS : command === "recommend" ? RECOMMEND_OPTIONS : ESTIMATE_OPTIONS;
  try {
    if (!isReport && command !== "estimate" && command !== "recommend") throw new UsageError(`unknown command "${command}"; commands: ${[...Object.keys(REPORTS), "estimate", "recommend"].join(", ")}`);
    const args = parseArgs(rest, options);
    if (flag(args, "help")) {
      const usage = isReport ? `kubectl cost ${command} [NAME] [options]` : command === "recommend" ? "kubectl cost recommend [-n NS] [-o table|json|yaml|patch]" : "kubectl cost estimate -f FILE [-f FILE ...] [options]";
      const what = isReport ? REPORTS[command as ReportKind] : command === "recommend" ? "request right-sizing per controller from its measured usage (p95 CPU, peak memory + 15 %), priced at its nodes' rates" : "monthly cost of manifests";
      write(`usage: ${usage}\n\n${what}\n\noptions:\n${formatOptions(options)}\n`);
      return 0;
    }
    if (command === "recommend") return await runRecommend(args, write);
    return isReport ? await runReport(command as ReportKind, args, write) : await runEstimate(args, write);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    writeError(`kubectl cost${command === undefined ? "" : ` ${command}`}: ${message}\n`);
    if (error instanceof UsageError) writeError("Run 'kubectl cost --help' for usage.\n");
    return error instanceof UsageError || error instanceof ManifestError || error instanceof ApiRequestError ? 2 : 1;
  }
}
