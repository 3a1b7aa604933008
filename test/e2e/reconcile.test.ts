import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Runtime } from "../../bus/runtime.ts";
import { snapshotId, subjects } from "../../bus/subjects.ts";
import type { CostRollup, PricedSnapshot } from "../../model/events.ts";
import { createPricer } from "../../processors/pricer/stage.ts";
import { RollupAssembler } from "../../processors/rollup/parts.ts";
import { createRollup } from "../../processors/rollup/stage.ts";
import { readPriceSnapshot, SnapshotPriceBook } from "../../pricing/snapshot/snapshot.ts";
import { readDailyRollups } from "../../reconcile/estimates.ts";
import { parseCsv } from "../../reconcile/csv.ts";
import { createApi } from "../../api/stage.ts";
import { createReconcileStage } from "../../reconcile/stage.ts";
import { nodeInfo, podUsage, usageSnapshot } from "../../testkit/fixtures.ts";
import { openTestRuntime, startInProcess, readStream, startNatsServer, testRawConfig, waitFor, writeConfigFile, type InProcessStages, type NatsServerHandle } from "../../testkit/index.ts";
import { validateConfig } from "../../config/load.ts";
import { tempDir } from "../../testkit/tempdir.ts";

/**
 * A simulated run priced at known list prices, and a generated AWS CUR for the same nodes and days
 * with known discounts: a savings plan (−28 %), a reservation (−40 %) and spot charged 10 % above the
 * spot price we used; plus a NAT gateway and tax. After reconciliation every node-day's pods + idle
 * equal the bill, and the report's errors before reconciliation are the known discounts.
 */
const MAIN = fileURLToPath(new URL("../../cli/main.ts", import.meta.url));
const DAY = 86_400_000;
const HOUR = 3_600_000;
const day0 = Math.floor(Date.now() / DAY) * DAY - 3 * DAY;
const NODES = [
  { node: "node-sp", instance: "i-0aaa1111bbbb2222c", type: "m5.xlarge", capacity: "ON_DEMAND" as const, line: "SavingsPlanCoveredUsage", factor: 0.72 },
  { node: "node-ri", instance: "i-0fff5555aaaa6666b", type: "r5.xlarge", capacity: "ON_DEMAND" as const, line: "DiscountedUsage", factor: 0.6 },
  { node: "node-spot", instance: "i-0ccc7777dddd8888e", type: "c5.xlarge", capacity: "SPOT" as const, line: "Usage", factor: 1.1 },
];

const VOLUME = "vol-0123456789abcdef0";
const VOLUME_FACTOR = 0.9;

let nats: NatsServerHandle;
let rt: Runtime;
let configFile: string;
let stages: InProcessStages | undefined;

beforeAll(async () => {
  nats = await startNatsServer();
  const raw = testRawConfig(nats.url, { cluster: "shop", rollup: { resolutions: ["1d"], podResolutions: ["1d"], allowedLatenessSeconds: 4 * 86_400 } });
  configFile = writeConfigFile(raw);
  const config = validateConfig(raw);
  rt = await openTestRuntime(config, "reconcile-test");
  stages = await startInProcess(config, "reconcile-stage", [(r: Runtime) => createPricer(r, new SnapshotPriceBook(readPriceSnapshot(), r.config.pricing)), createRollup]);
  // Two days of hourly snapshots on three nodes, pods of two namespaces.
  for (let h = 0; h < 48; h++) {
    for (const [i, n] of NODES.entries()) {
      const start = day0 + h * HOUR;
      const s = usageSnapshot({
        cluster: "shop",
        node: n.node,
        windowStartMs: start,
        windowSeconds: 3600,
        sampledAtMs: start + HOUR,
        nodeInfo: nodeInfo({ providerId: `aws:///us-east-1a/${n.instance}`, instanceType: n.type, capacityType: n.capacity }),
        pods: [
          podUsage({ namespace: "shop", name: `web-${i}`, uid: `web-${i}`, runningSeconds: 3600, cpuUsageCores: 0.4, claims: i === 0 ? ["data"] : [] }),
          podUsage({ namespace: "batch", name: `job-${i}`, uid: `job-${i}`, controllerName: "job", runningSeconds: h % 2 === 0 ? 3600 : 1800, cpuUsageCores: 1.2, cpuRequestCores: 1 }),
        ],
        // One EBS volume (gp3, 100 GiB) mounted by node-sp's web pod.
        volumes: i === 0 ? [{ pvName: "pvc-data", volumeId: VOLUME, storageClass: "gp3", capacityBytes: 100 * 2 ** 30, claimNamespace: "shop", claimName: "data", usedBytes: 0 }] : [],
      });
      const { data, headers } = rt.codecs.usage.encode(s);
      await rt.publisher.publish({ subject: subjects.usage("shop", n.node), data, headers, msgId: snapshotId("shop", n.node, start) });
    }
  }
  await waitFor("both days rolled up", async () => {
    const days = await readDailyRollups(rt, new Date(day0).toISOString().slice(0, 10), new Date(day0 + DAY).toISOString().slice(0, 10));
    return days.reduce((a, d) => a + d.snapshotCount, 0) === 48 * NODES.length ? true : undefined;
  }, 60_000, 500);
}, 120_000);

