import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Allocation } from "../../api/allocation.ts";
import { createApi, type ApiStage } from "../../api/stage.ts";
import { leafStreamName } from "../../bus/layout.ts";
import type { Runtime } from "../../bus/runtime.ts";
import type { Stage } from "../../bus/stage-types.ts";
import { snapshotId, subjects } from "../../bus/subjects.ts";
import { createPricer } from "../../processors/pricer/stage.ts";
import { createRollup } from "../../processors/rollup/stage.ts";
import { readPriceSnapshot, SnapshotPriceBook } from "../../pricing/snapshot/snapshot.ts";
import { nodeInfo, podUsage, usageSnapshot } from "../../testkit/fixtures.ts";
import { startFederation, type TestFederation } from "../../testkit/federation.ts";
import { openTestRuntime, readStream, waitFor } from "../../testkit/index.ts";

/**
 * Per-cluster mode: each cluster prices and rolls up on its own leaf; only results cross to the
 * hub, whose query API answers across clusters.
 */
let fed: TestFederation;
let hub: Runtime;
let api: ApiStage;
const stages: Stage[] = [];
const runtimes: Runtime[] = [];
const HOUR = 3_600_000;
const base = Math.floor(Date.now() / HOUR) * HOUR - HOUR;

beforeAll(async () => {
  fed = await startFederation(["east", "west"], "per-cluster");
  for (const c of ["east", "west"]) {
    const config = fed.config(c);
    for (const build of [(rt: Runtime) => createPricer(rt, new SnapshotPriceBook(readPriceSnapshot(), rt.config.pricing)), createRollup]) {
      const rt = await openTestRuntime(config, `leaf-${c}`);
      runtimes.push(rt);
      const stage = await build(rt);
      await stage.start();
      stages.push(stage);
    }
  }
  hub = await openTestRuntime(fed.config("hub"), "hub");
  api = createApi(hub);
  await api.start();
}, 60_000);

afterAll(async () => {
  await api?.stop();
  for (const s of stages.reverse()) await s.stop();
  for (const rt of runtimes) await rt.close();
  await hub?.close();
  await fed?.stop();
});

describe("federation in per-cluster mode", () => {
  it("rolls up in each cluster and answers /allocation across clusters at the hub", async () => {
    const expected = new Map<string, number>();
    for (const [i, cluster] of ["east", "west"].entries()) {
      const rt = runtimes[i * 2];
      if (rt === undefined) throw new Error("missing leaf runtime");
      for (let m = 0; m < 30; m++) {
        const start = base + m * 60_000;
        const s = usageSnapshot({
          cluster,
          node: `${cluster}-node`,
          windowStartMs: start,
          sampledAtMs: start + 60_000,
          nodeInfo: nodeInfo({ instanceType: cluster === "west" ? "r5.xlarge" : "m5.xlarge" }),
          pods: [podUsage({ namespace: "shop", name: "web", uid: `${cluster}-web` })],
        });
        const { data, headers } = rt.codecs.usage.encode(s);
        await rt.publisher.publish({ subject: subjects.usage(cluster, s.node), data, headers, msgId: snapshotId(cluster, s.node, start) });
      }
      await waitFor(`${cluster} priced locally`, async () => ((await rt.jsm.streams.info(leafStreamName("priced", cluster))).state.messages >= 30 ? true : undefined), 30_000, 100);
      const priced = await readStream(rt.js, rt.jsm, leafStreamName("priced", cluster));
      let total = 0;
      for (const m of priced) for (const pod of (await rt.codecs.priced.decode(m.data, m.headers)).pods) total += pod.totalCost;
      expected.set(cluster, total);
    }
    // Usage never leaves the cluster in this mode.
    expect((await hub.jsm.streams.info("KCE_USAGE")).state.messages).toBe(0);
    const window = `${new Date(base).toISOString()},${new Date(base + HOUR).toISOString()}`;
    const byCluster = await waitFor("the hub's API to hold both clusters' rollups", async () => {
      const body = (await (await fetch(`http://127.0.0.1:${api.port}/allocation?window=${window}&aggregate=cluster&accumulate=true&idle=false`)).json()) as { data: Array<Record<string, Allocation>> };
      const set = body.data[0] ?? {};
      const done = [...expected].every(([c, cost]) => Math.abs((set[c]?.totalCost ?? 0) - cost) / cost < 1e-9);
      return done ? set : undefined;
    }, 30_000, 500);
    expect(Object.keys(byCluster).sort()).toEqual(["east", "west"]);
  }, 60_000);
});
