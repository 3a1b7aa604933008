import type { Outgoing } from "../bus/publisher.ts";
import type { Runtime } from "../bus/runtime.ts";
import { snapshotId, subjects } from "../bus/subjects.ts";
import { startFederation } from "../testkit/federation.ts";
import { openTestRuntime, waitFor } from "../testkit/index.ts";
import { publishAll, syntheticSnapshot } from "./synth.ts";

function encodeBatch(rt: Runtime, cluster: string, nodes: number, windows: number, pods: number, base: number): Outgoing[] {
  const out: Outgoing[] = [];
  for (let w = 0; w < windows; w++) {
    for (let n = 0; n < nodes; n++) {
      const s = syntheticSnapshot(cluster, n, base + w * 60_000, pods);
      out.push({ subject: subjects.usage(cluster, s.node), msgId: snapshotId(cluster, s.node, s.windowStartMs), ...rt.codecs.usage.encode(s) });
    }
  }
  return out;
}

const mb = (bytes: number) => bytes / 2 ** 20;

/**
 * Events per second from N leaves into the hub through stream sourcing, and the catch-up rate
 * after an outage of the hub: every leaf keeps accepting its agents' snapshots while the hub is
 * down; the hub then copies the backlog.
 */
export async function benchFederation(clusters = 3, nodes = 100, pods = 100, liveWindows = 10, outageMinutes = 5, outageNodes = 1000): Promise<string[]> {
  const names = ["east", "west", "north", "south", "central"].slice(0, clusters);
  const fed = await startFederation(names);
  const leaves = new Map<string, Runtime>();
  const hub = await openTestRuntime(fed.config("hub", { streams: { maxAgeHours: { usage: 48 } } }), "bench-hub");
  const lines = [`## Federation: ${clusters} leaves → hub (stream sourcing), ${nodes} nodes × ${pods} pods per cluster`, ""];
  try {
    for (const c of names) leaves.set(c, await openTestRuntime(fed.config(c), `bench-leaf-${c}`));
    const hubCount = async () => (await hub.jsm.streams.info("KCE_USAGE")).state.messages;
    const base = Math.floor(Date.now() / 60_000) * 60_000 - 3 * 3600_000;

    // Live: the hub is up while agents publish.
    const live = names.map((c) => encodeBatch(leaves.get(c) as Runtime, c, nodes, liveWindows, pods, base));
    const liveCount = live.reduce((a, b) => a + b.length, 0);
    const liveBytes = live.flat().reduce((a, e) => a + e.data.byteLength, 0);
    let t0 = performance.now();
    await Promise.all(names.map((c, i) => publishAll((leaves.get(c) as Runtime).publisher, live[i] ?? [], 64)));
    const tPublished = performance.now() - t0;
    const tLive = await waitFor("live events at the hub", async () => ((await hubCount()) >= liveCount ? performance.now() - t0 : undefined), 600_000, 20);
    lines.push(
      `| live: ${liveCount} snapshots (${mb(liveBytes).toFixed(0)} MiB) published on ${clusters} leaves at once | at the leaves in ${(tPublished / 1000).toFixed(1)} s | all at the hub in ${(tLive / 1000).toFixed(1)} s | **${Math.round(liveCount / (tLive / 1000))} events/s** (${(mb(liveBytes) / (tLive / 1000)).toFixed(1)} MiB/s) |`,
    );

    // Outage: the hub is down for `outageMinutes` of agent publishing (one snapshot per node per minute).
    await fed.hub.stop({ keepStore: true });
    const backlog = names.map((c) => encodeBatch(leaves.get(c) as Runtime, c, outageNodes, outageMinutes, pods, base + liveWindows * 60_000));
    const backlogCount = backlog.reduce((a, b) => a + b.length, 0);
    const backlogBytes = backlog.flat().reduce((a, e) => a + e.data.byteLength, 0);
    await Promise.all(names.map((c, i) => publishAll((leaves.get(c) as Runtime).publisher, backlog[i] ?? [], 64)));
    t0 = performance.now();
    await fed.hub.restart();
    const tUp = performance.now() - t0;
    const tFirst = await waitFor("the first backlog event at the hub", async () => ((await hubCount()) > liveCount ? performance.now() - t0 : undefined), 600_000, 10);
    const tCaught = await waitFor("backlog at the hub", async () => ((await hubCount()) >= liveCount + backlogCount ? performance.now() - t0 : undefined), 600_000, 10);
    const exact = (await hubCount()) === liveCount + backlogCount;
    lines.push(
      `| outage: ${outageMinutes} min of ${clusters} × ${outageNodes} nodes = ${backlogCount} snapshots (${mb(backlogBytes).toFixed(0)} MiB) held by the leaves | hub ready in ${(tUp / 1000).toFixed(1)} s | sourcing resumes ${(tFirst / 1000).toFixed(1)} s after restart | backlog copied ${((tCaught - tFirst) / 1000).toFixed(2)} s later: **${Math.round(backlogCount / Math.max(0.001, (tCaught - tFirst) / 1000))} events/s** (${(mb(backlogBytes) / Math.max(0.001, (tCaught - tFirst) / 1000)).toFixed(0)} MiB/s), ${exact ? "exact count" : "COUNT MISMATCH"} |`,
    );
    return lines;
  } finally {
    await hub.close();
    for (const rt of leaves.values()) await rt.close();
    await fed.stop();
  }
}
