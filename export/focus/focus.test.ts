import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { describe, expect, it } from "vitest";
import { hourlyWindows } from "../../testkit/rollups.ts";
import { tempDir } from "../../testkit/tempdir.ts";
import { EXPORT_COLUMNS, type FocusRow } from "./columns.ts";
import { CsvFocusSink, focusNumber, ParquetFocusSink, readFocusFile } from "./files.ts";
import { aggregateRows, cloudOf, focusRows } from "./rows.ts";
import { FocusValidator, validateRows } from "./validate.ts";
import { validateFile } from "./validate-file.ts";

const T0 = Date.UTC(2026, 10, 20, 0, 0, 0);
const HEADER = EXPORT_COLUMNS.map((c) => c.name);
const ctx = { billingAccountId: "shop", billingAccountName: null, currency: "USD" };

const { rollups, priced } = hourlyWindows(T0);
const rows: FocusRow[] = rollups.flatMap((w) => focusRows(w, ctx, false));
const totalPriced = priced.reduce((a, p) => a + p.nodeCost.windowCost + p.pods.reduce((x, q) => x + q.networkCost + q.pvCost, 0) + p.nodeCost.overcommitCost, 0);
const sumOf = (rs: readonly FocusRow[], col: string) => rs.reduce((a, r) => a + Number(r[col]), 0);

describe("a rollup window as FOCUS rows", () => {
  it("adds up to what was priced: pods' compute, storage, network and each node's idle", () => {
    expect(rollups).toHaveLength(2);
    expect(sumOf(rows, "EffectiveCost")).toBeCloseTo(totalPriced, 9);
    expect(sumOf(rows, "ListCost")).toBeCloseTo(totalPriced, 9);
    const idle = rows.filter((r) => r.x_CostKind === "idle");
    expect(idle.length).toBeGreaterThan(0);
    expect(idle.every((r) => r.AllocatedResourceId === null && r.AllocatedMethodId !== null)).toBe(true);
  });

  it("points each pod's compute at its node's bill line, spot as Dynamic pricing, with the GPU priced", () => {
    const web = rows.find((r) => r.x_Pod === "web-0" && r.ServiceCategory === "Compute");
    expect(web).toMatchObject({ ResourceId: "i-0aaa1111bbbb2222c", ResourceType: "Instance", AvailabilityZone: "us-east-1a", RegionId: "us-east-1", ProviderName: "AWS", ServiceName: "Amazon Elastic Compute Cloud", PricingCategory: "Standard", AllocatedResourceName: "shop/web-0", Tags: '{"team":"payments"}', x_Namespace: "shop" });
    expect(rows.find((r) => r.x_Pod === "web-1" && r.ServiceCategory === "Compute")?.PricingCategory).toBe("Dynamic");
    expect(Number(rows.find((r) => r.x_Pod === "job-2" && r.ServiceCategory === "Compute")?.x_GpuCost)).toBeGreaterThan(0);
    expect(rows.every((r) => r.ChargePeriodStart === "2026-11-20T00:00:00Z" || r.ChargePeriodStart === "2026-11-20T01:00:00Z")).toBe(true);
    expect(rows[0]).toMatchObject({ BillingPeriodStart: "2026-11-01T00:00:00Z", BillingPeriodEnd: "2026-12-01T00:00:00Z", BillingCurrency: "USD", ChargeCategory: "Usage", x_CostSource: "list-estimate" });
  });

  it("charges storage per volume, named as the bill names the disk, allocated to its claim", () => {
    const volume = rows.filter((r) => r.ServiceCategory === "Storage");
    expect(volume).toHaveLength(2); // one per hour
    expect(volume[0]).toMatchObject({ ResourceId: "vol-0123456789abcdef0", ResourceName: "pvc-data", ResourceType: "Persistent Volume", AllocatedResourceId: "shop/data", x_Namespace: "shop", x_CostKind: "volume" });
    const pvPriced = priced.reduce((a, p) => a + p.volumes.reduce((x, v) => x + v.windowCost, 0), 0);
    expect(pvPriced).toBeGreaterThan(0);
    expect(sumOf(volume, "EffectiveCost")).toBeCloseTo(pvPriced, 12);
  });

  it("passes the validator, and its split ratios add up to 1 per node and hour", () => {
    const report = validateRows(HEADER, rows);
    expect(report.violations).toEqual([]);
    expect(report.valid).toBe(true);
    expect(report.rows).toBe(rows.length);
  });

  it("sums per controller or namespace, each row still one node's share, ratios still adding up to 1", () => {
    // Two replicas of every pod (a second copy with its own uid), so that pods share controllers and namespaces.
    const replicated = rollups.map((w) => ({ ...w, rows: w.rows.flatMap((r) => (r.dimension === "pod" ? [r, { ...r, pod: `${r.pod}-b`, podUid: `${r.podUid}-b` }] : [r])) }));
    const perPod = replicated.flatMap((w) => focusRows(w, ctx, false));
    for (const level of ["controller", "namespace"] as const) {
      const agg = replicated.flatMap((w) => aggregateRows(focusRows(w, ctx, false), level));
      expect(agg.length).toBeLessThan(perPod.length);
      expect(sumOf(agg, "EffectiveCost")).toBeCloseTo(sumOf(perPod, "EffectiveCost"), 9);
      expect(validateRows(HEADER, agg).violations).toEqual([]);
      expect(agg.every((r) => r.x_Pod === null)).toBe(true);
    }
    const ns = replicated.flatMap((w) => aggregateRows(focusRows(w, ctx, false), "namespace"));
    const shopOnA = ns.filter((r) => r.AllocatedResourceId === "shop" && r.x_Node === "node-a" && r.ServiceCategory === "Compute");
    expect(shopOnA).toHaveLength(2); // one per hour, both replicas in it
    const pods = perPod.filter((r) => r.x_Namespace === "shop" && r.x_Node === "node-a" && r.ServiceCategory === "Compute" && r.ChargePeriodStart === shopOnA[0]?.ChargePeriodStart);
    expect(pods).toHaveLength(2);
    expect(Number(shopOnA[0]?.EffectiveCost)).toBeCloseTo(sumOf(pods, "EffectiveCost"), 12);
    expect(shopOnA[0]?.Tags).toBe('{"team":"payments"}');
  });

  it("names each cloud's instance id as its bill does", () => {
    expect(cloudOf("gce://my-proj/europe-west1-b/gke-pool-1-abc", "n", "c")).toMatchObject({ provider: "Google Cloud", resourceId: "projects/my-proj/zones/europe-west1-b/instances/gke-pool-1-abc", zone: "europe-west1-b" });
    expect(cloudOf("azure:///subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachineScaleSets/pool/virtualMachines/3", "n", "c").resourceId).toBe("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachineScaleSets/pool/virtualMachines/3");
    expect(cloudOf("", "worker-1", "lab")).toMatchObject({ provider: "Self-managed", resourceId: "lab/worker-1" });
  });
});

