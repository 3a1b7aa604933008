import { execFile } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { connect } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DLQ_HEADERS } from "../../bus/dlq.ts";
import { leafStreamName } from "../../bus/layout.ts";
import type { Runtime } from "../../bus/runtime.ts";
import type { Stage } from "../../bus/stage-types.ts";
import { ensureStreams } from "../../bus/streams.ts";
import { snapshotId, subjects } from "../../bus/subjects.ts";
import type { PricedSnapshot, UsageSnapshot } from "../../model/events.ts";
import { priceSnapshot } from "../../processors/pricer/cost-model.ts";
import { createPricer } from "../../processors/pricer/stage.ts";
import { readPriceSnapshot, SnapshotPriceBook } from "../../pricing/snapshot/snapshot.ts";
import { nodeInfo, podUsage, usageSnapshot } from "../../testkit/fixtures.ts";
import { startFederation, type TestFederation } from "../../testkit/federation.ts";
import { openTestRuntime, readStream, waitFor } from "../../testkit/index.ts";

/**
 * Hub + leaves as rendered by `kce federation render`, each a real nats-server; agents' events are
 * published on each cluster's own leaf; one pricer runs at the hub.
 */
const MAIN = fileURLToPath(new URL("../../cli/main.ts", import.meta.url));
const kce = (args: string[]) => promisify(execFile)(process.execPath, [MAIN, ...args]);

let fed: TestFederation;
let hub: Runtime;
let pricer: Stage;
const leaves = new Map<string, Runtime>();
const published = new Map<string, UsageSnapshot>();
const book = () => new SnapshotPriceBook(readPriceSnapshot(), hub.config.pricing);

function snapshot(cluster: string, node: string, minute: number): UsageSnapshot {
  const start = Date.UTC(2026, 10, 23, 10, 0) + minute * 60_000;
  return usageSnapshot({
    cluster,
    node,
    windowStartMs: start,
    sampledAtMs: start + 60_000,
    nodeInfo: nodeInfo({ instanceType: cluster === "west" ? "r5.xlarge" : "m5.xlarge" }),
    pods: [podUsage({ namespace: "shop", name: `web-${minute % 3}`, uid: `${cluster}-${minute % 3}` }), podUsage({ namespace: "batch", name: "job", uid: `${cluster}-job`, cpuUsageCores: 1.5 })],
  });
}

/** Publishes on the cluster's own leaf, as its agents do; resolves after the leaf's PubAck. */
async function publishOnLeaf(cluster: string, node: string, minutes: number[]): Promise<void> {
  const rt = leaves.get(cluster);
  if (rt === undefined) throw new Error(`no leaf runtime for ${cluster}`);
  for (const m of minutes) {
    const s = snapshot(cluster, node, m);
    const { data, headers: h } = rt.codecs.usage.encode(s);
    await rt.publisher.publish({ subject: subjects.usage(cluster, node), data, headers: h, msgId: snapshotId(cluster, node, s.windowStartMs) });
    published.set(snapshotId(cluster, node, s.windowStartMs), s);
  }
}

async function pricedAtHub(): Promise<PricedSnapshot[]> {
  const msgs = await readStream(hub.js, hub.jsm, "KCE_PRICED");
  return Promise.all(msgs.map((m) => hub.codecs.priced.decode(m.data, m.headers)));
}

function idsOf(priced: PricedSnapshot[]): string[] {
  return priced.map((p) => snapshotId(p.cluster, p.node, p.windowStartMs)).sort();
}

async function waitUntilPriced(count: number, timeoutMs = 30_000): Promise<void> {
  await waitFor(`${count} priced snapshots at the hub`, async () => ((await hub.jsm.streams.info("KCE_PRICED")).state.messages >= count ? true : undefined), timeoutMs, 100);
}

function range(from: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => from + i);
}

beforeAll(async () => {
  fed = await startFederation(["east", "west"]);
  for (const c of ["east", "west"]) leaves.set(c, await openTestRuntime(fed.config(c), `leaf-${c}`));
  hub = await openTestRuntime(fed.config("hub"), "hub");
  pricer = createPricer(hub, book());
  await pricer.start();
}, 60_000);

afterAll(async () => {
  await pricer?.stop();
  await hub?.close();
  for (const rt of leaves.values()) await rt.close();
  await fed?.stop();
});

