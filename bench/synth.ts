import { labelFilter } from "../agents/node/labels.ts";
import { DEFAULT_POD_LABELS } from "../config/schema.ts";
import type { PodUsage, UsageSnapshot } from "../model/events.ts";

const keepLabels = labelFilter(DEFAULT_POD_LABELS);

const GiB = 2 ** 30;
export const NAMESPACES = ["production", "staging", "ml-training", "dev", "monitoring", "kube-system", "data", "web", "search", "payments"];

/** A synthetic node snapshot with `pods` pods spread over ten namespaces, ~15 labels per pod like real clusters. */
export function syntheticSnapshot(cluster: string, nodeIndex: number, windowStartMs: number, pods: number, windowSeconds = 60): UsageSnapshot {
  const podList: PodUsage[] = [];
  for (let i = 0; i < pods; i++) {
    const ns = NAMESPACES[(nodeIndex + i) % NAMESPACES.length] ?? "default";
    const app = `app-${(nodeIndex * 7 + i) % 120}`;
    const usage = 0.05 + ((i * 37) % 100) / 200;
    podList.push({
      namespace: ns,
      name: `${app}-7d9f8b6c5d-${nodeIndex}x${i}`,
      uid: `00000000-0000-4000-8000-${String(nodeIndex).padStart(6, "0")}${String(i).padStart(6, "0")}`,
      controllerKind: "Deployment",
      controllerName: app,
      // what an agent with the default agent.podLabels forwards of these pods' labels
      labels: keepLabels({
        app,
        team: `team-${i % 12}`,
        "app.kubernetes.io/name": app,
        "app.kubernetes.io/part-of": ns,
        "app.kubernetes.io/version": "1.4.2",
        "pod-template-hash": "7d9f8b6c5d",
        environment: ns === "production" ? "prod" : "nonprod",
      }),
      runningSeconds: windowSeconds,
      cpuRequestCores: 0.25,
      cpuLimitCores: 1,
      memoryRequestBytes: 512 * 2 ** 20,
      memoryLimitBytes: GiB,
      gpuRequest: 0,
      cpuUsageCores: usage,
      cpuCoreSeconds: usage * windowSeconds,
      containers: [],
      memoryWorkingSetAvgBytes: 300 * 2 ** 20,
      memoryWorkingSetMaxBytes: 350 * 2 ** 20,
      networkRxBytes: 1_000_000,
      networkTxBytes: 2_000_000,
      restarts: 0,
      claims: [],
    });
  }
  return {
    cluster,
    node: `ip-10-1-${Math.floor(nodeIndex / 250)}-${nodeIndex % 250}.ec2.internal`,
    windowStartMs,
    windowSeconds,
    sampledAtMs: windowStartMs + windowSeconds * 1000,
    agentVersion: "bench",
    backfilled: false,
    nodeInfo: {
      provider: "aws",
      providerId: `aws:///us-east-1a/i-${nodeIndex.toString(16).padStart(17, "0")}`,
      instanceType: nodeIndex % 3 === 0 ? "m5.xlarge" : "r5.xlarge",
      region: "us-east-1",
      zone: "us-east-1a",
      capacityType: nodeIndex % 2 === 0 ? "SPOT" : "ON_DEMAND",
      nodePool: "general",
      cpuCores: 64,
      memoryBytes: 256 * GiB,
      gpus: 0,
      gpuType: "",
    },
    pods: podList,
    volumes: [],
  };
}

/** Publishes every item with `concurrency` publishers in flight, each awaiting its PubAck, as agents do. */
export async function publishAll<T>(publisher: { publish(item: T): Promise<unknown> }, items: readonly T[], concurrency: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const item = items[next++];
        if (item !== undefined) await publisher.publish(item);
      }
    }),
  );
}
