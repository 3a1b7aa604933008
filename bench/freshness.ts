import { snapshotId, subjects } from "../bus/subjects.ts";
import { validateConfig } from "../config/load.ts";
import { freePort } from "../local/ports.ts";
import { openTestRuntime, spawnKce, startNatsServer, testRawConfig, waitFor, writeConfigFile } from "../testkit/index.ts";
import { percentile } from "./stats.ts";
import { syntheticSnapshot } from "./synth.ts";

/**
 * Freshness (issue 16): how long after an agent's PubAck a new cost shows — on `/metrics` (the pod's hourly
 * cost) and in `/allocation` (its cost over the last three hours) — for `kce all` with the default rollup intervals at
 * `nodes × pods` pods. Each round publishes the next minute's window of every node; one pod's CPU request
 * changes every round, and the clock runs from the PubAck of its node's snapshot until each surface shows it.
 */
export async function benchFreshness(nodes = 100, pods = 100, rounds = 30): Promise<string[]> {
  // The defaults (1h revisions every 30 s, live updates of the open hour every second), and without live updates (six
  // rounds: each waits for a revision).
  return [...(await freshnessRun(nodes, pods, rounds, 30, 1)), ...(await freshnessRun(nodes, pods, Math.min(rounds, 6), 30, 0))];
}

async function freshnessRun(nodes: number, pods: number, rounds: number, hourEmitSeconds: number, liveIntervalSeconds: number): Promise<string[]> {
  const nats = await startNatsServer();
  const [metricsPort, apiPort] = [await freePort(), await freePort()];
  // The production emit intervals and checkpoint period (the test kit shortens them to 1 s).
  const rollup = { checkpointIntervalSeconds: 5, emitIntervalSeconds: { "1m": 5, "1h": hourEmitSeconds, "1d": 300 }, liveIntervalSeconds };
  const raw = testRawConfig(nats.url, { cluster: "bench", telemetry: { logLevel: "info" }, rollup, sinks: { prometheus: { port: metricsPort } }, api: { port: apiPort } });
  const file = writeConfigFile(raw);
  const central = spawnKce(["all", "--config", file]);
  const rt = await openTestRuntime(validateConfig(raw), "kce-bench-freshness");
  const base = Math.floor(Date.now() / 60_000) * 60_000 - (rounds + 2) * 60_000;
  const marker = syntheticSnapshot("bench", 0, base, pods).pods[0]?.name ?? "";
  const metricsMs: number[] = [];
  const allocationMs: number[] = [];
  try {
    await waitFor("kce all to start", () => central.output().includes(" running"), 30_000);
    const markerHourly = async (): Promise<number | undefined> => {
      const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      const line = text.split("\n").find((l) => l.startsWith("kube_cost_pod_hourly_usd{") && l.includes(`pod="${marker}"`));
      return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(" ") + 1));
    };
    const markerTotal = async (): Promise<number> => {
      const res = await fetch(`http://127.0.0.1:${apiPort}/allocation?window=3h&aggregate=pod&accumulate=true&filter=${encodeURIComponent(`pod:"${marker}"`)}`);
      const body = (await res.json()) as { data?: Array<Record<string, { totalCost: number }>> };
      return Object.values(body.data?.[0] ?? {}).reduce((a, x) => a + x.totalCost, 0);
    };
    for (let r = 0; r < rounds; r++) {
      const windowStart = base + r * 60_000;
      const beforeHourly = await markerHourly();
      const beforeTotal = await markerTotal();
      let ackMs = 0;
      await Promise.all(
        Array.from({ length: nodes }, async (_, n) => {
          const s = syntheticSnapshot("bench", n, windowStart, pods);
          const first = s.pods[0];
          if (n === 0 && first !== undefined) first.cpuRequestCores = 0.25 + 0.05 * (r + 1);
          await rt.publisher.publish({ subject: subjects.usage(s.cluster, s.node), msgId: snapshotId(s.cluster, s.node, s.windowStartMs), ...rt.codecs.usage.encode(s) });
          if (n === 0) ackMs = performance.now();
        }),
      );
      const seenMetrics = await waitFor("the new cost on /metrics", async () => {
        const v = await markerHourly();
        return v !== undefined && v !== beforeHourly ? performance.now() : undefined;
      }, 60_000, 20);
      metricsMs.push(seenMetrics - ackMs);
      const seenAllocation = await waitFor("the new cost in /allocation", async () => ((await markerTotal()) > beforeTotal ? performance.now() : undefined), 120_000, 50);
      allocationMs.push(seenAllocation - ackMs);
    }
  } finally {
    await central.stop();
    await rt.close();
    await nats.stop();
  }
  const fmt = (xs: number[]) => `p50 ${(percentile(xs, 50) / 1000).toFixed(2)} s, p99 ${(percentile(xs, 99) / 1000).toFixed(2)} s (max ${(Math.max(...xs) / 1000).toFixed(2)} s)`;
  return [
    `freshness at ${(nodes * pods).toLocaleString("en-US")} pods (kce all; rollup.emitIntervalSeconds.1h = ${hourEmitSeconds} s, rollup.liveIntervalSeconds = ${liveIntervalSeconds} s${liveIntervalSeconds === 0 ? " (off)" : ""}), ${rounds} rounds, from the agent's PubAck:`,
    `  /metrics (kube_cost_pod_hourly_usd):  ${fmt(metricsMs)}`,
    `  /allocation (the pod's cost, 3h):     ${fmt(allocationMs)}`,
  ];
}
