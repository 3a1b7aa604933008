import avro from "avsc";
import { describe, expect, it } from "vitest";
import { usageSnapshot } from "../testkit/fixtures.ts";
import { EventCodec, SCHEMA_HEADER } from "./codec.ts";
import { DecodeError, UnknownSchemaError } from "./errors.ts";
import { createCodecs, LEARNING_POD_FIELDS, RATES_POD_FIELDS, SAVINGS_POD_FIELDS } from "./events.ts";
import { loadSchemaFile, SchemaRegistry } from "./registry.ts";
import type { CostRollup, PricedSnapshot, SavingsReport } from "../model/events.ts";
import { priceSnapshot } from "../processors/pricer/cost-model.ts";
import { SnapshotPriceBook, readPriceSnapshot } from "../pricing/snapshot/snapshot.ts";
import { validateConfig } from "../config/load.ts";
import { savingsFor } from "../processors/savings/savings.ts";

function withExtraField(v1: avro.Type): avro.Type {
  const schema = v1.schema() as { fields: unknown[] } & Record<string, unknown>;
  return avro.Type.forSchema({ ...schema, fields: [...schema.fields, { name: "kernelVersion", type: "string", default: "unknown" }] } as avro.Schema);
}

describe("Avro codecs", () => {
  const codecs = createCodecs();

  it("round-trips every event type through its schema", async () => {
    const usage = usageSnapshot();
    const config = validateConfig({});
    const priced: PricedSnapshot = priceSnapshot(usage, new SnapshotPriceBook(readPriceSnapshot(), config.pricing), config.pricing, 1);
    const savings: SavingsReport = savingsFor(priced);
    const rollup: CostRollup = {
      resolution: "1h", cluster: "test", windowStartMs: 0, windowEndMs: 3_600_000, rev: 5, final: false, snapshotCount: 1, part: 0, parts: 1, rows: [], nodes: [], volumes: [],
    };
    for (const [codec, value] of [[codecs.usage, usage], [codecs.priced, priced], [codecs.savings, savings], [codecs.rollup, rollup]] as const) {
      const { data, headers } = (codec as EventCodec<unknown>).encode(value);
      expect(headers.get(SCHEMA_HEADER)).toMatch(/^kce\.\w+@[0-9a-f]{16}$/);
      expect(await (codec as EventCodec<unknown>).decode(data, headers)).toEqual(value);
    }
  });

  it("reads an event written with an older schema (v1 writer → v2 reader with an added defaulted field)", async () => {
    const v1 = loadSchemaFile("UsageSnapshot.avsc");
    const v2 = withExtraField(v1);
    const writer = new EventCodec(v1, new SchemaRegistry());
    const reader = new EventCodec<Record<string, unknown>>(v2, new SchemaRegistry());
    const event = usageSnapshot();
    const { data, headers } = writer.encode(event);
    const decoded = await reader.decode(data, headers);
    expect(decoded["kernelVersion"]).toBe("unknown");
    expect(decoded["node"]).toBe(event.node);
    expect(decoded["pods"]).toEqual(event.pods);
  });

  it("reads a newer writer only when its schema is known; otherwise the event is poison", async () => {
    const v1 = loadSchemaFile("UsageSnapshot.avsc");
    const v2 = withExtraField(v1);
    const { data, headers } = new EventCodec(v2, new SchemaRegistry()).encode({ ...usageSnapshot(), kernelVersion: "6.1" });
    const blind = new EventCodec<Record<string, unknown>>(v1, new SchemaRegistry());
    await expect(blind.decode(data, headers)).rejects.toBeInstanceOf(UnknownSchemaError);
    const informed = new SchemaRegistry();
    informed.add(v2);
    const decoded = await new EventCodec<Record<string, unknown>>(v1, informed).decode(data, headers);
    expect(decoded["node"]).toBe("node-a");
    expect(decoded["kernelVersion"]).toBeUndefined();
  });

  it("rejects events with no schema header, another schema, or broken bytes", async () => {
    const { data, headers } = codecs.usage.encode(usageSnapshot());
    await expect(codecs.usage.decode(data, undefined)).rejects.toBeInstanceOf(UnknownSchemaError);
    await expect(codecs.priced.decode(data, headers)).rejects.toBeInstanceOf(UnknownSchemaError);
    await expect(codecs.usage.decode(data.subarray(0, 10), headers)).rejects.toBeInstanceOf(DecodeError);
  });
});

