import { ConfigError } from "../../config/errors.ts";
import type { Runtime } from "../../bus/runtime.ts";
import type { Stage } from "../../bus/stage-types.ts";
import type { Config } from "../../config/schema.ts";
import { numberOption, stringOption, type OptionSpec, type ParsedArgs } from "../args.ts";
import { COMMON_OPTIONS, type Command } from "../command.ts";
import { configFor, runStageProcess } from "../lifecycle.ts";

// Each stage's code is loaded only by the process that runs it: an agent or a pricer does not pay for
// the ClickHouse client, the API or the reconciler (issue 16: memory per process).
type StageFactory = (rt: Runtime) => Promise<Stage>;
const createPricer: StageFactory = async (rt) => (await import("../../processors/pricer/stage.ts")).createPricer(rt);
const createRollup: StageFactory = async (rt) => (await import("../../processors/rollup/stage.ts")).createRollup(rt);
const createSavings: StageFactory = async (rt) => (await import("../../processors/savings/stage.ts")).createSavings(rt);
const createPrometheusSink: StageFactory = async (rt) => (await import("../../sinks/prometheus/stage.ts")).createPrometheusSink(rt);
const createApi: StageFactory = async (rt) => (await import("../../api/stage.ts")).createApi(rt);
const createClickHouseSink: StageFactory = async (rt) => (await import("../../sinks/clickhouse/stage.ts")).createClickHouseSink(rt);
const createWebhookSink: StageFactory = async (rt) => (await import("../../sinks/webhook/stage.ts")).createWebhookSink(rt);
const createReconcileStage: StageFactory = async (rt) => (await import("../../reconcile/stage.ts")).createReconcileStage(rt);
const createAnomalies: StageFactory = async (rt) => (await import("../../processors/anomalies/stage.ts")).createAnomalies(rt);
const createFocusExport: StageFactory = async (rt) => (await import("../../export/focus/stage.ts")).createFocusExport(rt);

const METRICS_PORT: OptionSpec = { name: "metrics-port", value: "PORT", description: "serve self-metrics on this port (telemetry.port; 0 = off)" };

function telemetryPort(args: ParsedArgs): Record<string, unknown> {
  const port = numberOption(args, "metrics-port", 0, 65535);
  return port === undefined ? {} : { telemetry: { port } };
}

export const pricerCommand: Command = {
  name: "pricer",
  summary: "price usage snapshots (KCE_USAGE → KCE_PRICED); stateless, run as many as you like",
  usage: "kce pricer [options]",
  options: [...COMMON_OPTIONS, METRICS_PORT],
  run: (args) => {
    const config = configFor(args, telemetryPort(args));
    return runStageProcess({ name: "pricer", config, serveTelemetry: true, build: [(rt) => createPricer(rt)] });
  },
};

export const rollupCommand: Command = {
  name: "rollup",
  summary: "fold priced snapshots into 1m/1h/1d windows (KCE_PRICED → KCE_ROLLUP); run one",
  usage: "kce rollup [options]",
  options: [...COMMON_OPTIONS, METRICS_PORT],
  run: (args) => runStageProcess({ name: "rollup", config: configFor(args, telemetryPort(args)), serveTelemetry: true, build: [createRollup] }),
};

export const savingsCommand: Command = {
  name: "savings",
  summary: "compute spot savings, realised and potential (KCE_PRICED → KCE_SAVINGS)",
  usage: "kce savings [options]",
  options: [...COMMON_OPTIONS, METRICS_PORT],
  run: (args) => runStageProcess({ name: "savings", config: configFor(args, telemetryPort(args)), serveTelemetry: true, build: [createSavings] }),
};

const PORT: OptionSpec = { name: "port", value: "PORT", description: "port of /metrics (sinks.prometheus.port, default 9090)" };

function sinkPort(args: ParsedArgs): Record<string, unknown> {
  const port = numberOption(args, "port", 0, 65535);
  return port === undefined ? {} : { sinks: { prometheus: { port } } };
}

export const anomaliesCommand: Command = {
  name: "anomalies",
  summary: "learn each namespace's spend pattern and publish cost anomalies with their cause (KCE_ROLLUP 1m → KCE_ANOMALIES); run one",
  usage: "kce anomalies [options]",
  details: "Configure the anomalies section (sensitivity, minImpactHourlyUsd, …). See processors/anomalies/README.md.",
  options: [...COMMON_OPTIONS, METRICS_PORT],
  run: (args) => runStageProcess({ name: "anomalies", config: configFor(args, telemetryPort(args)), serveTelemetry: true, build: [createAnomalies] }),
};

export const sinkPrometheusCommand: Command = {
  name: "sink-prometheus",
  summary: "serve cost metrics on /metrics for Prometheus to scrape",
  usage: "kce sink-prometheus [options]",
  options: [...COMMON_OPTIONS, PORT],
  run: (args) => runStageProcess({ name: "sink-prometheus", config: configFor(args, sinkPort(args)), serveTelemetry: false, build: [createPrometheusSink] }),
};

const API_PORT: OptionSpec = { name: "api-port", value: "PORT", description: "port of the query API (api.port, default 9003)" };

function apiPort(args: ParsedArgs): Record<string, unknown> {
  const port = numberOption(args, "api-port", 0, 65535);
  return port === undefined ? {} : { api: { port } };
}

