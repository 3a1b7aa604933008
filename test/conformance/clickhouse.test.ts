import { createClient, type ClickHouseClient } from "@clickhouse/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Runtime } from "../../bus/runtime.ts";
import type { Stage } from "../../bus/stage-types.ts";
import { snapshotId, subjects } from "../../bus/subjects.ts";
import { validateConfig } from "../../config/load.ts";
import { readPriceSnapshot, SnapshotPriceBook } from "../../pricing/snapshot/snapshot.ts";
import { priceSnapshot } from "../../processors/pricer/cost-model.ts";
import { createClickHouseSink } from "../../sinks/clickhouse/stage.ts";
import { startClickHouse, type ClickHouseHandle } from "../../testkit/clickhouse.ts";
import { testRawConfig } from "../../testkit/config.ts";
import { defaultConfig, podUsage, usageSnapshot } from "../../testkit/fixtures.ts";
import { openTestRuntime, startNatsServer, type NatsServerHandle } from "../../testkit/index.ts";
import { sinkConformance } from "./suite.ts";
import { readFileSync } from "node:fs";
import { RollupEngine } from "../../processors/rollup/engine.ts";
import { GiB, nodeInfo } from "../../testkit/fixtures.ts";
import type { CostRollup, PricedSnapshot } from "../../model/events.ts";
import { waitFor } from "../../testkit/index.ts";
import { BillAggregate } from "../../reconcile/ingest.ts";
import { publishReconciled } from "../../reconcile/publish.ts";
import { reconcile } from "../../reconcile/reconcile.ts";

const CLUSTER = "conformance";
const MAX_IN_FLIGHT = 2000;
const pricing = defaultConfig().pricing;
const book = new SnapshotPriceBook(readPriceSnapshot(), pricing);
const BASE = Date.UTC(2026, 10, 1);

let nats: NatsServerHandle;
let clickhouse: ClickHouseHandle;
let rt: Runtime;
let sink: Stage & { readonly buffered: number };
let query: ClickHouseClient;

async function scalar(sql: string): Promise<number> {
  const rows = await (await query.query({ query: sql, format: "JSONEachRow" })).json<Record<string, string | number>>();
  return Number(Object.values(rows[0] ?? {})[0] ?? 0);
}

beforeAll(async () => {
  [nats, clickhouse] = await Promise.all([startNatsServer(), startClickHouse()]);
  const raw = testRawConfig(nats.url, {
    cluster: CLUSTER,
    sinks: { clickhouse: { enabled: true, url: clickhouse.url, database: "kce_test", delivery: { maxInFlight: MAX_IN_FLIGHT, retryBaseMs: 200, retryMaxMs: 1000, breakerOpenSeconds: 2 } } },
  });
  rt = await openTestRuntime(validateConfig(raw));
  sink = await createClickHouseSink(rt);
  await sink.start();
  query = createClient({ url: clickhouse.url });
}, 120_000);

afterAll(async () => {
  await sink?.stop();
  await query?.close();
  await rt?.close();
  await clickhouse?.stop();
  await nats?.stop();
});

describe("ClickHouse sink: migrations and tables", () => {
  it("creates its tables idempotently and records the schema version", async () => {
    const tables = await (await query.query({ query: "SELECT name FROM system.tables WHERE database = 'kce_test' ORDER BY name", format: "JSONEachRow" })).json<{ name: string }>();
    expect(tables.map((t) => t.name)).toEqual(["expenses", "expenses_reconciled", "focus_costs", "kce_migrations", "namespace_daily", "namespace_daily_reconciled", "node_costs", "pod_costs", "pv_costs", "spot_savings"]);
    const again = await createClickHouseSink(rt);
    await again.stop();
    expect(await scalar("SELECT count() FROM kce_test.kce_migrations")).toBe(3);
  });

  it("names the problem when ClickHouse is unreachable", async () => {
    const bad = await openTestRuntime(validateConfig(testRawConfig(nats.url, { sinks: { clickhouse: { url: "http://127.0.0.1:1" } } })));
    await expect(createClickHouseSink(bad)).rejects.toThrow(/cannot reach ClickHouse at http:\/\/127\.0\.0\.1:1/);
    await bad.close();
  });

  it("names the problem when ClickHouse refuses the user", async () => {
    const bad = await openTestRuntime(validateConfig(testRawConfig(nats.url, { sinks: { clickhouse: { url: clickhouse.url, username: "nobody" } } })));
    await expect(createClickHouseSink(bad)).rejects.toThrow(/refused user nobody .*check sinks\.clickhouse\.username/);
    await bad.close();
  });
});