describe("shipped schema history", () => {
  it("reads CostRollup v1 events with the v2 reader (pod fields default to empty)", async () => {
    const v1 = loadSchemaFile("history/CostRollup.v1.avsc");
    const old = { resolution: "1h", cluster: "c", windowStartMs: 0, windowEndMs: 3_600_000, rev: 1, final: true, snapshotCount: 1, rows: [], nodes: [] };
    const { data, headers } = new EventCodec(v1, new SchemaRegistry()).encode(old);
    const read = await createCodecs().rollup.decode(data, headers);
    expect(read).toMatchObject({ ...old, part: 0, parts: 1 });
  });

  it("reads CostRollup v2 node rows with the v3 reader (providerId defaults to empty)", async () => {
    const v2 = loadSchemaFile("history/CostRollup.v2.avsc");
    const node = { node: "n", instanceType: "m5.large", capacityType: "SPOT", region: "r", hours: 1, nodeCost: 1, cpuCost: 0, ramCost: 0, gpuCost: 0, podComputeCost: 0, idleCost: 0, idleCpuCost: 0, idleRamCost: 0, idleGpuCost: 0, overcommitCost: 0, pvCost: 0, realisedSavings: 0, potentialSavings: 0 };
    const old = { resolution: "1d", cluster: "c", windowStartMs: 0, windowEndMs: 86_400_000, rev: 1, final: true, snapshotCount: 1, part: 0, parts: 1, rows: [], nodes: [node] };
    const { data, headers } = new EventCodec(v2, new SchemaRegistry()).encode(old);
    const read = await createCodecs().rollup.decode(data, headers);
    expect(read.nodes[0]).toEqual({ ...node, providerId: "" });
  });

  it("reads UsageSnapshot v1 volumes with the v2 reader (volumeId defaults to empty)", async () => {
    const v1 = loadSchemaFile("history/UsageSnapshot.v1.avsc");
    const volume = { pvName: "pv-1", storageClass: "gp3", capacityBytes: 1, claimNamespace: "a", claimName: "data", usedBytes: 0 };
    const written = { ...usageSnapshot(), volumes: [volume] };
    const { data, headers } = new EventCodec(v1, new SchemaRegistry()).encode(written);
    const read = await createCodecs().usage.decode(data, headers);
    expect(read.volumes).toEqual([{ ...volume, volumeId: "" }]);
  });

  it("reads UsageSnapshot v3 with the v4 reader (nodeInfo.gpuType defaults to empty) and v4 keeps it", async () => {
    const v3 = loadSchemaFile("history/UsageSnapshot.v3.avsc");
    const { gpuType: _dropped, ...oldNode } = usageSnapshot().nodeInfo;
    const { data, headers } = new EventCodec(v3, new SchemaRegistry()).encode({ ...usageSnapshot(), nodeInfo: oldNode });
    expect((await createCodecs().usage.decode(data, headers)).nodeInfo.gpuType).toBe("");
    const codecs = createCodecs();
    const gpu = { ...usageSnapshot(), nodeInfo: { ...usageSnapshot().nodeInfo, gpus: 2, gpuType: "nvidia-tesla-t4" } };
    const written = codecs.usage.encode(gpu);
    expect((await codecs.usage.decode(written.data, written.headers)).nodeInfo.gpuType).toBe("nvidia-tesla-t4");
  });

  it("reads projections of a snapshot: the chosen pod fields equal the full reader's, the rest is not there", async () => {
    const codecs = createCodecs();
    const config = validateConfig({});
    const usage = usageSnapshot();
    const priced = priceSnapshot(usage, new SnapshotPriceBook(readPriceSnapshot(), config.pricing), config.pricing, 1);
    const pick = <T extends object>(o: T, keys: readonly string[]) => Object.fromEntries(Object.entries(o).filter(([k]) => keys.includes(k)));
    const p = codecs.priced.encode(priced);
    for (const [codec, fields] of [[codecs.pricedForRates, RATES_POD_FIELDS], [codecs.pricedForSavings, SAVINGS_POD_FIELDS]] as const) {
      const read = await codec.decode(p.data, p.headers);
      expect(read.nodeCost).toEqual(priced.nodeCost);
      expect(read.pods).toEqual(priced.pods.map((pod) => pick(pod, fields)));
    }
    const u = codecs.usage.encode(usage);
    const learning = await codecs.usageForLearning.decode(u.data, u.headers);
    expect(learning.pods).toEqual(usage.pods.map((pod) => pick(pod, LEARNING_POD_FIELDS)));
    // From an older writer (UsageSnapshot v1: no containers) the projection fills the reader's default.
    const v1 = new EventCodec(loadSchemaFile("history/UsageSnapshot.v1.avsc"), new SchemaRegistry()).encode({ ...usage, pods: usage.pods.map(({ containers: _c, ...rest }) => rest) });
    expect((await createCodecs().usageForLearning.decode(v1.data, v1.headers)).pods.map((pod) => pod.containers)).toEqual(usage.pods.map(() => []));
    // And PricedSnapshot v2 (no claims) through the view without labels, as the Prometheus sink reads it.
    const v2 = new EventCodec(loadSchemaFile("history/PricedSnapshot.v2.avsc"), new SchemaRegistry()).encode({ ...priced, pods: priced.pods.map(({ claims: _c, ...rest }) => rest) });
    expect((await createCodecs().pricedView.decode(v2.data, v2.headers)).pods.map((pod) => pod.claims)).toEqual(priced.pods.map(() => []));
  });
});
