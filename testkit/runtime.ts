import { openRuntime, type Runtime } from "../bus/runtime.ts";
import type { Config } from "../config/schema.ts";
import { createLogger, silentLogger, type Logger } from "../telemetry/log.ts";
import { Telemetry } from "../telemetry/metrics.ts";

/** A runtime for tests; logs only when KCE_TEST_LOG is set. */
export function openTestRuntime(config: Config, name = "kce-test"): Promise<Runtime> {
  const log: Logger = process.env["KCE_TEST_LOG"] === undefined ? silentLogger : createLogger({ level: "debug" });
  return openRuntime(config, name, new Telemetry(), log);
}
