/**
 * Issue 20's "done when": a month of one AWS account billed twice — as a CUR 2.0 export and as the FOCUS
 * export of the same charges — with a Savings Plan (covered usage, negations, recurring fee), a
 * reservation (discounted usage, RI fee), a spot node, a list-price node, a node that leaves mid-month,
 * days before the cluster started, tax, a credit, a NAT gateway, an instance outside the cluster and root
 * volumes, a NAT gateway and the EKS control plane tagged for the cluster. Both are reconciled against the
 * same daily rollups: Σ report = Σ file to the cent in both formats, the two reports agree, nothing is
 * counted twice, tagged charges land on the cluster, and every unallocated line names its resource.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CostRollup, NodeRollupRow } from "../model/events.ts";
import { tempDir } from "../testkit/tempdir.ts";
import { BillAggregate, BillOverlapError, ingestFile } from "./ingest.ts";
import { reconcile } from "./reconcile.ts";
import { buildReport, totalsAgree, type AccuracyReport } from "./report.ts";

const DAY = 86_400_000;
const MONTH = Date.UTC(2026, 10, 1);
const DAYS = 30;
/** The cluster runs from the 3rd; node-gone leaves after the 20th. */
const CLUSTER_FROM = 2;
const GONE_AFTER = 19;
const SP = "arn:aws:savingsplans::123456789012:savingsplan/sp-0001";
const RI = "arn:aws:ec2:us-east-1:123456789012:reserved-instances/ri-0001";

interface Node {
  name: string;
  instance: string;
  list: number; // per day at list price
  kind: "sp" | "ri" | "spot" | "list";
  factor: number; // paid ÷ list
}

const NODES: Node[] = [
  { name: "node-sp", instance: "i-0000000000000a001", list: 4.608, kind: "sp", factor: 0.72 },
  { name: "node-ri", instance: "i-0000000000000a002", list: 4.608, kind: "ri", factor: 0.6 },
  { name: "node-spot", instance: "i-0000000000000a003", list: 4.608, kind: "spot", factor: 0.35 },
  { name: "node-list", instance: "i-0000000000000a004", list: 2.304, kind: "list", factor: 1 },
  { name: "node-gone", instance: "i-0000000000000a005", list: 2.304, kind: "list", factor: 1 },
];
const FOREIGN = "i-0000000000000ffff";
const NAT = "arn:aws:ec2:us-east-1:123456789012:natgateway/nat-0abc";
const ROOT_VOLUMES = ["vol-0000000000000b001", "vol-0000000000000b002"];

const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");
const present = (n: Node, d: number) => (n.name !== "node-gone" || d <= GONE_AFTER);

function nodeRow(n: Node): NodeRollupRow {
  return {
    node: n.name, providerId: `aws:///us-east-1a/${n.instance}`, instanceType: "m5.4xlarge", capacityType: n.kind === "spot" ? "SPOT" : "ON_DEMAND", region: "us-east-1", hours: 24,
    nodeCost: n.list, cpuCost: n.list * 0.6, ramCost: n.list * 0.4, gpuCost: 0, podComputeCost: n.list * 0.75, pvCost: 0,
    idleCost: n.list * 0.25, idleCpuCost: n.list * 0.15, idleRamCost: n.list * 0.1, idleGpuCost: 0, overcommitCost: 0, realisedSavings: 0, potentialSavings: 0,
  };
}

/** The cluster's daily rollups: every node present that day, from the day the cluster started. */
function rollups(): CostRollup[] {
  const out: CostRollup[] = [];
  for (let d = CLUSTER_FROM; d < DAYS; d++) {
    const start = MONTH + d * DAY;
    out.push({ resolution: "1d", cluster: "prod", windowStartMs: start, windowEndMs: start + DAY, rev: 1, final: true, snapshotCount: 1, part: 0, parts: 1, rows: [], nodes: NODES.filter((n) => present(n, d)).map(nodeRow), volumes: [] });
  }
  return out;
}

/** One charge, written in both formats. */
interface Charge {
  day: number;
  cur: string[]; // CUR 2.0 rows (without the date and id columns)
  focus: string[]; // FOCUS rows (without the date columns)
}

const CUR_HEADER = "identity_line_item_id,identity_time_interval,line_item_usage_start_date,line_item_line_item_type,line_item_product_code,line_item_resource_id,line_item_unblended_cost,line_item_currency_code,savings_plan_savings_plan_effective_cost,savings_plan_used_commitment,reservation_effective_cost,reservation_unused_recurring_fee,resource_tags";
const FOCUS_HEADER = "ChargePeriodStart,ChargePeriodEnd,ChargeCategory,PricingCategory,ServiceName,ResourceId,BilledCost,EffectiveCost,BillingCurrency,Tags";
/** How each export spells the tag the AWS load balancer controller and EKS put on what the cluster owns. */
const CUR_TAG = `"{""user_kubernetes_io_cluster_prod"":""owned""}"`;
const FOCUS_TAG = `"{""kubernetes.io/cluster/prod"":""owned""}"`;
const EKS = "arn:aws:eks:us-east-1:123456789012:cluster/prod";

