import { backoffMs } from "../bus/backoff.ts";
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

/** NATS was away or restarting while a stage set itself up (a JetStream API call timed out, no responders, a dropped connection). */
function transient(error: unknown): boolean {
  const e = error as { name?: string; message?: string; code?: string | number } | null;
  const text = `${e?.name ?? ""} ${e?.message ?? ""} ${e?.code ?? ""}`;
  return /timeout|no responders|503|connection|disconnect|closed|reconnect/i.test(text);
}

/**
 * Runs a start-up step (connecting and provisioning the streams, building and starting a stage); when NATS
 * is away or restarting meanwhile (a JetStream API call times out), tries again with backoff until
 * `nats.startupWaitSeconds` — as a process started while NATS is down waits for it — instead of exiting on
 * the first timeout.
 */
async function retryingStartup<T>(what: string, step: () => Promise<T>, log: Logger, deadlineMs: number): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      if (!transient(error) || Date.now() >= deadlineMs) throw error;
      const waitMs = backoffMs(attempt, { baseMs: 500, maxMs: 5000 });
      log.warn(`${what} failed while NATS was unavailable; retrying`, { attempt, retryInMs: Math.round(waitMs), error });
      await new Promise((r) => setTimeout(r, waitMs));
    }
  }
}

async function startStage(factory: StageProcess["build"][number], rt: Runtime): Promise<Stage> {
  const stage = await factory(rt);
  try {
    await stage.start();
  } catch (error) {
    await stage.stop().catch(() => undefined);
    throw error;
  }
  return stage;
}

/** Runs stages until a signal: connect, start in order, stop in reverse order, drain. */
export async function runStageProcess(p: StageProcess): Promise<number> {
  const log = loggerFor(p.config);
  const telemetry = new Telemetry();
  const runtimes: Runtime[] = [];
  const started: Stage[] = [];
  let server: MetricsServer | undefined;
  try {
    const deadlineMs = Date.now() + p.config.nats.startupWaitSeconds * 1000;
    for (const factory of p.build) {
      const rt = await retryingStartup("connecting to NATS and provisioning the streams", () => openRuntime(p.config, `kce-${p.name}`, telemetry, log), log, deadlineMs);
      runtimes.push(rt);
      started.push(await retryingStartup("starting a stage", () => startStage(factory, rt), log, deadlineMs));
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