describe("the FOCUS validator", () => {
  const good = rows[0] as FocusRow;
  const check = (change: FocusRow) => validateRows(HEADER, [{ ...good, ...change }]);
  it("finds each kind of violation, naming the column and rule", () => {
    const cases: Array<[FocusRow, string]> = [
      [{ BilledCost: null }, "Nullability"],
      [{ EffectiveCost: "1,5" }, "NumericFormat"],
      [{ ListCost: "35.2E+7" }, "NumericFormat"],
      [{ ChargePeriodStart: "2026-11-20 00:00:00" }, "DateTimeFormat"],
      [{ ChargePeriodEnd: "2026-02-30T00:00:00Z" }, "DateTimeFormat"],
      [{ ChargeCategory: "Fee" }, "AllowedValues"],
      [{ BillingCurrency: "usd" }, "CurrencyFormat"],
      [{ Tags: '{"team":{"a":1}}' }, "KeyValueFormat"],
      [{ Tags: "[1,2]" }, "KeyValueFormat"],
      [{ ServiceSubcategory: "Block Storage" }, "ServiceSubcategory"],
      [{ PricingUnit: null }, "Nullability"],
      [{ PricingQuantity: null, PricingUnit: null }, "Nullability"],
      [{ ResourceType: null }, "Nullability"],
      [{ ChargeDescription: "" }, "NullHandling"],
      [{ ChargePeriodEnd: "2026-11-19T00:00:00Z" }, "Period"],
      [{ ChargeClass: "Refund" }, "AllowedValues"],
      [{ ChargeCategory: "Tax" }, "Nullability"],
      [{ AllocatedMethodDetails: '{"Elements":[{"UsageUnit":"CPU"}]}' }, "AllocatedMethodDetails"],
      [{ AllocatedMethodDetails: '{"Elements":[{"AllocatedRatio":0.5}]}' }, "AllocatedRatioSum"],
    ];
    for (const [change, rule] of cases) {
      const report = check(change);
      expect(report.valid, JSON.stringify(change)).toBe(false);
      expect(Object.keys(report.counts), JSON.stringify(change)).toContain(rule);
    }
    expect(focusNumber(1e-7)).toBe("1E-7");
    expect(focusNumber(1e21)).toBe("1E21");
    expect(check({ ListCost: focusNumber(1e-7), BilledCost: "35.2E-7" }).counts.NumericFormat).toBeUndefined();
  });

  it("checks the header: Mandatory columns, unknown columns without x_, duplicates", () => {
    const report = new FocusValidator(["BilledCost", "Cost", "BilledCost", "x_Team"]).finish();
    expect(report.counts.MandatoryColumn).toBeGreaterThan(15);
    expect(report.violations.map((v) => v.message)).toContain("Cost is neither a FOCUS column nor a custom column prefixed x_");
    expect(report.counts.ColumnUnique).toBe(1);
  });

  it("accepts the FOCUS spec's own example rows (real files, by the spec's authors) except for their real mistakes", async () => {
    const dir = join(import.meta.dirname, "../../../shared/reference/billing/focus");
    const files = readdirSync(dir).filter((f) => f.endsWith(".csv")).sort();
    expect(files.length).toBe(11);
    let checked = 0;
    const found: string[] = [];
    for (const f of files) {
      const file = await readFocusFile(join(dir, f));
      const v = new FocusValidator(file.header, { requireMandatory: false });
      for await (const r of file.rows) v.row(r);
      const report = v.finish();
      checked += report.rows;
      found.push(...report.violations.map((x) => `${f}:${x.row}:${x.rule}:${x.column}`));
    }
    expect(checked).toBeGreaterThan(20);
    // Each one checked by hand: an hour of 30 ("2023-02-01T30:00:00Z") in two purchase examples; a column spelled
    // "SkuPriceid" (not a FOCUS column, no x_ prefix) in four; PricingQuantity 0.333 × ListUnitPrice 3.00 ≠ ListCost 3.00.
    expect(found).toEqual([
      "commitment_discount_purchase_scenario_2.csv:3:DateTimeFormat:ChargePeriodEnd",
      "commitment_discount_purchase_scenario_3.csv:4:DateTimeFormat:ChargePeriodEnd",
      "one_hundred_percent_utilization_with_commitment_discount_flexibility_with_1_resource.csv:0:ColumnHandling:SkuPriceid",
      "one_hundred_percent_utilization_with_commitment_discount_flexibility_with_1_resource.csv:2:UnitPriceProduct:ListCost",
      "one_hundred_percent_utilization_with_commitment_discount_flexibility_with_2_resources.csv:0:ColumnHandling:SkuPriceid",
      "one_hundred_percent_utilization_without_commitment_discount_flexibility.csv:0:ColumnHandling:SkuPriceid",
      "zero_percent_utilization_without_commitment_discount_flexibility.csv:0:ColumnHandling:SkuPriceid",
    ]);
  });
});

