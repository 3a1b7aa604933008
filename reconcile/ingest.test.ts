import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { tempDir } from "../testkit/tempdir.ts";
import { zipStored } from "../testkit/zip.ts";
import { normaliseHeader } from "./formats.ts";
import { gzipSync } from "node:zlib";
import { BillAggregate, BillCurrencyError, BillFormatError, BillOverlapError, ingestFile, MixedCurrencyError, billInPipelineCurrency } from "./ingest.ts";
import { billKey, nodeKey, volumeKey } from "./match.ts";

const FIXTURES = fileURLToPath(new URL("../test/fixtures/billing/", import.meta.url));
const fixture = (path: string) => join(FIXTURES, path);

async function ingest(path: string) {
  const bill = new BillAggregate();
  const summary = await ingestFile(path, bill);
  return { bill, summary };
}

describe("billing exports: every sample parses and maps to the right columns", () => {
  it("normalises localised, camelCase, snake_case and slash headers to one name", () => {
    expect(normaliseHeader("\ufeffSubscriptionGuid")).toBe("subscriptionguid");
    expect(normaliseHeader("Kategorie der Verbrauchseinheit (MeterCategory)")).toBe("metercategory");
    expect(normaliseHeader("line_item_unblended_cost")).toBe(normaliseHeader("lineItem/UnblendedCost"));
    expect(normaliseHeader("savings_plan_savings_plan_effective_cost")).toBe(normaliseHeader("savingsPlan/SavingsPlanEffectiveCost"));
  });

  it("reads every Azure header variant", async () => {
    const costs: Record<string, number> = {};
    for (const file of readdirSync(fixture("azure/headersets"))) {
      const { summary } = await ingest(fixture(`azure/headersets/${file}`));
      expect(summary.layout, file).toBe("azure");
      costs[file] = summary.cost;
    }
    // The load balancer row is 0.075 in PayAsYouGo (PreTaxCost), German and YA (localised headers, US dates).
    expect(costs["PayAsYouGo.csv"]).toBeCloseTo(0.075, 10);
    expect(costs["German.csv"]).toBeCloseTo(0.075, 10);
    expect(costs["YA.csv"]).toBeCloseTo(0.075, 10);
    const ya = await ingest(fixture("azure/headersets/YA.csv"));
    expect([...ya.bill.byResourceDay.values()][0]?.day).toBe("2021-02-02");
  });

  it("counts a BOM file's empty row as bad, naming the line and column, and keeps going", async () => {
    const { summary } = await ingest(fixture("azure/headersets/BOM.csv"));
    expect(summary).toMatchObject({ layout: "azure", rows: 0, badRows: 1 });
    expect(summary.problems[0]).toMatchObject({ line: 2, column: "PreTaxCost" });
  });

  it("puts a scale set's instance cost on the VM named in AdditionalInfo", async () => {
    const { bill } = await ingest(fixture("azure/values/VirtualMachine.csv"));
    const vm = [...bill.byResourceDay.values()][0];
    expect(vm?.resourceId).toMatch(/virtualMachineScaleSets\/aks-nodepool1-12345678-vmss\/virtualMachines\/0$/);
    expect(vm?.cost).toBe(4);
    expect(billKey(vm?.resourceId ?? "")).toBe(nodeKey("azure:///subscriptions/11111111-12ab-34dc-56ef-123456abcdef/resourceGroups/Example-Resource-Group/providers/Microsoft.Compute/virtualMachineScaleSets/aks-nodepool1-12345678-vmss/virtualMachines/0"));
  });

  it("reads every FOCUS sample with EffectiveCost", async () => {
    for (const file of readdirSync(fixture("focus"))) {
      const { summary } = await ingest(fixture(`focus/${file}`));
      expect(summary.layout, file).toBe("focus");
      expect(summary.costColumn).toBe("EffectiveCost");
    }
    // 100 % utilisation: the commitment purchase's effective cost is spread over usage; usage carries it.
    const { bill } = await ingest(fixture("focus/commitment_discount_usage_scenario_1.csv"));
    expect([...bill.byResourceDay.values()].every((r) => r.cost >= 0)).toBe(true);
  });

  it("takes AWS CUR 2.0 and legacy CUR effective costs: savings plans, reservations, negations skipped, tax unmatched", async () => {
    for (const file of ["aws/cur2.csv", "aws/cur-legacy.csv"]) {
      const { bill, summary } = await ingest(fixture(file));
      expect(summary.layout).toBe("aws-cur");
      expect(bill.byResourceDay.get("i-0aaa1111bbbb2222c|2026-11-03")?.cost).toBe(0.192);
      expect(bill.byResourceDay.get("i-0ddd3333eeee4444f|2026-11-03")?.cost).toBe(0.13824);
    }
    const { bill } = await ingest(fixture("aws/cur2.csv"));
    expect(bill.byResourceDay.get("i-0fff5555aaaa6666b|2026-11-03")?.cost).toBe(0.1512);
    expect(bill.currency).toBe("USD");
    expect([...bill.other.values()].map((o) => o.kind)).toEqual(expect.arrayContaining(["AmazonEC2 Tax", "AmazonEC2 SavingsPlanNegation"]));
    expect(nodeKey("aws:///us-east-1a/i-0aaa1111bbbb2222c")).toBe("i-0aaa1111bbbb2222c");
    // Volumes: the EBS line's id and the PV's CSI handle meet; GCE disks by name; Azure disk URIs as they are.
    expect(billKey("vol-0123456789abcdef0")).toBe(volumeKey("vol-0123456789abcdef0"));
    expect(volumeKey("projects/shop-prod/zones/us-central1-a/disks/pvc-1a2b")).toBe(billKey("pvc-1a2b"));
    expect(volumeKey("/subscriptions/S/resourceGroups/RG/providers/Microsoft.Compute/disks/pvc-9")).toBe(billKey("/subscriptions/s/resourcegroups/rg/providers/microsoft.compute/disks/PVC-9"));
    expect(volumeKey("")).toBeUndefined();
    expect(billKey("arn:aws:ec2:us-east-1:123456789012:instance/i-0aaa1111bbbb2222c")).toBe("i-0aaa1111bbbb2222c");
  });

  it("reads GCP billing rows as JSON lines and as CSV, cost plus credits, a broken line counted", async () => {
    const json = await ingest(fixture("gcp/billing-export.jsonl"));
    expect(json.summary).toMatchObject({ layout: "gcp", rows: 3, badRows: 1 });
    expect(json.summary.problems[0]).toMatchObject({ line: 4 });
    const csv = await ingest(fixture("gcp/billing-export.csv"));
    for (const { bill } of [json, csv]) {
      expect(bill.byResourceDay.get("gce:gke-prod-pool-1-abcd|2026-11-03")?.cost).toBeCloseTo(0.1336 - 0.0494 + 0.0716, 12);
    }
    expect(nodeKey("gce://shop-prod/us-central1-a/gke-prod-pool-1-abcd")).toBe("gce:gke-prod-pool-1-abcd");
  });

  it("refuses an unknown layout and mixed currencies, naming the file and line", async () => {
    const dir = tempDir("kce-bills-");
    writeFileSync(join(dir, "x.csv"), "a,b\n1,2\n");
    await expect(ingest(join(dir, "x.csv"))).rejects.toThrow(BillFormatError);
    await expect(ingest(join(dir, "x.csv"))).rejects.toThrow(/x\.csv: unknown billing export layout/);
    writeFileSync(join(dir, "mixed.csv"), "ChargePeriodStart,ResourceId,EffectiveCost,BillingCurrency\n2026-11-01,i-0aaa1111bbbb2222c,1,USD\n2026-11-01,i-0aaa1111bbbb2222c,1,EUR\n");
    await expect(ingest(join(dir, "mixed.csv"))).rejects.toThrow(MixedCurrencyError);
    await expect(ingest(join(dir, "mixed.csv"))).rejects.toThrow(/mixed\.csv line 3, column currency: EUR/);
    writeFileSync(join(dir, "ragged.csv"), "ChargePeriodStart,ResourceId,EffectiveCost\n2026-11-01,i-0aaa1111bbbb2222c,1\n2026-11-01,oops\nnot-a-date,i-0aaa1111bbbb2222c,2\n2026-11-01,i-0aaa1111bbbb2222c,abc\n2026-11-01,i-0aaa1111bbbb2222c,2\n");
    const { bill, summary } = await ingest(join(dir, "ragged.csv"));
    expect(summary).toMatchObject({ rows: 2, badRows: 3 });
    expect(summary.problems.map((p) => [p.line, p.column])).toEqual([[3, "(row)"], [4, "ChargePeriodStart"], [5, "EffectiveCost"]]);
    expect(bill.byResourceDay.get("i-0aaa1111bbbb2222c|2026-11-01")?.cost).toBe(3);
  });
});

