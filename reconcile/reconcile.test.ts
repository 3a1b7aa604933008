import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CostRollup, NodeRollupRow } from "../model/events.ts";
import { tempDir } from "../testkit/tempdir.ts";
import { BillAggregate, ingestFile } from "./ingest.ts";
import { reconcile } from "./reconcile.ts";

const DAY = Date.UTC(2026, 10, 20);

function node(name: string, providerId: string, cost: number): NodeRollupRow {
  return {
    node: name, providerId, instanceType: "m5.xlarge", capacityType: "ON_DEMAND", region: "us-east-1", hours: 24,
    nodeCost: cost, cpuCost: cost * 0.6, ramCost: cost * 0.4, gpuCost: 0, podComputeCost: cost * 0.7, pvCost: 0,
    idleCost: cost * 0.3, idleCpuCost: cost * 0.2, idleRamCost: cost * 0.1, idleGpuCost: 0, overcommitCost: 0, realisedSavings: 0, potentialSavings: 0,
  };
}

function rollup(nodes: NodeRollupRow[]): CostRollup {
  return { resolution: "1d", cluster: "c", windowStartMs: DAY, windowEndMs: DAY + 86_400_000, rev: 1, final: true, snapshotCount: 1, part: 0, parts: 1, rows: [], nodes, volumes: [] };
}

describe("reconcile", () => {
  it("leaves committed usage without EffectiveCost as estimated instead of scaling its node to 0 (issue 20, finding 5)", async () => {
    const path = join(tempDir("kce-bill-"), "focus.csv");
    writeFileSync(path, "ChargePeriodStart,ChargeCategory,PricingCategory,ResourceId,BilledCost,BillingCurrency\n2026-11-20T00:00:00Z,Usage,Committed,i-0bbb,0.00,USD\n2026-11-20T00:00:00Z,Usage,Standard,i-0ccc,3.50,USD\n");
    const bill = new BillAggregate();
    await ingestFile(path, bill);
    const result = reconcile([rollup([node("committed", "aws:///us-east-1a/i-0bbb", 4.6), node("listed", "aws:///us-east-1a/i-0ccc", 4.6)])], bill);
    const committed = result.nodeDays.find((d) => d.node === "committed");
    expect(committed).toMatchObject({ billed: undefined, factor: 1 });
    expect(committed?.note).toMatch(/without EffectiveCost/);
    expect(result.reconciled[0]?.nodes.find((n) => n.node === "committed")?.nodeCost).toBeCloseTo(4.6, 12);
    expect(result.nodeDays.find((d) => d.node === "listed")?.factor).toBeCloseTo(3.5 / 4.6, 12);
    expect(result.unmatched).toHaveLength(0); // matched, not "unallocated"
    expect(Math.abs(result.accountedTotal - result.billTotal)).toBeLessThan(1e-12);
  });
});