describe("ClickHouse sink: exactly-once effect and the README's example queries", () => {
  const LEDGER = "ledger";
  const DAY = Date.UTC(2026, 10, 2);
  const HOUR = 3_600_000;
  const spotNode = nodeInfo({ instanceType: "m5.large", capacityType: "SPOT", cpuCores: 2, memoryBytes: 8 * GiB, providerId: "aws:///us-east-1a/i-2" });
  const pods = {
    "od-1": [podUsage({ namespace: "prod", name: "web-1", uid: "w1", runningSeconds: 3600 }), podUsage({ namespace: "dev", name: "tool-1", uid: "t1", runningSeconds: 3600, cpuRequestCores: 0.2, cpuUsageCores: 0.1 })],
    "spot-1": [podUsage({ namespace: "prod", name: "batch-1", uid: "b1", runningSeconds: 3600, cpuUsageCores: 1.5 })],
  };
  const priced: PricedSnapshot[] = [];
  for (let hour = 0; hour < 3; hour++) {
    for (const [node, list] of Object.entries(pods)) {
      const usage = usageSnapshot({ cluster: LEDGER, node, windowStartMs: DAY + hour * HOUR, windowSeconds: 3600, sampledAtMs: DAY + (hour + 1) * HOUR, nodeInfo: node === "spot-1" ? spotNode : nodeInfo(), pods: list });
      priced.push(priceSnapshot(usage, book, pricing, DAY + (hour + 1) * HOUR));
    }
  }
  const rollupMessage = (r: CostRollup, copy: string) => ({ subject: subjects.rollup("1d", LEDGER, r.windowStartMs, 0), msgId: `ledger-1d-${r.rev}-${copy}`, ...rt.codecs.rollup.encode(r) });
  const sql = (name: string) => {
    const blocks = [...readFileSync(new URL("../../sinks/clickhouse/README.md", import.meta.url), "utf8").matchAll(/```sql\n([\s\S]*?)```/g)].map((m) => m[1] ?? "");
    const block = blocks.find((b) => b.includes(name));
    if (block === undefined) throw new Error(`no README query mentions ${name}`);
    return block.replaceAll("kce.", "kce_test.");
  };
  const rows = async (query_: string) => await (await query.query({ query: query_, format: "JSONEachRow" })).json<Record<string, string | number>>();

  it("counts every event once although each was delivered twice and revisions arrived out of order", async () => {
    // Each priced snapshot twice under different message ids: what a redelivery after a lost ack looks like.
    for (const copy of ["a", "b"]) {
      for (const p of priced) await rt.publisher.publish({ subject: subjects.priced(LEDGER, p.node), msgId: `${snapshotId(LEDGER, p.node, p.windowStartMs)}-${copy}`, ...rt.codecs.priced.encode(p) });
    }
    const engine = new RollupEngine({ ...rt.config.rollup, resolutions: ["1d"], podResolutions: ["1d"] }, DAY + 3 * HOUR);
    for (const p of priced.slice(0, 2)) engine.fold(p, DAY + 3 * HOUR);
    const first = engine.due(DAY + 3 * HOUR)[0]?.rollup;
    for (const p of priced.slice(2)) engine.fold(p, DAY + 3 * HOUR);
    const second = engine.due(DAY + 4 * HOUR)[0]?.rollup;
    if (first === undefined || second === undefined) throw new Error("the rollup engine emitted nothing");
    expect(second.rev).toBeGreaterThan(first.rev);
    // The newer revision, again, then the older one late: the newest must win.
    for (const [r, copy] of [[first, "a"], [second, "a"], [second, "b"], [first, "b"]] as const) await rt.publisher.publish(rollupMessage(r, copy));

    // Node rows come from the priced stream and pod rows from the rollup stream, through separate consumers: wait for both.
    await waitFor("the ledger in ClickHouse", async () => {
      const podRows = await scalar(`SELECT count() FROM kce_test.pod_costs FINAL WHERE cluster = '${LEDGER}'`);
      const nodeRows = await scalar(`SELECT count() FROM kce_test.node_costs FINAL WHERE cluster = '${LEDGER}'`);
      const revs = await rows(`SELECT max(rev) AS rev FROM kce_test.namespace_daily FINAL WHERE cluster = '${LEDGER}'`);
      return podRows === 9 && nodeRows >= 6 && Number(revs[0]?.["rev"]) === second.rev ? true : undefined;
    }, 30_000, 250);
    expect(await scalar(`SELECT count() FROM kce_test.node_costs FINAL WHERE cluster = '${LEDGER}'`)).toBe(6);
    expect(await scalar(`SELECT count() FROM kce_test.namespace_daily FINAL WHERE cluster = '${LEDGER}'`)).toBe(2);
    expect(await scalar(`SELECT count() FROM kce_test.expenses FINAL WHERE cluster = '${LEDGER}'`)).toBe(3);

    // `kce reconcile --publish` on that day: a bill 25 % under list for both nodes lands in the
    // _reconciled tables, and the cluster's reconciled compute + idle equals the bill.
    const bill = new BillAggregate();
    const day = new Date(DAY).toISOString().slice(0, 10);
    for (const n of second.nodes) bill.add({ day, resourceId: n.providerId.split("/").pop() ?? "", cost: (n.podComputeCost + n.idleCost) * 0.75, currency: "USD", kind: "AmazonEC2 Usage", usage: true }, { path: "bill.csv", line: 2, layout: "aws-cur" });
    const { reconciled } = reconcile([second], bill);
    await publishReconciled(rt, reconciled, Date.now());
    const billed = second.nodes.reduce((a, n) => a + (n.podComputeCost + n.idleCost) * 0.75, 0);
    const got = await waitFor("reconciled expenses in ClickHouse", async () => {
      const r = await rows(`SELECT cpu_cost + ram_cost + gpu_cost AS compute FROM kce_test.expenses_reconciled FINAL WHERE cluster = '${LEDGER}' AND resource_type = 'cluster'`);
      return r.length === 1 ? Number(r[0]?.["compute"]) : undefined;
    }, 30_000, 250);
    expect(Math.abs(got - billed)).toBeLessThan(1e-9);
    expect(await scalar(`SELECT count() FROM kce_test.namespace_daily_reconciled FINAL WHERE cluster = '${LEDGER}'`)).toBe(2);
  });

  it("answers cost by namespace for a date range", async () => {
    const got = await rows(sql("resource_type = 'namespace' AND date BETWEEN"));
    const want = new Map<string, number>();
    for (const p of priced) for (const pod of p.pods) want.set(pod.namespace, (want.get(pod.namespace) ?? 0) + pod.totalCost);
    expect(got.map((r) => r["namespace"])).toEqual(["prod", "dev"]);
    for (const r of got) expect(Math.abs(Number(r["cost"]) - (want.get(String(r["namespace"])) ?? NaN))).toBeLessThan(6e-5);
  });

  it("answers top pods", async () => {
    const got = await rows(sql("LIMIT 10"));
    const want = new Map<string, number>();
    for (const p of priced) for (const pod of p.pods) want.set(pod.name, (want.get(pod.name) ?? 0) + pod.totalCost);
    const order = [...want].sort((a, b) => b[1] - a[1]).map(([name]) => name);
    expect(got.map((r) => r["pod"])).toEqual(order);
    for (const r of got) expect(Number(r["hours"])).toBe(3);
  });

  it("answers the spot versus on-demand share", async () => {
    const got = await rows(sql("GROUP BY capacity_type"));
    const spot = priced.filter((p) => p.nodeCost.capacityType === "SPOT").reduce((s, p) => s + p.nodeCost.windowCost, 0);
    const total = priced.reduce((s, p) => s + p.nodeCost.windowCost, 0);
    expect(got.map((r) => r["capacity_type"])).toEqual(["ON_DEMAND", "SPOT"]);
    expect(Math.abs(Number(got[1]?.["share"]) - spot / total)).toBeLessThan(1e-4);
    expect(Math.abs(Number(got[1]?.["cost"]) - spot)).toBeLessThan(1e-4);
  });

  it("answers the daily cost of a cluster, idle included", async () => {
    const got = await rows(sql("resource_type = 'cluster'"));
    const total = priced.reduce((s, p) => s + p.nodeCost.windowCost, 0);
    expect(got).toHaveLength(1);
    expect(got[0]?.["cluster"]).toBe(LEDGER);
    // Σ pods + idle = Σ nodes (nothing overcommitted here; volumes and network are zero).
    expect(Math.abs(Number(got[0]?.["cost"]) - total)).toBeLessThan(1e-4);
  });
});