/** The month's charges: per node and day the instance (whole day, its discount), then the rest. */
function charges(): Charge[] {
  const out: Charge[] = [];
  const arn = (i: string) => `arn:aws:ec2:us-east-1:123456789012:instance/${i}`;
  for (let d = 0; d < DAYS; d++) {
    // The cluster's instances ran before the cluster started too (provisioning): days 0 and 1.
    for (const n of NODES) {
      if (!present(n, d)) continue;
      const paid = n.list * n.factor;
      if (n.kind === "sp") {
        const fee = paid * 1.05; // the plan's commitment is 5 % more than it covers: 5 % unused
        out.push({ day: d, cur: [`SavingsPlanCoveredUsage,AmazonEC2,${n.instance},${n.list},USD,${paid},,,`, `SavingsPlanNegation,AmazonEC2,${n.instance},${-n.list},USD,,,,`, `SavingsPlanRecurringFee,ComputeSavingsPlans,${SP},${fee},USD,,${paid},,`], focus: [`Usage,Committed,Amazon Elastic Compute Cloud,${arn(n.instance)},0,${paid},USD`, `Purchase,Committed,Savings Plans,${SP},${fee},0,USD`, `Usage,Committed,Savings Plans,${SP},0,${fee - paid},USD`] });
      } else if (n.kind === "ri") {
        const unused = 0.2;
        out.push({ day: d, cur: [`DiscountedUsage,AmazonEC2,${n.instance},0,USD,,,${paid},`, `RIFee,AmazonEC2,${RI},${paid + unused},USD,,,,${unused}`], focus: [`Usage,Committed,Amazon Elastic Compute Cloud,${arn(n.instance)},0,${paid},USD`, `Purchase,Committed,Amazon Elastic Compute Cloud,${RI},${paid + unused},0,USD`, `Usage,Committed,Amazon Elastic Compute Cloud,${RI},0,${unused},USD`] });
      } else {
        out.push({ day: d, cur: [`Usage,AmazonEC2,${n.instance},${paid},USD,,,,`], focus: [`Usage,${n.kind === "spot" ? "Dynamic" : "Standard"},Amazon Elastic Compute Cloud,${arn(n.instance)},${paid},${paid},USD`] });
      }
    }
    for (const v of ROOT_VOLUMES) out.push({ day: d, cur: [`Usage,AmazonEC2,${v},0.0267,USD,,,,`], focus: [`Usage,Standard,Amazon Elastic Compute Cloud,arn:aws:ec2:us-east-1:123456789012:volume/${v},0.0267,0.0267,USD`] });
    out.push({ day: d, cur: [`Usage,AmazonEC2,${NAT},1.08,USD,,,,,${CUR_TAG}`], focus: [`Usage,Standard,Amazon Virtual Private Cloud,${NAT},1.08,1.08,USD,${FOCUS_TAG}`] });
    out.push({ day: d, cur: [`Usage,AmazonEKS,${EKS},2.4,USD,,,,,"{""aws_eks_cluster_name"":""prod""}"`], focus: [`Usage,Standard,Amazon Elastic Kubernetes Service,${EKS},2.4,2.4,USD,"{""aws:eks:cluster-name"":""prod""}"`] });
    out.push({ day: d, cur: [`Usage,AmazonEC2,${FOREIGN},0.5,USD,,,,`], focus: [`Usage,Standard,Amazon Elastic Compute Cloud,${arn(FOREIGN)},0.5,0.5,USD`] });
  }
  out.push({ day: 0, cur: [`Tax,AmazonEC2,,41.17,USD,,,,`], focus: [`Tax,,Amazon Elastic Compute Cloud,,41.17,41.17,USD`] });
  out.push({ day: 14, cur: [`Credit,AmazonEC2,,-25,USD,,,,`], focus: [`Credit,,Amazon Elastic Compute Cloud,,-25,-25,USD`] });
  return out;
}

