/**
 * The rollup acks its inputs only once a checkpoint holds them. While checkpoints fail (here: its object store is
 * deleted under it, a real JetStream failure), the inputs must not come back after the ack wait to be folded again as
 * duplicates — a saturated rollup whose checkpoints time out would spiral — and once a checkpoint succeeds again they
 * are all acked.
 */
import { Objm } from "@nats-io/obj";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Runtime } from "../../bus/runtime.ts";
import { snapshotId, subjects } from "../../bus/subjects.ts";
import { readPriceSnapshot, SnapshotPriceBook } from "../../pricing/snapshot/snapshot.ts";
import { createPricer } from "../../processors/pricer/stage.ts";
import { createRollup } from "../../processors/rollup/stage.ts";
import { podUsage, usageSnapshot } from "../../testkit/fixtures.ts";
import { openTestRuntime, startInProcess, startNatsServer, testConfig, waitFor, type InProcessStages, type NatsServerHandle } from "../../testkit/index.ts";

const CLUSTER = "ckpt";
const MINUTE = 60_000;
const BUCKET = "KCE_ROLLUP_STATE";
let nats: NatsServerHandle;
let rt: Runtime;
let stages: InProcessStages | undefined;

beforeAll(async () => {
  nats = await startNatsServer();
  // The rollup's ack wait is max(consumer.ackWaitSeconds, 6 × checkpointIntervalSeconds) = 6 s.
  const config = testConfig(nats.url, { cluster: CLUSTER, consumer: { ackWaitSeconds: 2 }, rollup: { checkpointIntervalSeconds: 1, allowedLatenessSeconds: 600 } });
  rt = await openTestRuntime(config, "checkpoint-failure-test");
  stages = await startInProcess(config, "checkpoint-failure-stage", [(r: Runtime) => createPricer(r, new SnapshotPriceBook(readPriceSnapshot(), r.config.pricing)), createRollup]);
}, 60_000);

afterAll(async () => {
  await stages?.stop();
  await rt?.close();
  await nats?.stop();
});

const rollupConsumer = () => rt.jsm.consumers.info("KCE_PRICED", "kce-rollup");

it("keeps inputs from coming back while checkpoints fail, and acks them all once one succeeds", async () => {
  await (await new Objm(rt.nc).open(BUCKET)).destroy();
  const start = Math.floor(Date.now() / MINUTE) * MINUTE - 5 * MINUTE;
  const inputs = 12;
  for (let i = 0; i < inputs; i++) {
    const s = usageSnapshot({ cluster: CLUSTER, node: `n${i % 4}`, windowStartMs: start + Math.floor(i / 4) * MINUTE, sampledAtMs: start + (Math.floor(i / 4) + 1) * MINUTE, pods: [podUsage({ uid: `p${i % 4}`, name: `p${i % 4}` })] });
    const { data, headers } = rt.codecs.usage.encode(s);
    await rt.js.publish(subjects.usage(s.cluster, s.node), data, { headers, msgID: snapshotId(s.cluster, s.node, s.windowStartMs) });
  }
  await waitFor("the rollup to receive every priced input", async () => (await rollupConsumer()).delivered.consumer_seq >= inputs, 20_000, 200);

  // Two ack waits with every checkpoint failing: nothing is delivered twice.
  await new Promise((r) => setTimeout(r, 13_000));
  const failing = await rollupConsumer();
  expect(failing.num_ack_pending).toBe(inputs);
  expect(failing.delivered.consumer_seq).toBe(inputs);
  expect(failing.num_redelivered).toBe(0);

  // The bucket back: the next checkpoint holds them, and they are acked.
  await new Objm(rt.nc).create(BUCKET);
  await waitFor("every input acked after a checkpoint", async () => (await rollupConsumer()).num_ack_pending === 0, 20_000, 250);
  expect((await rollupConsumer()).delivered.consumer_seq).toBe(inputs);
}, 60_000);
