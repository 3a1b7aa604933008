/**
 * The test kit: real components for tests. Every suite starts its own nats-server on a free port
 * with a temp store (never the shared one on 4222), its own simulator and its own stages.
 */
export { startNatsServer, type NatsServerHandle } from "../local/nats-server.ts";
export { freePort } from "../local/ports.ts";
export { testConfig, testRawConfig, writeConfigFile } from "./config.ts";
export { openTestRuntime, startInProcess, type InProcessStages } from "./runtime.ts";
export { waitFor } from "./wait.ts";
export { readStream } from "./stream.ts";
export { scrape, sample, type Sample } from "./scrape.ts";
export { spawnKce, type KceProcess } from "./process.ts";
export { startPrometheus, type PrometheusHandle, type PromSample } from "./prometheus.ts";