describe("FOCUS files", () => {
  it("says what is wrong with files that are not FOCUS, naming them", async () => {
    const dir = tempDir("kce-focus-bad-");
    const write = (name: string, data: string | Buffer) => {
      const path = join(dir, name);
      writeFileSync(path, data);
      return path;
    };
    await expect(validateFile(join(dir, "missing.csv"))).rejects.toThrow(/cannot read .*missing\.csv: no such file/);
    await expect(validateFile(write("broken.parquet", "PAR1 not really"))).rejects.toThrow(/broken\.parquet: not a readable Parquet file/);
    await expect(validateFile(write("quote.csv", 'BilledCost,"Tags\n1,2'))).rejects.toThrow(/quote\.csv: a quoted field opened on line 1 is not closed/);
    const ragged = await validateFile(write("ragged.csv", `${HEADER.join(",")}\n1,2,3\n`));
    expect(ragged.counts.RowShape).toBe(1);
    const binary = await validateFile(write("noise.bin", Buffer.from(Array.from({ length: 600 }, (_, i) => (i * 7919) % 256))));
    expect(binary.valid).toBe(false);
    expect(binary.violations.every((v) => /^[\x20-\x7e]*$/.test(v.message.replace(/[…→]/g, "")))).toBe(true);
  });

  it("writes CSV and Parquet that read back to the same rows, and DuckDB reads the Parquet with the same totals", async () => {
    const dir = tempDir("kce-focus-");
    const csvPath = join(dir, "focus.csv");
    const pqPath = join(dir, "focus.parquet");
    const csv = new CsvFocusSink(csvPath);
    const pq = new ParquetFocusSink(pqPath, EXPORT_COLUMNS, { FocusVersion: "1.2" });
    for (const w of rollups) {
      const batch = focusRows(w, ctx, false);
      await csv.write(batch);
      await pq.write(batch);
    }
    await csv.close();
    await pq.close();
    for (const path of [csvPath, pqPath]) {
      const file = await readFocusFile(path);
      expect(file.header).toEqual(HEADER);
      const v = new FocusValidator(file.header);
      let effective = 0;
      for await (const r of file.rows) {
        v.row(r);
        effective += Number(r.EffectiveCost);
      }
      const report = v.finish();
      expect(report.violations, path).toEqual([]);
      expect(report.rows).toBe(rows.length);
      expect(effective).toBeCloseTo(totalPriced, 9);
    }
    const db = await DuckDBInstance.create(":memory:");
    const conn = await db.connect();
    const read = (await conn.runAndReadAll(`SELECT count(*)::INTEGER AS n, sum(EffectiveCost) AS effective, count(DISTINCT ResourceId)::INTEGER AS resources, min(ChargePeriodStart)::VARCHAR AS first FROM read_parquet('${pqPath}')`)).getRowObjects()[0];
    expect(read?.n).toBe(rows.length);
    expect(Number(read?.effective)).toBeCloseTo(totalPriced, 9);
    expect(read?.resources).toBe(4); // three instances and one EBS volume
    expect(String(read?.first)).toMatch(/^2026-11-20 00:00:00/);
    const fromCsv = (await conn.runAndReadAll(`SELECT sum(EffectiveCost) AS effective FROM read_csv('${csvPath}', header = true)`)).getRowObjects()[0];
    expect(Number(fromCsv?.effective)).toBeCloseTo(totalPriced, 9);
    conn.closeSync();
    db.closeSync();
  });
});