afterAll(async () => {
  await stages?.stop();
  await rt?.close();
  await nats?.stop();
});

/** The CUR 2.0 export for the run: each priced node-hour at its known discount, plus NAT and tax. */
async function writeBill(): Promise<{ path: string; billed: Map<string, number> }> {
  const priced: PricedSnapshot[] = await Promise.all((await readStream(rt.js, rt.jsm, "KCE_PRICED")).map((m) => rt.codecs.priced.decode(m.data, m.headers)));
  const billed = new Map<string, number>();
  const lines = ["line_item_usage_start_date,line_item_line_item_type,line_item_product_code,line_item_resource_id,line_item_unblended_cost,line_item_currency_code,savings_plan_savings_plan_effective_cost,reservation_effective_cost"];
  for (const p of priced) {
    const n = NODES.find((x) => x.node === p.node);
    if (n === undefined) continue;
    const list = p.nodeCost.windowCost;
    const paid = list * n.factor;
    const when = new Date(p.windowStartMs).toISOString();
    const key = `${n.node}|${when.slice(0, 10)}`;
    billed.set(key, (billed.get(key) ?? 0) + paid);
    for (const v of p.volumes) {
      const volumeKey = `${v.pvName}|${when.slice(0, 10)}`;
      billed.set(volumeKey, (billed.get(volumeKey) ?? 0) + v.windowCost * VOLUME_FACTOR);
      lines.push(`${when},Usage,AmazonEC2,${v.volumeId},${v.windowCost * VOLUME_FACTOR},USD,,`);
    }
    if (n.line === "SavingsPlanCoveredUsage") {
      lines.push(`${when},SavingsPlanCoveredUsage,AmazonEC2,${n.instance},${list},USD,${paid},`);
      lines.push(`${when},SavingsPlanNegation,AmazonEC2,${n.instance},${-list},USD,,`);
    } else if (n.line === "DiscountedUsage") lines.push(`${when},DiscountedUsage,AmazonEC2,${n.instance},0,USD,,${paid}`);
    else lines.push(`${when},Usage,AmazonEC2,${n.instance},${paid},USD,,`);
  }
  for (const d of [0, 1]) {
    const when = new Date(day0 + d * DAY).toISOString();
    lines.push(`${when},Usage,AmazonEC2,arn:aws:ec2:us-east-1:123456789012:natgateway/nat-0abc,1.08,USD,,`);
    lines.push(`${when},Tax,AmazonEC2,,2.00,USD,,`);
  }
  // Charges on days the cluster did not run: a monthly fee and the instances the day before it started.
  const before = new Date(day0 - DAY).toISOString();
  lines.push(`${before},RIFee,AmazonEC2,,45.50,USD,,`);
  lines.push(`${before},Usage,AmazonEC2,${NODES[0]?.instance ?? ""},15.21,USD,,`);
  const path = join(tempDir("kce-bill-"), "cur.csv");
  writeFileSync(path, lines.join("\n") + "\n");
  return { path, billed };
}

interface JsonReport {
  rows: Array<{ level: string; name: string; estimated: number; billed: number; errorPct?: number; note: string }>;
  unmatchedTotal: number;
  outsideTotal: number;
  billTotal: number;
  accountedTotal: number;
  nodeDays: Array<{ node: string; day: string; billed?: number }>;
  unmatched: Array<{ kind: string; resourceId: string; cost: number }>;
  files: Array<{ layout: string; costColumn: string; rows: number; badRows: number }>;
}

