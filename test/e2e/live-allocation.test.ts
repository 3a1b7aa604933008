/**
 * `/allocation` is seconds fresh although the rollup republishes an open hour only every `emitIntervalSeconds.1h`
 * (here an hour, so only the first revision goes out): the rollup publishes the rows that changed every
 * `liveIntervalSeconds` on core NATS and the query API lays them over the revision it holds — through a real
 * nats-server, the real pricer, rollup and API, and real HTTP.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { createApi, type ApiStage } from "../../api/stage.ts";
import type { Runtime } from "../../bus/runtime.ts";
import { snapshotId, subjects } from "../../bus/subjects.ts";
import type { UsageSnapshot } from "../../model/events.ts";
import { readPriceSnapshot, SnapshotPriceBook } from "../../pricing/snapshot/snapshot.ts";
import { priceSnapshot } from "../../processors/pricer/cost-model.ts";
import { createPricer } from "../../processors/pricer/stage.ts";
import { createRollup } from "../../processors/rollup/stage.ts";
import { emptyTotals } from "../../model/cost-totals.ts";
import { podUsage, usageSnapshot } from "../../testkit/fixtures.ts";
import { openTestRuntime, startInProcess, startNatsServer, testConfig, waitFor, type InProcessStages, type NatsServerHandle } from "../../testkit/index.ts";

const CLUSTER = "live";
const MINUTE = 60_000;
let nats: NatsServerHandle;
let rt: Runtime;
let stages: InProcessStages | undefined;
let api: ApiStage | undefined;
let book: SnapshotPriceBook;

beforeAll(async () => {
  nats = await startNatsServer();
  const config = testConfig(nats.url, { cluster: CLUSTER, rollup: { emitIntervalSeconds: { "1m": 1, "1h": 3600, "1d": 3600 }, liveIntervalSeconds: 1 } });
  book = new SnapshotPriceBook(readPriceSnapshot(), config.pricing);
  rt = await openTestRuntime(config, "live-allocation-test");
  stages = await startInProcess(config, "live-allocation-stage", [(r: Runtime) => createPricer(r, book), createRollup, (r: Runtime) => (api = createApi(r))]);
}, 60_000);

afterAll(async () => {
  await stages?.stop();
  await rt?.close();
  await nats?.stop();
});

async function publish(s: UsageSnapshot): Promise<void> {
  const { data, headers } = rt.codecs.usage.encode(s);
  await rt.js.publish(subjects.usage(s.cluster, s.node), data, { headers, msgID: snapshotId(s.cluster, s.node, s.windowStartMs) });
}

async function namespaceCost(ns: string): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${api?.port ?? 0}/allocation?window=3h&aggregate=namespace&accumulate=true&idle=false`);
  const body = (await res.json()) as { data: Array<Record<string, { totalCost: number }>> };
  return body.data[0]?.[ns]?.totalCost ?? 0;
}

it("shows each new snapshot's cost within seconds, between the hour's revisions, and exactly", async () => {
  // Minutes inside the current hour, so one 1h window holds them all.
  const hourStart = Math.floor(Date.now() / 3_600_000) * 3_600_000;
  const first = Math.max(hourStart, Math.floor(Date.now() / MINUTE) * MINUTE - 4 * MINUTE);
  const snapshot = (minute: number) =>
    usageSnapshot({ cluster: CLUSTER, node: "n0", windowStartMs: first + minute * MINUTE, sampledAtMs: first + (minute + 1) * MINUTE, pods: [podUsage({ uid: "web-0", name: "web-0" })] });
  let expected = 0;
  for (const minute of [0, 1, 2]) {
    const s = snapshot(minute);
    expected += priceSnapshot(s, book, rt.config.pricing, 0).pods.reduce((sum, p) => sum + p.totalCost, 0);
    const published = Date.now();
    await publish(s);
    const seen = await waitFor(`minute ${minute} in /allocation`, async () => (Math.abs((await namespaceCost("alpha")) - expected) < 1e-9 ? Date.now() : undefined), 15_000, 100);
    // The hour's next revision is an hour away: only a live update can have brought minutes 1 and 2.
    expect(seen - published).toBeLessThan(10_000);
  }
  expect(api?.index.liveWindows).toBe(1);
}, 60_000);

it("refuses a live update whose subject names another cluster than its payload", async () => {
  const before = await namespaceCost("alpha");
  const hourStart = Math.floor(Date.now() / 3_600_000) * 3_600_000;
  const forged = {
    resolution: "1h", cluster: CLUSTER, windowStartMs: hourStart, windowEndMs: hourStart + 3_600_000, rev: Date.now() + 60_000, final: false, snapshotCount: 99, part: 0, parts: 1,
    rows: [{ dimension: "pod" as const, namespace: "alpha", controllerKind: "", controllerName: "", labelKey: "", labelValue: "", pod: "web-0", podUid: "web-0", node: "n0", labels: {}, podCount: 1, ...emptyTotals(), totalCost: 1e6 }],
    nodes: [], volumes: [],
  };
  const { data, headers } = rt.codecs.rollup.encode(forged);
  rt.nc.publish(subjects.liveRollup("1h", "another-cluster", hourStart, 0), data, { headers });
  await rt.nc.flush();
  await new Promise((r) => setTimeout(r, 1500));
  expect(await namespaceCost("alpha")).toBe(before);
  // The same update on its own cluster's subject is taken (so the refusal above was the subject's doing).
  rt.nc.publish(subjects.liveRollup("1h", CLUSTER, hourStart, 0), data, { headers });
  await waitFor("the update on its own subject", async () => ((await namespaceCost("alpha")) >= 1e6 ? true : undefined), 10_000, 100);
});