describe("federation: hub + leaves from the rendered configs", () => {
  it("prices at the centre exactly what each cluster's agents published, attributed to its cluster", async () => {
    await publishOnLeaf("east", "node-e1", range(0, 20));
    await publishOnLeaf("east", "node-e2", range(0, 20));
    await publishOnLeaf("west", "node-w1", range(0, 30));
    await waitUntilPriced(70);
    const priced = await pricedAtHub();
    expect(idsOf(priced)).toEqual([...published.keys()].sort());
    // Totals per cluster equal pricing what that cluster published, to the last bit.
    const expected = new Map<string, number>();
    for (const s of published.values()) {
      const p = priceSnapshot(s, book(), hub.config.pricing, 0);
      expected.set(s.cluster, (expected.get(s.cluster) ?? 0) + p.pods.reduce((a, pod) => a + pod.totalCost, 0));
    }
    const actual = new Map<string, number>();
    for (const p of priced) actual.set(p.cluster, (actual.get(p.cluster) ?? 0) + p.pods.reduce((a, pod) => a + pod.totalCost, 0));
    expect(actual.get("east")).toBeCloseTo(expected.get("east") ?? NaN, 12);
    expect(actual.get("west")).toBeCloseTo(expected.get("west") ?? NaN, 12);
    // The hub stream holds each event once: no double capture across the leaf link.
    expect((await hub.jsm.streams.info("KCE_USAGE")).state.messages).toBe(70);
  });

  it("loses and double counts nothing when the hub goes away while agents keep publishing", async () => {
    await fed.hub.stop({ keepStore: true });
    // Agents keep publishing to their leaf: JetStream there acknowledges while the hub is down.
    await publishOnLeaf("east", "node-e1", range(20, 100));
    await publishOnLeaf("west", "node-w1", range(30, 100));
    const restarted = performance.now();
    await fed.hub.restart();
    await waitUntilPriced(published.size, 60_000);
    const catchUpMs = performance.now() - restarted;
    const priced = await pricedAtHub();
    expect(idsOf(priced)).toEqual([...published.keys()].sort());
    expect((await hub.jsm.streams.info("KCE_USAGE")).state.messages).toBe(published.size);
    process.stdout.write(`federation: 200 snapshots published during a hub outage priced at the centre ${(catchUpMs / 1000).toFixed(1)} s after the hub restarted\n`);
  }, 90_000);

  it("keeps a cluster's credentials to its own subjects: publishing as another cluster reaches nothing", async () => {
    const seen: string[] = [];
    const watcher = await connect({ servers: fed.hub.url, user: "kce", pass: fed.config("hub").nats.pass ?? "" });
    const sub = watcher.subscribe("kce.usage.>", { callback: (_e, m) => void seen.push(m.subject) });
    await watcher.flush();
    const before = (await hub.jsm.streams.info("KCE_USAGE")).state.messages;
    const westLeaf = leaves.get("west");
    const westBefore = (await westLeaf!.jsm.streams.info(leafStreamName("usage", "west"))).state.messages;

    // A client in cluster east publishes west's subject: no stream on east takes it (JS publish
    // fails) and the hub does not let it cross the link.
    const east = leaves.get("east")!;
    await expect(east.js.publish("kce.usage.west.intruder", new Uint8Array([1]), { timeout: 1500 })).rejects.toThrow();
    east.nc.publish("kce.usage.west.intruder", new Uint8Array([2]));
    await east.nc.flush();

    // East's leaf credentials used as a client login on the hub: the server refuses the subject.
    const errors: string[] = [];
    const asLeaf = await connect({ servers: fed.hub.url, user: "leaf_east", pass: fed.secrets().clusters["east"]?.leaf ?? "" });
    void (async () => {
      for await (const s of asLeaf.status()) if (s.type === "error") errors.push(String(s.error));
    })();
    asLeaf.publish("kce.usage.west.intruder", new Uint8Array([3]));
    await asLeaf.flush().catch(() => undefined);
    await new Promise((r) => setTimeout(r, 1000));

    expect(seen).toEqual([]);
    expect(errors.join(" ")).toMatch(/Permissions Violation/i);
    expect((await hub.jsm.streams.info("KCE_USAGE")).state.messages).toBe(before);
    expect((await westLeaf!.jsm.streams.info(leafStreamName("usage", "west"))).state.messages).toBe(westBefore);
    sub.unsubscribe();
    await asLeaf.close().catch(() => undefined);
    await watcher.close();
  });

  it("attributes each event to the cluster whose stream it was sourced from: a hostile leaf cannot change another cluster's totals", async () => {
    const east = leaves.get("east")!;
    const name = leafStreamName("usage", "east");
    const info = await east.jsm.streams.info(name);
    // East's operator widens its own stream to west's subjects and forges the source header.
    await east.jsm.streams.update(name, { ...info.config, subjects: ["kce.usage.east.>", "kce.usage.west.>"] });
    const forged = snapshot("west", "node-w1", 500);
    const { data, headers: h } = east.codecs.usage.encode(forged);
    h.set("Nats-Stream-Source", `${leafStreamName("usage", "west")}:forged 1`);
    await east.js.publish(subjects.usage("west", "node-w1"), data, { headers: h, msgID: "forged-west-500" });
    const westBefore = idsOf((await pricedAtHub()).filter((p) => p.cluster === "west"));

    await waitFor("the forged event dead-lettered at the hub", async () => {
      const dead = await readStream(hub.js, hub.jsm, "KCE_DLQ");
      return dead.find((m) => m.headers?.get(DLQ_HEADERS.reason) === "source_mismatch");
    }, 15_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(idsOf((await pricedAtHub()).filter((p) => p.cluster === "west"))).toEqual(westBefore);
    await east.jsm.streams.update(name, info.config);
  });

  it("adds a cluster at run time without restarting the hub or the central pricer", async () => {
    const hubPid = fed.hub.pid();
    await fed.addCluster("north");
    const north = await openTestRuntime(fed.config("north"), "leaf-north");
    leaves.set("north", north);
    const provision = await kce(["federation", "provision", "--config", join(fed.dir, "kce-hub.yaml")]);
    expect(provision.stdout).toContain("hub streams source east, west, north");
    await publishOnLeaf("north", "node-n1", range(0, 10));
    await waitUntilPriced(published.size, 30_000);
    const priced = await pricedAtHub();
    expect(idsOf(priced.filter((p) => p.cluster === "north"))).toHaveLength(10);
    expect(fed.hub.pid()).toBe(hubPid);
    // The hub keeps every source, also when a stage starts with the old cluster list.
    await ensureStreams(hub.jsm, hub.config);
    expect((await hub.jsm.streams.info("KCE_USAGE")).config.sources?.map((s) => s.name).sort()).toEqual(["KCE_USAGE_east", "KCE_USAGE_north", "KCE_USAGE_west"]);
    const status = await kce(["federation", "status", "--config", join(fed.dir, "kce-hub.yaml")]);
    expect(status.stdout).toMatch(/^KCE_USAGE\s+KCE_USAGE_north\s+0\s+/m);
  }, 60_000);
});
