import { openRuntime, type Runtime } from "../bus/runtime.ts";
import type { Stage } from "../bus/stage-types.ts";
import { deepMerge, loadConfig } from "../config/load.ts";
import type { Config } from "../config/schema.ts";
import { startMetricsServer, type MetricsServer } from "../telemetry/http.ts";
import { createLogger, type Logger } from "../telemetry/log.ts";
import { Telemetry } from "../telemetry/metrics.ts";
import { stringOption, type ParsedArgs } from "./args.ts";
import { commonOverrides } from "./overrides.ts";

/** Resolves on the first SIGINT/SIGTERM; a second one exits at once. */
export function waitForSignal(): Promise<string> {
  return new Promise((resolve) => {
    const onSignal = (signal: string) => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      process.once("SIGINT", () => process.exit(130));
      resolve(signal);
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  });
}

/** Loads and validates the config for a command: file, env, then command-line overrides. */
export function configFor(args: ParsedArgs, extra: Record<string, unknown> = {}): Config {
  return loadConfig({ file: stringOption(args, "config"), overrides: deepMerge(commonOverrides(args), extra) });
}

export function loggerFor(config: Config): Logger {
  return createLogger({ level: config.telemetry.logLevel, format: config.telemetry.logFormat });
}

export interface StageProcess {
  name: string;
  config: Config;
  /**
   * One factory per stage. Each stage gets its own NATS connection: on a shared one, a stage moving
   * megabytes (rollup revisions with every pod) would hold up the others' acks behind its bytes.
   */
  build: Array<(rt: Runtime) => Promise<Stage> | Stage>;
  /** Serve self-metrics on telemetry.port (stages without their own /metrics). */
  serveTelemetry: boolean;
}

/** Runs stages until a signal: connect, start in order, stop in reverse order, drain. */
export async function runStageProcess(p: StageProcess): Promise<number> {
  const log = loggerFor(p.config);
  const telemetry = new Telemetry();
  const runtimes: Runtime[] = [];
  const started: Stage[] = [];
  let server: MetricsServer | undefined;
  try {
    for (const factory of p.build) {
      const rt = await openRuntime(p.config, `kce-${p.name}`, telemetry, log);
      runtimes.push(rt);
      const stage = await factory(rt);
      await stage.start();
      started.push(stage);
    }
    const t = p.config.telemetry;
    if (p.serveTelemetry && t.port > 0) {
      server = await startMetricsServer({ host: t.host, port: t.port, path: "/metrics", render: () => telemetry.render(), security: p.config.http });
      log.info("self-metrics served", { url: `http://${t.host}:${server.port}/metrics` });
    }
    log.info(`kce ${p.name} running`, { stages: started.map((s) => s.name).join(","), nats: p.config.nats.servers.join(",") });
    const signal = await waitForSignal();
    log.info("stopping", { signal });
  } finally {
    for (const stage of started.reverse()) {
      await stage.stop().catch((error: unknown) => log.error("stop failed", { stage: stage.name, error }));
    }
    await server?.close();
    for (const rt of runtimes) await rt.close();
  }
  return 0;
}
