import { openRuntime, type Runtime } from "../bus/runtime.ts";
import type { Stage } from "../bus/stage-types.ts";
import type { Config } from "../config/schema.ts";
import { createLogger, silentLogger, type Logger } from "../telemetry/log.ts";
import { Telemetry } from "../telemetry/metrics.ts";

/** A runtime for tests; logs only when KCE_TEST_LOG is set. */
export function openTestRuntime(config: Config, name = "kce-test"): Promise<Runtime> {
  const log: Logger = process.env["KCE_TEST_LOG"] === undefined ? silentLogger : createLogger({ level: "debug" });
  return openRuntime(config, name, new Telemetry(), log);
}

/** Stages started in this process, each on a runtime of its own (as `kce all` runs them). */
export interface InProcessStages {
  stop(): Promise<void>;
}

/** Builds and starts each stage on its own runtime; `stop` stops them in reverse order and closes their runtimes. */
export async function startInProcess(config: Config, name: string, builds: Array<(rt: Runtime) => Stage | Promise<Stage>>): Promise<InProcessStages> {
  const stages: Stage[] = [];
  const runtimes: Runtime[] = [];
  for (const build of builds) {
    const r = await openTestRuntime(config, name);
    runtimes.push(r);
    const stage = await build(r);
    await stage.start();
    stages.push(stage);
  }
  return {
    stop: async () => {
      for (const s of stages.reverse()) await s.stop();
      for (const r of runtimes) await r.close();
    },
  };
}
