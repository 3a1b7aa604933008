import { freePort, portAvailable } from "../../local/ports.ts";
import { builtinScenario, loadScenario } from "../../sim/scenario.ts";
import { flag, numberOption, stringOption } from "../args.ts";
import { COMMON_OPTIONS, type Command } from "../command.ts";
import { renderLiveTable } from "../demo/live-table.ts";
import { configFor, loggerFor, waitForSignal } from "../lifecycle.ts";

const CLEAR = "\x1b[H\x1b[2J";

export const demoCommand: Command = {
  name: "demo",
  summary: "run a simulated cluster through the real pipeline on a private NATS server, with live costs",
  usage: "kce demo [options]",
  details:
    "Starts nats-server (JetStream, temp store, free port), the Kubernetes API simulator with a\n" +
    "scenario, one agent per simulated node and every central stage, serves /metrics and shows a\n" +
    "live cost table. Ctrl-C stops everything and removes the temporary store.\n\n" +
    "With --clusters N, each cluster gets its own leaf nats-server (own JetStream domain) and agents; a\n" +
    "hub nats-server sources every leaf and runs the central pipeline; the table shows costs by cluster.\n\n" +
    "Examples:\n  kce demo\n  kce demo --interval 5 --port 9100\n  kce demo --clusters 3\n  kce demo --duration 60 --scenario my-cluster.yaml",
  options: [
    ...COMMON_OPTIONS.filter((o) => o.name !== "nats" && o.name !== "cluster"),
    { name: "scenario", value: "FILE", description: "scenario YAML (default: the built-in demo cluster)" },
    { name: "port", value: "PORT", description: "port of /metrics (default 9090; a free port if 9090 is taken)" },
    { name: "api-port", value: "PORT", description: "port of the query API (default 9003; a free port if taken)" },
    { name: "interval", value: "SECONDS", description: "agent publish interval (default 10 in the demo)" },
    { name: "duration", value: "SECONDS", description: "stop by itself after this long (default: run until Ctrl-C)" },
    { name: "refresh", value: "SECONDS", description: "live table refresh period (default 2)" },
    { name: "nats-server-bin", value: "PATH", description: "nats-server binary (default: $PATH, then /usr/sbin)" },
    { name: "clusters", value: "N", description: "simulate N clusters federated over NATS leafnodes into one hub (default 1)" },
    { name: "quiet", description: "no live table; print the metrics URL and log only" },
  ],
  run: async (args) => {
    const scenario = loadScenario(stringOption(args, "scenario") ?? builtinScenario("demo"));
    const interval = numberOption(args, "interval", 1, 3600) ?? 10;
    const wanted = numberOption(args, "port", 0, 65535);
    let port = wanted ?? 9090;
    if (wanted === undefined && !(await portAvailable("0.0.0.0", port))) port = await freePort();
    const wantedApi = numberOption(args, "api-port", 0, 65535);
    let apiPort = wantedApi ?? 9003;
    if (wantedApi === undefined && !(await portAvailable("0.0.0.0", apiPort))) apiPort = await freePort();
    const config = configFor(args, {
      telemetry: { logLevel: stringOption(args, "log-level") ?? "warn" },
      agent: { intervalSeconds: interval, samplesPerInterval: Math.min(4, interval) },
      rollup: { emitIntervalSeconds: { "1m": 5, "1h": 10, "1d": 10 }, checkpointIntervalSeconds: 5 },
      sinks: { prometheus: { port, staleAfterSeconds: Math.max(60, interval * 3) } },
      api: { port: apiPort },
      // Minutes, not days, of learning, and thresholds for a small cluster: the demo's scale-up shows as an anomaly.
      anomalies: { learnHours: 0.05, minImpactHourlyUsd: 0.005, confirmMinutes: 2, warmupHours: 0 },
      recommendations: { minHistoryHours: 0.05 },
      // Two budgets for the web app's budgets page: production within its budget, ml-training forecast over it.
      budgets: [
        { name: "production", namespace: "production", monthlyUsd: 150 },
        { name: "ml-training", namespace: "ml-training", monthlyUsd: 50 },
      ],
    });
    const log = loggerFor(config);
    const { startDemo } = await import("../demo/run-demo.ts");
    const clusters = numberOption(args, "clusters", 1, 6) ?? 1;
    const demo = await startDemo(config, scenario, log, stringOption(args, "nats-server-bin"), clusters);
    const banner = { cluster: demo.clusters.join(", "), ...(config.api.ui ? { webUrl: `${demo.apiUrl}/ui/` } : {}), metricsUrl: demo.metricsUrl, natsUrl: demo.natsUrl, simUrl: demo.sim.url };
    const tty = process.stdout.isTTY && !flag(args, "quiet");
    process.stdout.write(
      `kube-cost-exporter demo: ${clusters > 1 ? `${clusters} clusters (each its own leaf nats-server, federated into one hub) × ` : ""}${scenario.nodes.length} nodes, ${scenario.workloads.length} workloads, agents every ${interval}s\n` +
        `  web app:  ${demo.apiUrl}/ui/  (live costs, allocation, nodes, savings, budgets)\n  metrics:  ${demo.metricsUrl}\n  API:      ${demo.apiUrl}/allocation?window=1h&aggregate=namespace\n  kubectl:  KUBECONFIG=${demo.kubeconfig} PATH=$PWD/bin:$PATH kubectl cost namespace --window 1h\n  right-size: KUBECONFIG=${demo.kubeconfig} PATH=$PWD/bin:$PATH kubectl cost recommend -o patch\n  NATS:     ${demo.natsUrl}${clusters > 1 ? " (hub)" : ""}\n  kube API: ${demo.sim.url}  (try: kubectl --server ${demo.sim.url} get pods -A)\n`,
    );
    const refreshMs = (numberOption(args, "refresh", 0.5, 3600) ?? 2) * 1000;
    let printed = 0;
    const screen = setInterval(() => {
      if (flag(args, "quiet")) return;
      const text = renderLiveTable(demo.model, banner, Date.now());
      if (tty) process.stdout.write(CLEAR + text + "\n");
      else if (Date.now() - printed >= Math.max(refreshMs, 10_000)) {
        printed = Date.now();
        process.stdout.write(text + "\n\n");
      }
    }, refreshMs);
    const duration = numberOption(args, "duration", 1, 365 * 86400);
    const reason = await Promise.race([
      waitForSignal(),
      ...(duration === undefined ? [] : [new Promise<string>((r) => setTimeout(() => r("duration elapsed"), duration * 1000))]),
    ]);
    clearInterval(screen);
    process.stdout.write(`\nstopping (${reason}) ...\n`);
    if (!flag(args, "quiet")) process.stdout.write(renderLiveTable(demo.model, banner, Date.now()) + "\n");
    await demo.stop();
    process.stdout.write(`stopped; ${clusters > 1 ? "nats-servers" : "nats-server"} ended and temporary stores removed.\n`);
    return 0;
  },
};