export const apiCommand: Command = {
  name: "api",
  summary: "serve the query API (/allocation, /savings, /rates, /recommendations) that kubectl cost talks to",
  usage: "kce api [options]",
  details: "Examples:\n  curl 'http://127.0.0.1:9003/allocation?window=24h&aggregate=namespace&accumulate=true'\n  curl 'http://127.0.0.1:9003/savings?window=7d&aggregate=namespace'",
  options: [...COMMON_OPTIONS, API_PORT, METRICS_PORT],
  run: (args) =>
    runStageProcess({ name: "api", config: configFor(args, { ...apiPort(args), ...telemetryPort(args) }), serveTelemetry: true, build: [createApi] }),
};

export const sinkClickHouseCommand: Command = {
  name: "sink-clickhouse",
  summary: "write pod, node, volume, savings and daily costs to ClickHouse (migrates its tables at start)",
  usage: "kce sink-clickhouse [options]",
  details: "Configure sinks.clickhouse (url, database, username, passwordEnv|passwordFile). See sinks/clickhouse/README.md for tables and queries.",
  options: [...COMMON_OPTIONS, METRICS_PORT],
  run: (args) => runStageProcess({ name: "sink-clickhouse", config: configFor(args, telemetryPort(args)), serveTelemetry: true, build: [createClickHouseSink] }),
};

export const sinkWebhookCommand: Command = {
  name: "sink-webhook",
  summary: "evaluate budgets and deliver alerts to Slack or any webhook (signed)",
  usage: "kce sink-webhook [options]",
  details: "Configure budgets and sinks.webhook.targets. See sinks/webhook/README.md.",
  options: [...COMMON_OPTIONS, METRICS_PORT],
  run: (args) => runStageProcess({ name: "sink-webhook", config: configFor(args, telemetryPort(args)), serveTelemetry: true, build: [createWebhookSink] }),
};

/** The central stages `kce all` runs: the pipeline, the sinks that are enabled, and the API. */
export function centralStages(config: Config): Array<(rt: Runtime) => Promise<Stage> | Stage> {
  const stages: Array<(rt: Runtime) => Promise<Stage> | Stage> = [(rt) => createPricer(rt), createRollup, createSavings, createPrometheusSink];
  if (config.sinks.clickhouse.enabled) stages.push(createClickHouseSink);
  if (config.sinks.webhook.enabled) stages.push(createWebhookSink);
  if (config.reconcile.enabled) stages.push(createReconcileStage);
  if (config.anomalies.enabled) stages.push(createAnomalies);
  if (config.export.focus.enabled) stages.push(createFocusExport);
  stages.push(createApi);
  return stages;
}

export const allCommand: Command = {
  name: "all",
  summary: "run every central stage in one process: pricer, rollup, savings, anomalies, sinks (prometheus; clickhouse and webhook when enabled), api",
  usage: "kce all [options]",
  details: "For small clusters and trials. The stages share one NATS connection and one /metrics endpoint.",
  options: [...COMMON_OPTIONS, PORT, API_PORT],
  run: (args) => {
    const config = configFor(args, { ...sinkPort(args), ...apiPort(args) });
    return runStageProcess({
      name: "all",
      config,
      serveTelemetry: false,
      build: centralStages(config),
    });
  },
};

export const agentCommand: Command = {
  name: "agent",
  summary: "the node agent: sample this node's kubelet and publish usage (→ KCE_USAGE)",
  usage: "kce agent --node NAME [options]",
  details:
    "Runs on every node (DaemonSet). The node name comes from --node, agent.node or KCE_AGENT__NODE\n" +
    "(set it from the downward API: spec.nodeName). Kubernetes access: --kube-server, a kubeconfig,\n" +
    "or in-cluster service-account credentials.",
  options: [
    ...COMMON_OPTIONS,
    METRICS_PORT,
    { name: "node", value: "NAME", description: "the node this agent reports (agent.node)" },
    { name: "kube-server", value: "URL", description: "Kubernetes API URL (agent.kubernetes.server)" },
    { name: "kubeconfig", value: "FILE", description: "kubeconfig file (agent.kubernetes.kubeconfig)" },
    { name: "interval", value: "SECONDS", description: "publish interval (agent.intervalSeconds, default 60)" },
  ],
  run: (args) => {
    const agent: Record<string, unknown> = {};
    const node = stringOption(args, "node");
    if (node !== undefined) agent["node"] = node;
    const server = stringOption(args, "kube-server");
    const kubeconfig = stringOption(args, "kubeconfig");
    if (server !== undefined || kubeconfig !== undefined) agent["kubernetes"] = { ...(server === undefined ? {} : { server }), ...(kubeconfig === undefined ? {} : { kubeconfig }) };
    const interval = numberOption(args, "interval", 1, 3600);
    if (interval !== undefined) agent["intervalSeconds"] = interval;
    const config = configFor(args, { agent, ...telemetryPort(args) });
    const nodeName = config.agent.node;
    if (nodeName === undefined) throw new ConfigError("agent.node", "the node name is required: pass --node or set KCE_AGENT__NODE");
    return runStageProcess({
      name: "agent",
      config,
      serveTelemetry: true,
      build: [
        async (rt) => {
          // @kubernetes/client-node takes most of a second to load: only the agent pays for it.
          const { NodeAgent } = await import("../../agents/node/agent.ts");
          const { KubeSource, kubeAccessFrom } = await import("../../agents/node/kube.ts");
          return new NodeAgent(rt, new KubeSource(kubeAccessFrom(config.agent.kubernetes)), { nodeName });
        },
      ],
    });
  },
};