describe("bills read as their layouts document them (issue 20: findings 2, 3, 7, 8)", () => {
  const write = (name: string, text: string | Buffer): string => {
    const path = join(tempDir("kce-bill-"), name);
    writeFileSync(path, text);
    return path;
  };
  const AZURE_HEADER = "UsageDateTime,MeterCategory,CostInBillingCurrency,InstanceId,BillingCurrencyCode\n";

  it("never guesses a date: DD/MM in an Azure export is a bad row with line and column, MM/DD is read", async () => {
    const { summary, bill } = await ingest(write("azure.csv", `${AZURE_HEADER}11/20/2026,Virtual Machines,1.5,/x/vm1,USD\n20/11/2026 00:00,Virtual Machines,2,/x/vm1,USD\n`));
    expect(summary.rows).toBe(1);
    expect(summary.badRows).toBe(1);
    expect(summary.problems[0]).toMatchObject({ line: 3, column: "UsageDateTime" });
    expect(summary.problems[0]?.message).toMatch(/"20\/11\/2026 00:00" is not a date/);
    expect([...bill.byResourceDay.values()][0]?.day).toBe("2026-11-20");
    const focus = await ingest(write("focus.csv", "ChargePeriodStart,ResourceId,EffectiveCost,BillingCurrency\n11/20/2026,i-1,1,USD\n2026-02-30T00:00:00Z,i-1,1,USD\n2026-11-20T23:30:00-02:00,i-1,1,USD\n"));
    expect(focus.summary.badRows).toBe(2); // FOCUS is ISO 8601 only; there is no 30 February
    expect([...focus.bill.byResourceDay.values()][0]?.day).toBe("2026-11-21"); // an offset moves the UTC day
  });

  it("reads gzipped exports by their content, whatever their name, and the export inside a zip", async () => {
    const text = `${AZURE_HEADER}2026-11-20,Virtual Machines,1.25,/x/vm1,USD\n2026-11-21,Virtual Machines,2.5,/x/vm1,USD\n`;
    for (const name of ["azure.csv.gz", "azure-gzipped.csv"]) {
      const { summary } = await ingest(write(name, gzipSync(text)));
      expect(summary.rows).toBe(2);
      expect(summary.cost).toBeCloseTo(3.75, 12);
    }
    const zipped = await ingest(write("azure-export.zip", zipStored({ "part-1.csv": text })));
    expect(zipped.summary.cost).toBeCloseTo(3.75, 12);
    await expect(ingest(write("two.zip", zipStored({ "a.csv": text, "b.csv": text })))).rejects.toThrow(/two\.zip: the zip holds 2 exports/);
    await expect(ingest(write("broken.zip", Buffer.from("PK\x03\x04 rest of a zip")))).rejects.toThrow(/broken\.zip: not a readable zip archive/);
  });

  it("names the file of an unterminated quote, and counts a truncated last row as a bad row", async () => {
    await expect(ingest(write("broken.csv", `${AZURE_HEADER}2026-11-20,"Virtual Machines,1,/x/vm1,USD\n`))).rejects.toThrow(/broken\.csv: a quoted field opened on line 2 is not closed/);
    const { summary } = await ingest(write("cut.csv", `${AZURE_HEADER}2026-11-20,Virtual Machines,1,/x/vm1,USD\n2026-11-21,Virtual Machines,2`));
    expect(summary.badRows).toBe(1);
    expect(summary.problems[0]).toMatchObject({ line: 3, column: "(row)" });
  });

  it("refuses a bill in another currency than the pipeline's unless a rate converts it", async () => {
    const { bill } = await ingest(write("eur.csv", `${AZURE_HEADER}2026-11-20,Virtual Machines,10,/x/vm1,EUR\n`));
    expect(() => billInPipelineCurrency(bill, "USD", {})).toThrow(BillCurrencyError);
    expect(() => billInPipelineCurrency(bill, "USD", {})).toThrow(/bills are in EUR.*pricing\.exchangeRates\.EUR/);
    billInPipelineCurrency(bill, "USD", { EUR: 1.1 });
    expect([...bill.byResourceDay.values()][0]?.cost).toBeCloseTo(11, 12);
    expect(bill.currency).toBe("USD");
  });
});

