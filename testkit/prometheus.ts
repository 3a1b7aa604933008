import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { freePort } from "../local/ports.ts";
import { tempDir } from "./tempdir.ts";
import { spawnServer, waitHttpReady } from "./server-process.ts";

export interface PrometheusOptions {
  /** host:port targets scraped as job "kube-cost-exporter". */
  targets: string[];
  ruleFiles?: string[];
  intervalSeconds?: number;
  /** Keep the exporter's own `instance` label, as the ServiceMonitor `kce install` renders does (honorLabels). */
  honorLabels?: boolean;
}

export interface PromSample {
  labels: Record<string, string>;
  value: number;
}

export interface PrometheusHandle {
  readonly url: string;
  /** An instant PromQL query through the HTTP API. */
  query(promql: string): Promise<PromSample[]>;
  stop(): Promise<void>;
}

interface QueryResponse {
  status: string;
  error?: string;
  data?: { resultType: string; result: Array<{ metric: Record<string, string>; value: [number, string] }> };
}

/** Starts a private Prometheus (the Debian `prometheus` package) on a free loopback port. */
export async function startPrometheus(options: PrometheusOptions): Promise<PrometheusHandle> {
  const dir = tempDir("kce-prometheus-");
  const interval = `${options.intervalSeconds ?? 1}s`;
  const config = {
    global: { scrape_interval: interval, evaluation_interval: interval },
    rule_files: options.ruleFiles ?? [],
    scrape_configs: [{ job_name: "kube-cost-exporter", honor_labels: options.honorLabels ?? false, static_configs: [{ targets: options.targets }] }],
  };
  const configFile = join(dir, "prometheus.yml");
  writeFileSync(configFile, stringify(config));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = spawnServer("prometheus", [
    `--config.file=${configFile}`,
    `--storage.tsdb.path=${join(dir, "data")}`,
    `--web.listen-address=127.0.0.1:${port}`,
    "--log.level=warn",
  ], dir);
  await waitHttpReady("prometheus", `${url}/-/ready`, server, 30_000);
  return {
    url,
    query: async (promql) => {
      const response = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`);
      const body = (await response.json()) as QueryResponse;
      if (body.status !== "success" || body.data === undefined) throw new Error(`query ${promql} failed: ${body.error ?? response.status}`);
      return body.data.result.map((r) => ({ labels: r.metric, value: Number(r.value[1]) }));
    },
    stop: () => server.stop(),
  };
}
