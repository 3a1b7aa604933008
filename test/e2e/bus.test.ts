import { Kvm } from "@nats-io/kv";
import { connect } from "@nats-io/transport-node";
import avro from "avsc";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DLQ_HEADERS, DeadLetters } from "../../bus/dlq.ts";
import { PoisonMessageError } from "../../bus/errors.ts";
import type { Runtime } from "../../bus/runtime.ts";
import { SCHEMA_BUCKET } from "../../bus/runtime.ts";
import { StageRunner } from "../../bus/stage.ts";
import { ensureStreams } from "../../bus/streams.ts";
import { EventCodec } from "../../codec/codec.ts";
import { loadSchemaFile, SchemaRegistry } from "../../codec/registry.ts";
import { silentLogger } from "../../telemetry/log.ts";
import { Telemetry } from "../../telemetry/metrics.ts";
import { openTestRuntime, readStream, startNatsServer, testConfig, waitFor, type NatsServerHandle } from "../../testkit/index.ts";
import { usageSnapshot } from "../../testkit/fixtures.ts";

let nats: NatsServerHandle;
let rt: Runtime;

beforeAll(async () => {
  nats = await startNatsServer();
  rt = await openTestRuntime(testConfig(nats.url));
});

afterAll(async () => {
  await rt?.close();
  await nats?.stop();
});

describe("bus plumbing on a real nats-server", () => {
  it("provisions the streams idempotently and applies changed limits", async () => {
    const names = ["KCE_USAGE", "KCE_PRICED", "KCE_ROLLUP", "KCE_SAVINGS", "KCE_DLQ"];
    for (const name of names) expect((await rt.jsm.streams.info(name)).config.subjects).toHaveLength(1);
    await ensureStreams(rt.jsm, { ...rt.config, streams: { ...rt.config.streams, maxAgeHours: { ...rt.config.streams.maxAgeHours, dlq: 12 } } });
    await ensureStreams(rt.jsm, { ...rt.config, streams: { ...rt.config.streams, maxAgeHours: { ...rt.config.streams.maxAgeHours, dlq: 12 } } });
    expect((await rt.jsm.streams.info("KCE_DLQ")).config.max_age).toBe(12 * 3600 * 1e9);
  });

  it("runs a stage: good input acked, poison dead-lettered with its reason, transient failures retried, exhausted ones dead-lettered", async () => {
    const telemetry = new Telemetry();
    const seen = new Map<string, number>();
    const done = new Set<string>();
    const runner = new StageRunner(
      { spec: { stream: "KCE_SAVINGS", durable: "bus-test", filterSubject: "kce.savings.bus.>", maxInFlight: 16, ackWaitSeconds: 5 }, concurrency: 4, maxDeliver: 3, nakDelayMs: 50 },
      { js: rt.js, jsm: rt.jsm, dlq: new DeadLetters(rt.publisher, "bus-test"), metrics: telemetry.component("bus-test"), log: silentLogger },
      async (msg) => {
        const body = msg.string();
        seen.set(body, (seen.get(body) ?? 0) + 1);
        if (body === "poison") throw new PoisonMessageError("test_poison", "this one is bad");
        if (body === "flaky" && (seen.get(body) ?? 0) < 2) throw new Error("try again");
        if (body === "broken") throw new Error("always fails");
        done.add(body);
        return "ack";
      },
    );
    await runner.start();
    for (const body of ["a", "poison", "flaky", "broken", "b"]) {
      await rt.js.publish("kce.savings.bus.x", new TextEncoder().encode(body), { msgID: `bus-${body}` });
    }
    await waitFor("good messages processed", () => done.has("a") && done.has("b") && done.has("flaky"));
    const dlq = await waitFor("two dead letters", async () => {
      const msgs = await readStream(rt.js, rt.jsm, "KCE_DLQ", "kce.dlq.bus-test");
      return msgs.length === 2 ? msgs : undefined;
    });
    const byReason = new Map(dlq.map((m) => [m.headers?.get(DLQ_HEADERS.reason), m]));
    expect(byReason.get("test_poison")?.string()).toBe("poison");
    expect(byReason.get("test_poison")?.headers?.get(DLQ_HEADERS.subject)).toBe("kce.savings.bus.x");
    expect(byReason.get("max_deliveries")?.string()).toBe("broken");
    expect(seen.get("broken")).toBe(3);
    expect(seen.get("poison")).toBe(1);
    await runner.stop();
    await waitFor("no unacked messages left", async () => (await rt.jsm.consumers.info("KCE_SAVINGS", "bus-test")).num_ack_pending === 0);
    expect(await telemetry.render()).toMatch(/kube_cost_errors_total\{component="bus-test",error_type="test_poison"\} 1/);
  });

  it("lets a reader resolve a writer schema it does not ship, through the shared KV registry", async () => {
    const v1 = loadSchemaFile("UsageSnapshot.avsc");
    const schema = v1.schema() as { fields: unknown[] } & Record<string, unknown>;
    const v2 = avro.Type.forSchema({ ...schema, fields: [...schema.fields, { name: "zone2", type: "string", default: "" }] } as avro.Schema);
    const nc = await connect({ servers: nats.url });
    const kv = await new Kvm(nc).open(SCHEMA_BUCKET);
    const writerRegistry = new SchemaRegistry(kv);
    await writerRegistry.publish(v2);
    const { data, headers: h } = new EventCodec(v2, writerRegistry).encode({ ...usageSnapshot(), zone2: "z" });
    const reader = new EventCodec<Record<string, unknown>>(v1, new SchemaRegistry(kv));
    expect((await reader.decode(data, h))["node"]).toBe("node-a");
    await nc.close();
  });
});