describe("nothing counted twice, nothing mis-read (issue 20: findings 4 and 5)", () => {
  const write = (name: string, text: string): string => {
    const path = join(tempDir("kce-bill-"), name);
    writeFileSync(path, text);
    return path;
  };
  const CUR = "identity_line_item_id,identity_time_interval,line_item_usage_start_date,line_item_line_item_type,line_item_product_code,line_item_resource_id,line_item_unblended_cost,line_item_currency_code,savings_plan_savings_plan_effective_cost,savings_plan_used_commitment\n";
  const curLines =
    "a1,2026-11-20T00:00:00Z/2026-11-20T01:00:00Z,2026-11-20T00:00:00Z,SavingsPlanCoveredUsage,AmazonEC2,i-0aaa,0.192,USD,0.138,\n" +
    "a2,2026-11-20T00:00:00Z/2026-11-20T01:00:00Z,2026-11-20T00:00:00Z,SavingsPlanNegation,AmazonEC2,i-0aaa,-0.192,USD,,\n" +
    "a3,2026-11-20T00:00:00Z/2026-11-20T01:00:00Z,2026-11-20T00:00:00Z,SavingsPlanRecurringFee,ComputeSavingsPlans,arn:aws:savingsplans::1:savingsplan/sp-1,0.150,USD,,0.138\n";

  it("reads a Savings Plan's recurring fee as its unused part only: the used part is in the covered usage", async () => {
    const { bill, summary } = await ingest(write("cur.csv", CUR + curLines));
    expect(summary.cost).toBeCloseTo(0.138 + 0.012, 12);
    const fee = [...bill.other.values()].find((o) => o.kind === "Savings Plan unused commitment");
    expect(fee?.cost).toBeCloseTo(0.012, 12);
  });

  it("counts the same line once when a file is passed twice, and says so", async () => {
    const path = write("cur.csv", CUR + curLines);
    const bill = new BillAggregate();
    const first = await ingestFile(path, bill);
    const again = await ingestFile(path, bill);
    expect(again.duplicates).toBe(3);
    expect(again.duplicateOf).toBe(path);
    expect(again.cost).toBe(0);
    expect([...bill.byResourceDay.values()][0]?.cost).toBeCloseTo(0.138, 12);
    expect(first.duplicates).toBe(0);
  });

  it("refuses the CUR and the FOCUS export of the same charges together, naming both files", async () => {
    const cur = write("cur.csv", CUR + curLines);
    const focus = write("focus.csv", "ChargePeriodStart,ChargeCategory,ResourceId,EffectiveCost,BillingCurrency\n2026-11-20T00:00:00Z,Usage,arn:aws:ec2:us-east-1:1:instance/i-0aaa,0.138,USD\n");
    const bill = new BillAggregate();
    await ingestFile(cur, bill);
    await expect(ingestFile(focus, bill)).rejects.toThrow(BillOverlapError);
    await expect(ingestFile(focus, bill)).rejects.toThrow(/i-0aaa on 2026-11-20 is billed in .*cur\.csv \(aws-cur\) and in .*focus\.csv \(focus\)/);
  });

  it("a FOCUS export without EffectiveCost does not price committed usage at 0", async () => {
    const { bill, summary } = await ingest(write("focus.csv", "ChargePeriodStart,ChargeCategory,PricingCategory,ResourceId,BilledCost,BillingCurrency\n2026-11-20T00:00:00Z,Usage,Committed,i-0bbb,0.00,USD\n2026-11-20T00:00:00Z,Usage,Standard,i-0ccc,0.50,USD\n"));
    expect(summary.costColumn).toMatch(/BilledCost \(the file has no EffectiveCost; committed usage billed 0 is left as estimated\)/);
    const days = [...bill.byResourceDay.values()];
    expect(days.find((d) => d.key === "i-0bbb")?.costKnown).toBe(false);
    expect(days.find((d) => d.key === "i-0ccc")?.costKnown).toBe(true);
  });
});