describe("kce reconcile against a generated bill with known discounts", () => {
  it("reports the known discounts as errors, then makes every node-day's pods + idle equal the bill", async () => {
    const { path, billed } = await writeBill();
    const metrics = join(tempDir("kce-metrics-"), "kce.prom");
    const { stdout } = await promisify(execFile)(process.execPath, [MAIN, "reconcile", "--config", configFile, "--bill", path, "-o", "json", "--publish", "--metrics-file", metrics]);
    const report = JSON.parse(stdout) as JsonReport;
    expect(report.files[0]).toMatchObject({ layout: "aws-cur", badRows: 0 });
    for (const n of NODES) {
      const row = report.rows.find((r) => r.level === "node" && r.name === n.node);
      // estimated ÷ billed − 1 = 1 ÷ discount − 1
      expect(row?.errorPct).toBeCloseTo((1 / n.factor - 1) * 100, 6);
    }
    expect(report.unmatchedTotal).toBeCloseTo(2 * 1.08 + 2 * 2.0, 9);
    expect(report.rows.find((r) => r.level === "volume" && r.name === "pvc-data")?.errorPct).toBeCloseTo((1 / VOLUME_FACTOR - 1) * 100, 6);
    // Zero-cost negations of matched nodes are not "unmatched"; the NAT gateway is named by its resource id.
    expect(report.rows.filter((r) => r.level === "unmatched").map((r) => r.name).sort()).toEqual(["AmazonEC2 Tax", "AmazonEC2 Usage"].sort());
    expect(report.rows.find((r) => r.level === "unmatched" && r.name === "AmazonEC2 Usage")?.note).toContain("natgateway/nat-0abc");
    expect(report.unmatched.map((u) => u.resourceId)).toContain("arn:aws:ec2:us-east-1:123456789012:natgateway/nat-0abc");
    // Every line accounted for: the day before the cluster started is reported, with its amount, and Σ report = Σ file.
    expect(report.outsideTotal).toBeCloseTo(45.5 + 15.21, 9);
    expect(report.rows.find((r) => r.level === "outside")).toMatchObject({ name: new Date(day0 - DAY).toISOString().slice(0, 10) });
    expect(Math.abs(report.accountedTotal - report.billTotal)).toBeLessThan(1e-6);
    expect(report.nodeDays.length).toBe(NODES.length * 2);
    const csv = (await promisify(execFile)(process.execPath, [MAIN, "reconcile", "--config", configFile, "--bill", path, "-o", "csv", "--no-progress"])).stdout.split("\n");
    expect(csv[0]).toBe("level,cluster,name,day,estimated,billed,difference,error_pct,note");
    expect(csv.filter((l) => l.startsWith("node-day,shop,"))).toHaveLength(NODES.length * 2);
    expect(csv.filter((l) => l.startsWith("volume-day,shop,pvc-data,"))).toHaveLength(2);
    expect(readFileSync(metrics, "utf8")).toMatch(/kube_cost_reconciliation_ratio\{cluster="shop",node="node-ri"\} 0\.6\d*/);

    // The reconciled daily rollups: per node and day, Σ pods' compute + idle = billed, to the cent and far below.
    const assembler = new RollupAssembler();
    const reconciled: CostRollup[] = [];
    for (const m of await readStream(rt.js, rt.jsm, "KCE_ROLLUP", "kce.rollup.1d-reconciled.>")) {
      const whole = assembler.add(await rt.codecs.rollup.decode(m.data, m.headers));
      if (whole !== undefined) reconciled.push(whole);
    }
    expect(reconciled).toHaveLength(2);
    let checked = 0;
    for (const r of reconciled) {
      const day = new Date(r.windowStartMs).toISOString().slice(0, 10);
      let namespaceCompute = 0;
      for (const row of r.rows) if (row.dimension === "namespace") namespaceCompute += row.cpuCost + row.ramCost + row.gpuCost;
      let dayBilled = 0;
      let idle = 0;
      for (const node of r.nodes) {
        const pods = r.rows.filter((x) => x.dimension === "pod" && x.node === node.node).reduce((a, x) => a + x.cpuCost + x.ramCost + x.gpuCost, 0);
        const bill = billed.get(`${node.node}|${day}`) ?? NaN;
        expect(Math.abs(pods + node.idleCost - bill)).toBeLessThan(1e-9);
        dayBilled += bill;
        idle += node.idleCost;
        checked++;
      }
      // Namespaces (all pods) + idle also add up to the day's bill for the nodes.
      expect(Math.abs(namespaceCompute + idle - dayBilled)).toBeLessThan(1e-9);
    }
    expect(checked).toBe(6);

    // The query API answers from the reconciled days with reconciled=true: the cluster's two days
    // (pods + idle, volumes included) cost what the bill says.
    const api = createApi(rt);
    await api.start();
    try {
      const window = `${new Date(day0).toISOString()},${new Date(day0 + 2 * DAY).toISOString()}`;
      const billedTotal = [...billed.values()].reduce((a, b) => a + b, 0);
      const got = await waitFor("reconciled allocations from the API", async () => {
        const res = await fetch(`http://127.0.0.1:${api.port}/allocation?window=${window}&aggregate=cluster&accumulate=true&idle=true&reconciled=true`);
        const body = (await res.json()) as { data: Array<Record<string, { totalCost: number }>> };
        const total = Object.values(body.data[0] ?? {}).reduce((a, x) => a + x.totalCost, 0);
        return Math.abs(total - billedTotal) < 1e-6 ? total : undefined;
      }, 20_000, 250);
      expect(got).toBeCloseTo(billedTotal, 6);
    } finally {
      await api.stop();
    }
    // The volume takes its billed cost, and so do the pods' volume costs (one volume, one pod).
    for (const r of reconciled) {
      const day = new Date(r.windowStartMs).toISOString().slice(0, 10);
      const bill = billed.get(`pvc-data|${day}`) ?? NaN;
      expect(Math.abs((r.volumes.find((v) => v.pvName === "pvc-data")?.cost ?? NaN) - bill)).toBeLessThan(1e-12);
      const podsPv = r.rows.filter((x) => x.dimension === "pod").reduce((a, x) => a + x.pvCost, 0);
      expect(Math.abs(podsPv - bill)).toBeLessThan(1e-9);
    }
  }, 60_000);

  it("exports the run as FOCUS (CSV and Parquet, estimated and reconciled) and as showback that add up to /allocation and the bill", async () => {
    const { path, billed } = await writeBill();
    await promisify(execFile)(process.execPath, [MAIN, "reconcile", "--config", configFile, "--bill", path, "--publish", "--no-progress"]);
    const run = (args: string[]) => promisify(execFile)(process.execPath, [MAIN, "export", ...args, "--config", configFile, "--no-progress"], { maxBuffer: 64 * 2 ** 20 });
    const window = `${new Date(day0).toISOString()},${new Date(day0 + 2 * DAY).toISOString()}`;
    const dir = tempDir("kce-export-");
    const csvPath = join(dir, "focus.csv");
    const estimated = await run(["focus", "--window", window, "--out", csvPath]);
    expect(estimated.stderr).toMatch(/exported \d+ FOCUS rows \(csv\) for 2 charge period\(s\) of 1d/);
    expect(estimated.stderr).toContain("valid FOCUS 1.2 (+ 1.3 split cost allocation columns)");
    const csv = parseCsv(readFileSync(csvPath, "utf8"));
    const header = csv[0]?.fields ?? [];
    const col = (name: string) => header.indexOf(name);
    const byNamespace = new Map<string, number>();
    for (const r of csv.slice(1)) {
      const key = r.fields[col("x_CostKind")] === "idle" ? "__idle__" : (r.fields[col("x_Namespace")] ?? "");
      byNamespace.set(key, (byNamespace.get(key) ?? 0) + Number(r.fields[col("EffectiveCost")]));
    }
    const api = createApi(rt);
    await api.start();
    try {
      const allocation = async (q: string) => {
        const res = await fetch(`http://127.0.0.1:${api.port}/allocation?${q}`);
        const body = (await res.json()) as { data: Array<Record<string, { totalCost: number }>> };
        return body.data[0] ?? {};
      };
      // Re-summed by namespace (and idle), the export equals /allocation for the same window.
      const namespaces = await waitFor("allocations", async () => {
        const set = await allocation(`window=${window}&aggregate=namespace&accumulate=true`);
        return Object.keys(set).length >= 3 ? set : undefined;
      }, 20_000, 250);
      expect([...byNamespace.keys()].sort()).toEqual(Object.keys(namespaces).sort());
      for (const [name, a] of Object.entries(namespaces)) expect(Math.abs((byNamespace.get(name) ?? NaN) - a.totalCost), name).toBeLessThan(1e-6);
      // Summed per namespace by the export itself: rows name no pod, the money is the same.
      const nsPath = join(dir, "namespaces.csv");
      await run(["focus", "--window", window, "--aggregate", "namespace", "--out", nsPath]);
      const nsRows = parseCsv(readFileSync(nsPath, "utf8")).slice(1);
      expect(nsRows.length).toBeLessThanOrEqual(csv.length - 1);
      expect(nsRows.every((r) => r.fields[col("x_Pod")] === "")).toBe(true);
      const nsTotal = nsRows.reduce((a, r) => a + Number(r.fields[col("EffectiveCost")]), 0);
      expect(Math.abs(nsTotal - Object.values(namespaces).reduce((a, x) => a + x.totalCost, 0))).toBeLessThan(1e-6);

      // Reconciled, as Parquet: EffectiveCost is the bill, ListCost the list-price estimate; DuckDB reads it.
      const pqPath = join(dir, "focus.parquet");
      const reconciledRun = await run(["focus", "--window", window, "--reconciled", "--out", pqPath, "--billing-account", "123456789012"]);
      expect(reconciledRun.stderr).toContain("2 of 2 window(s) reconciled with the bill");
      const { DuckDBInstance } = await import("@duckdb/node-api");
      const db = await DuckDBInstance.create(":memory:");
      const conn = await db.connect();
      const sums = (await conn.runAndReadAll(`SELECT sum(EffectiveCost) AS effective, sum(ListCost) AS list, count(*) FILTER (WHERE x_CostSource <> 'reconciled')::INTEGER AS others, min(BillingAccountId) AS account FROM read_parquet('${pqPath}')`)).getRowObjects()[0];
      conn.closeSync();
      db.closeSync();
      const billedTotal = [...billed.values()].reduce((a, b) => a + b, 0);
      expect(Math.abs(Number(sums?.effective) - billedTotal)).toBeLessThan(1e-6);
      const listTotal = [...byNamespace.values()].reduce((a, b) => a + b, 0);
      expect(Math.abs(Number(sums?.list) - listTotal)).toBeLessThan(1e-6);
      expect(sums).toMatchObject({ others: 0, account: "123456789012" });
      const checked = await run(["validate", pqPath, csvPath]);
      expect(checked.stdout.match(/valid FOCUS 1\.2/g)).toHaveLength(2);

      // Showback for the month of the first day: rows add up to the cluster's cost to the cent, with idle
      // and the shared "batch" namespace spread over the rest.
      const monthStart = Date.UTC(new Date(day0).getUTCFullYear(), new Date(day0).getUTCMonth(), 1);
      const monthEnd = Date.UTC(new Date(day0).getUTCFullYear(), new Date(day0).getUTCMonth() + 1, 1);
      const month = new Date(day0).toISOString().slice(0, 7);
      const sb = JSON.parse((await run(["showback", "--month", month, "--shared-namespaces", "batch", "-o", "json"])).stdout) as { rows: Array<{ group: string; totalCents: number; idle: number; shared: number }>; clusters: Array<{ totalCents: number; total: number }> };
      const cluster = await allocation(`window=${new Date(monthStart).toISOString()},${new Date(Math.min(monthEnd, Date.now())).toISOString()}&aggregate=cluster&accumulate=true`);
      const clusterTotal = Object.values(cluster).reduce((a, x) => a + x.totalCost, 0);
      expect(sb.clusters[0]?.total).toBeCloseTo(clusterTotal, 6);
      expect(sb.rows.reduce((a, r) => a + r.totalCents, 0)).toBe(Math.round(clusterTotal * 100));
      expect(sb.rows.map((r) => r.group)).toEqual(["shop"]);
      expect(sb.rows[0]?.shared).toBeGreaterThan(0);
      const table = (await run(["showback", "--month", month, "--distribute", "none"])).stdout;
      expect(table).toMatch(/__idle__/);
      expect(table).toMatch(/TOTAL\s+\d+\.\d\d\s+100\.00/);
    } finally {
      await api.stop();
    }
    // Mistakes are named, with exit code 2.
    for (const [args, message] of [
      [["focus"], /give --window/],
      [["focus", "--window", "7d", "--step", "5m"], /--step must be 1d or 1h/],
      [["showback", "--month", "2026-13"], /give --month as YYYY-MM/],
      [["showback", "--month", "2026-11", "--by", "label:owner"], /rollup\.labelKeys/],
      [["showback", "--month", "2026-11", "--distribute", "fair"], /use proportional, even, none or to:<group>/],
    ] as const) {
      const failed = await run([...args]).catch((e: { code: number; stderr: string }) => e);
      expect(failed, args.join(" ")).toMatchObject({ code: 2 });
      expect((failed as { stderr: string }).stderr).toMatch(message);
    }
  }, 90_000);

  it("says which days have no rollups and which nodes are not on the bill", async () => {
    const bill = join(tempDir("kce-bill-"), "focus.csv");
    writeFileSync(bill, "ChargePeriodStart,ResourceId,EffectiveCost,BillingCurrency\n2020-01-01T00:00:00Z,i-0aaa1111bbbb2222c,1,USD\n");
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [MAIN, "reconcile", "--config", configFile, "--bill", bill, "--no-progress"]);
    expect(stdout).toContain("reconciled no day (no cost data for the bills' days); the bills cover 2020-01-01 to 2020-01-01");
    expect(stdout).toMatch(/outside\s+2020-01-01\s+0\.00\s+1\.00/);
    expect(stderr).toContain("no daily rollups found for 2020-01-01 to 2020-01-01");
    const unknown = join(tempDir("kce-bill-"), "x.csv");
    writeFileSync(unknown, "a,b\n1,2\n");
    const failed = await promisify(execFile)(process.execPath, [MAIN, "reconcile", "--config", configFile, "--bill", unknown]).catch((e: { code: number; stderr: string }) => e);
    expect(failed).toMatchObject({ code: 2 });
    expect((failed as { stderr: string }).stderr).toMatch(/x\.csv: unknown billing export layout/);
    // A row that could not be read: its amount is missing, so the run fails unless told otherwise.
    const cut = join(tempDir("kce-bill-"), "cut.csv");
    writeFileSync(cut, "ChargePeriodStart,ResourceId,EffectiveCost,BillingCurrency\n2020-01-01T00:00:00Z,i-0aaa1111bbbb2222c,1,USD\n20/01/2020,i-0aaa1111bbbb2222c,5,USD\n");
    const strict = await promisify(execFile)(process.execPath, [MAIN, "reconcile", "--config", configFile, "--bill", cut, "--no-progress", "--publish"]).catch((e: { code: number; stderr: string }) => e);
    expect(strict).toMatchObject({ code: 1 });
    expect((strict as { stderr: string }).stderr).toMatch(/1 bad row\(s\) could not be read.*nothing was published.*--allow-bad-rows/);
    const lenient = await promisify(execFile)(process.execPath, [MAIN, "reconcile", "--config", configFile, "--bill", cut, "--no-progress", "--allow-bad-rows"]);
    expect(lenient.stdout).toContain("the bills cover 2020-01-01 to 2020-01-01");
    // A bill in EUR against USD estimates, without a rate: refused, naming the key to set.
    const eur = join(tempDir("kce-bill-"), "eur.csv");
    writeFileSync(eur, "ChargePeriodStart,ResourceId,EffectiveCost,BillingCurrency\n2020-01-01T00:00:00Z,i-0aaa1111bbbb2222c,1,EUR\n");
    const refused = await promisify(execFile)(process.execPath, [MAIN, "reconcile", "--config", configFile, "--bill", eur, "--no-progress"]).catch((e: { code: number; stderr: string }) => e);
    expect((refused as { code: number }).code).not.toBe(0);
    expect((refused as { stderr: string }).stderr).toMatch(/bills are in EUR, the pipeline's estimates in USD: set pricing\.exchangeRates\.EUR/);
  });

  it("runs on a schedule in the central process and sets kube_cost_reconciliation_ratio on /metrics", async () => {
    const { path } = await writeBill();
    const dir = tempDir("kce-bills-dir-");
    writeFileSync(join(dir, "cur.csv"), readFileSync(path));
    writeFileSync(join(dir, "notes.txt"), "not a bill");
    const scheduled = await openTestRuntime(validateConfig(testRawConfig(nats.url, { cluster: "shop", reconcile: { enabled: true, billsDir: dir, publish: false } })), "reconcile-scheduled");
    const stage = createReconcileStage(scheduled);
    try {
      await stage.start();
      await stage.runOnce();
      const text = await scheduled.telemetry.render();
      for (const n of NODES) expect(text).toMatch(new RegExp(`kube_cost_reconciliation_ratio\\{cluster="shop",node="${n.node}"\\} ${String(n.factor).replace(".", "\\.")}\\d*`));
    } finally {
      await stage.stop();
      await scheduled.close();
    }
  });

  it("refuses to start the schedule without a bills folder", () => {
    expect(() => validateConfig({ reconcile: { enabled: true } })).toThrow(/reconcile\.billsDir: is required/);
  });
});