function writeExports(): { cur: string; focus: string } {
  const dir = tempDir("kce-month-");
  const cur = [CUR_HEADER];
  const focus = [FOCUS_HEADER];
  let id = 0;
  for (const c of charges()) {
    const start = MONTH + c.day * DAY;
    for (const row of c.cur) {
      const comma = row.indexOf(',"');
      const [fields, tags] = comma < 0 ? [row, ""] : [row.slice(0, comma), row.slice(comma + 1)];
      const [type, product, resource, unblended, currency, spEffective, spUsed, riEffective, riUnused] = fields.split(",");
      cur.push([`li-${id++}`, `${iso(start)}/${iso(start + DAY)}`, iso(start), type, product, resource, unblended, currency, spEffective, spUsed, riEffective, riUnused, tags].join(","));
    }
    for (const row of c.focus) focus.push([iso(start), iso(start + DAY), row.includes('"') ? row : `${row},`].join(","));
  }
  const paths = { cur: join(dir, "cur2.csv"), focus: join(dir, "focus.csv") };
  writeFileSync(paths.cur, cur.join("\n") + "\n");
  writeFileSync(paths.focus, focus.join("\n") + "\n");
  return paths;
}

async function report(path: string): Promise<AccuracyReport> {
  const bill = new BillAggregate();
  await ingestFile(path, bill);
  return buildReport(reconcile(rollups(), bill), bill.files, bill.currency);
}

const sumLevel = (r: AccuracyReport, level: string) => r.rows.filter((x) => x.level === level).reduce((a, x) => a + x.billed, 0);

describe("a month of one account as CUR 2.0 and as FOCUS (issue 20)", () => {
  it("accounts for every line to the cent in both formats, and both give the same report", async () => {
    const { cur, focus } = writeExports();
    const [a, b] = [await report(cur), await report(focus)];
    for (const r of [a, b]) {
      expect(totalsAgree(r)).toBe(true);
      expect(Math.abs(r.accountedTotal - r.billTotal)).toBeLessThan(0.005);
      expect(r.files[0]?.badRows).toBe(0);
      expect(r.files[0]?.duplicates).toBe(0);
    }
    // The same money in both: the bill, each node, the unallocated items and the days before the cluster.
    expect(a.billTotal).toBeCloseTo(b.billTotal, 9);
    for (const n of NODES) {
      const billed = (r: AccuracyReport) => r.rows.find((x) => x.level === "node" && x.name === n.name)?.billed;
      expect(billed(a)).toBeCloseTo(billed(b) ?? NaN, 9);
      const days = DAYS - CLUSTER_FROM - (n.name === "node-gone" ? DAYS - 1 - GONE_AFTER : 0);
      expect(billed(a)).toBeCloseTo(n.list * n.factor * days, 9); // discounts exactly, nothing doubled
    }
    expect(a.unmatchedTotal).toBeCloseTo(b.unmatchedTotal, 9);
    expect(a.outsideTotal).toBeCloseTo(b.outsideTotal, 9);
    expect(sumLevel(a, "outside")).toBeCloseTo(a.outsideTotal, 9);
    // The two days before the cluster started are reported with everything billed on them (tax included).
    expect(a.rows.filter((r) => r.level === "outside").map((r) => r.name)).toEqual(["2026-11-01", "2026-11-02"]);
    // The NAT gateway and the EKS control plane carry the cluster's tags: cluster charges, not unallocated.
    for (const r of [a, b]) {
      expect(r.clusterChargesTotal).toBeCloseTo((1.08 + 2.4) * (DAYS - CLUSTER_FROM), 9);
      expect(r.rows.filter((x) => x.level === "cluster-charge").every((x) => x.cluster === "prod")).toBe(true);
      expect(r.unmatched.some((u) => u.resourceId.includes("nat-0abc"))).toBe(false);
    }
    expect(a.clusterChargesTotal).toBeCloseTo(b.clusterChargesTotal, 9);
    // Every unallocated line names its resource, except tax and credits, which have none.
    for (const r of [a, b]) {
      for (const u of r.unmatched) if (!/tax|credit/i.test(u.kind)) expect(u.resourceId, u.kind).not.toBe("");
      expect(r.unmatched.some((u) => u.resourceId.includes(FOREIGN))).toBe(true); // untagged: unallocated
    }
    // The unused commitments are the only commitment money outside the nodes: 5 % of the plan, the RI's 0.20 a day.
    const unused = (r: AccuracyReport) => r.unmatched.filter((u) => u.resourceId === SP || u.resourceId === RI).reduce((s, u) => s + u.cost, 0);
    const sp = NODES[0];
    expect(unused(a)).toBeCloseTo(unused(b), 9);
    expect(unused(a)).toBeCloseTo(((sp?.list ?? 0) * (sp?.factor ?? 0) * 0.05 + 0.2) * (DAYS - CLUSTER_FROM), 9);
  });

  it("refuses the two exports of the same charges together", async () => {
    const { cur, focus } = writeExports();
    const bill = new BillAggregate();
    await ingestFile(cur, bill);
    await expect(ingestFile(focus, bill)).rejects.toThrow(BillOverlapError);
  });
});
