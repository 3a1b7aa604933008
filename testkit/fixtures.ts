import { validateConfig } from "../config/load.ts";
import type { Config } from "../config/schema.ts";
import type { NodeInfo, PodUsage, SavingsReport, UsageSnapshot } from "../model/events.ts";

export const GiB = 2 ** 30;

/** The default configuration (OpenCost default rates, snapshot prices). */
export function defaultConfig(overrides: Record<string, unknown> = {}): Config {
  return validateConfig(overrides);
}

export function nodeInfo(overrides: Partial<NodeInfo> = {}): NodeInfo {
  return {
    provider: "aws",
    providerId: "aws:///us-east-1a/i-0000000000000001",
    instanceType: "m5.xlarge",
    region: "us-east-1",
    zone: "us-east-1a",
    capacityType: "ON_DEMAND",
    nodePool: "general",
    cpuCores: 4,
    memoryBytes: 16 * GiB,
    gpus: 0,
    gpuType: "",
    ...overrides,
  };
}

export function podUsage(overrides: Partial<PodUsage> = {}): PodUsage {
  const running = overrides.runningSeconds ?? 60;
  const cores = overrides.cpuUsageCores ?? 0.25;
  return {
    namespace: "alpha",
    name: "web-1",
    uid: "uid-web-1",
    controllerKind: "Deployment",
    controllerName: "web",
    labels: { team: "payments" },
    runningSeconds: running,
    cpuRequestCores: 0.5,
    cpuLimitCores: 1,
    memoryRequestBytes: GiB,
    memoryLimitBytes: 2 * GiB,
    gpuRequest: 0,
    cpuUsageCores: cores,
    cpuCoreSeconds: cores * running,
    memoryWorkingSetAvgBytes: GiB / 2,
    memoryWorkingSetMaxBytes: GiB / 2,
    networkRxBytes: 0,
    networkTxBytes: 0,
    restarts: 0,
    claims: [],
    containers: [],
    ...overrides,
  };
}

export function usageSnapshot(overrides: Partial<UsageSnapshot> = {}): UsageSnapshot {
  return {
    cluster: "test",
    node: "node-a",
    windowStartMs: 1_700_000_040_000,
    windowSeconds: 60,
    sampledAtMs: 1_700_000_100_000,
    agentVersion: "0.0.0-test",
    backfilled: false,
    nodeInfo: nodeInfo(),
    pods: [podUsage()],
    volumes: [],
    ...overrides,
  };
}

/** The i-th of a run of spot savings reports: `nodes` nodes, a new minute every `nodes` reports, `perReport` USD to one namespace. */
export function savingsReport(cluster: string, i: number, perReport = 1, namespace = "conformance", nodes = 50): SavingsReport {
  return {
    cluster, node: `node-${i % nodes}`, windowStartMs: Date.UTC(2026, 10, 1) + Math.floor(i / nodes) * 60_000, windowSeconds: 60, instanceType: "m5.large",
    capacityType: "SPOT", onDemandHourlyCost: 0.096, spotHourlyCost: 0.0365, priceSource: "snapshot", realisedSavings: perReport, potentialSavings: 0,
    byNamespace: [{ namespace, realisedSavings: perReport, potentialSavings: 0 }],
  };
}
