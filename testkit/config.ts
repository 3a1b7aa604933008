import { tempDir } from "./tempdir.ts";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { deepMerge, validateConfig } from "../config/load.ts";
import type { Config } from "../config/schema.ts";

/** Settings every test config shares: short windows, quick retries, quiet logs, free ports. */
export const TEST_SETTINGS: Record<string, unknown> = {
  streams: { duplicateWindowSeconds: 120 },
  telemetry: { logLevel: "error" },
  consumer: { ackWaitSeconds: 10, nakDelayMs: 200 },
  rollup: { checkpointIntervalSeconds: 1, emitIntervalSeconds: { "1m": 1, "1h": 1, "1d": 1 }, lease: { seconds: 10 } },
  sinks: { prometheus: { port: 0, host: "127.0.0.1" } },
  api: { port: 0, host: "127.0.0.1" },
};

/** Raw config for tests: the given NATS server and the shared test settings. */
export function testRawConfig(natsUrl: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return deepMerge({ cluster: "test", nats: { servers: [natsUrl] }, ...TEST_SETTINGS }, overrides);
}

/** A validated test config. */
export function testConfig(natsUrl: string, overrides: Record<string, unknown> = {}): Config {
  return validateConfig(testRawConfig(natsUrl, overrides));
}

/** Writes a raw config to a temp YAML file (for stages run as child processes). */
export function writeConfigFile(raw: Record<string, unknown>): string {
  const dir = tempDir("kce-config-");
  const path = join(dir, "config.yaml");
  writeFileSync(path, stringify(raw));
  return path;
}