describe("ClickHouse sink conformance", () => {
  sinkConformance({
    component: "sink-clickhouse",
    runtime: () => rt,
    maxInFlight: MAX_IN_FLIGHT,
    buffered: () => sink.buffered,
    event: (i) => {
      const node = `node-${i % 50}`;
      const usage = usageSnapshot({ cluster: CLUSTER, node, windowStartMs: BASE + Math.floor(i / 50) * 60_000, pods: [podUsage({ uid: `pod-${i}`, name: `pod-${i}` })] });
      const priced = priceSnapshot(usage, book, pricing, 1);
      return { subject: subjects.priced(CLUSTER, node), msgId: snapshotId(CLUSTER, node, usage.windowStartMs), ...rt.codecs.priced.encode(priced) };
    },
    poison: () => ({ subject: subjects.priced(CLUSTER, "node-0"), msgId: "poison-1", data: new TextEncoder().encode("not avro"), headers: rt.codecs.priced.encode(priceSnapshot(usageSnapshot({ cluster: CLUSTER, node: "node-0" }), book, pricing, 1)).headers }),
    delivered: async () => ({
      distinct: await scalar(`SELECT uniqExact(pod_uid) FROM kce_test.pod_costs WHERE cluster = '${CLUSTER}'`),
      total: await scalar(`SELECT count() FROM kce_test.pod_costs FINAL WHERE cluster = '${CLUSTER}'`),
    }),
    down: () => clickhouse.stop(),
    up: () => clickhouse.start(),
  });
});
