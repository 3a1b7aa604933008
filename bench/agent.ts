import { validateConfig } from "../config/load.ts";
import { scenarioSchema } from "../sim/scenario.ts";
import { startSim } from "../sim/server.ts";
import { openTestRuntime, readStream, spawnKce, startNatsServer, waitFor, writeConfigFile } from "../testkit/index.ts";
import { testRawConfig } from "../testkit/config.ts";
import { cpuSecondsOf, rssMb } from "./stats.ts";
import { AGENT_NODE_FLAGS, commandEnv } from "../install/objects.ts";
import { buildDist, DIST } from "../scripts/build.ts";
import { join } from "node:path";

/**
 * Memory of one `kce agent` process (the DaemonSet pod) on a node with `pods` pods and volumes, against a
 * simulated API server and kubelet, publishing to a real nats-server every `intervalSeconds`; RSS sampled
 * every second for `seconds`. The goal (issue 16) is ≤ 64 MB at 110 pods.
 */
export async function benchAgent(pods = 110, seconds = 60, intervalSeconds = 5, nodeArgs: string[] = AGENT_NODE_FLAGS, main: "dist" | "sources" = "dist", env: Record<string, string> = commandEnv("agent")): Promise<string[]> {
  const node = "node-1.bench.internal";
  const scenario = scenarioSchema.parse({
    cluster: "bench",
    nodes: [{ name: node, instanceType: "m5.4xlarge", region: "us-east-1", zone: "us-east-1a", cpu: 16, memory: "64Gi" }],
    workloads: [
      { kind: "Deployment", name: "web", namespace: "shop", replicas: pods - 10, labels: { app: "web", team: "shop" }, containers: [{ name: "web", requests: { cpu: "50m", memory: "64Mi" }, usage: { cpu: "20m", memory: "48Mi" } }] },
      { kind: "StatefulSet", name: "db", namespace: "shop", replicas: 10, volumeClaim: { storageClass: "gp3", size: "10Gi" }, containers: [{ name: "db", requests: { cpu: "100m", memory: "128Mi" }, usage: { cpu: "50m", memory: "100Mi" } }] },
    ],
  });
  const nats = await startNatsServer();
  const sim = await startSim({ scenario });
  const raw = testRawConfig(nats.url, { cluster: "bench", agent: { intervalSeconds, samplesPerInterval: 2 } });
  const rt = await openTestRuntime(validateConfig(raw), "kce-bench-agent");
  // As the DaemonSet runs it: the built CLI (npm run build) with its node flags.
  const entry = main === "dist" ? join(DIST, "main.js") : undefined;
  if (entry !== undefined) await buildDist();
  const agent = spawnKce(["agent", "--config", writeConfigFile(raw), "--node", node, "--kube-server", sim.url], env, nodeArgs, ...(entry === undefined ? [] : [entry]));
  try {
    await waitFor("the agent's first snapshot", async () => (await readStream(rt.js, rt.jsm, "KCE_USAGE")).length > 0 || undefined, 60_000, 500).catch((error: unknown) => {
      throw new Error(`${String(error)}\nagent output:\n${agent.output().slice(-2000)}`);
    });
    const samples: number[] = [];
    const cpuBefore = cpuSecondsOf(agent.pid);
    for (let i = 0; i < seconds; i++) {
      samples.push(rssMb(agent.pid));
      await new Promise((r) => setTimeout(r, 1000));
    }
    const cpu = cpuSecondsOf(agent.pid) - cpuBefore;
    const published = (await readStream(rt.js, rt.jsm, "KCE_USAGE")).length;
    const sorted = [...samples].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)] ?? NaN;
    return [
      `agent memory: 1 node, ${pods} pods (10 with volumes), ${intervalSeconds} s interval, ${seconds} s sampled, ${published} snapshots published; ${Object.entries(env).map(([k, v]) => `${k}=${v} `).join("")}node ${nodeArgs.join(" ") || "(default flags)"} ${main === "dist" ? "dist/main.js (built)" : "cli/main.ts (sources)"}`,
      `  RSS median ${median.toFixed(1)} MB, max ${Math.max(...samples).toFixed(1)} MB, first ${samples[0]?.toFixed(1)} MB, last ${samples.at(-1)?.toFixed(1)} MB (goal ≤ 64 MB); CPU ${cpu.toFixed(2)} s in ${seconds} s (${((cpu / seconds) * 100).toFixed(1)} % of a core)`,
    ];
  } finally {
    await agent.stop();
    await rt.close();
    await sim.close();
    await nats.stop();
  }
}
