import { describe, expect, it } from "vitest";
import { validateConfig } from "../../config/load.ts";
import type { CostRollup } from "../../model/events.ts";
import { readPriceSnapshot, SnapshotPriceBook } from "../../pricing/snapshot/snapshot.ts";
import { priceSnapshot } from "../../processors/pricer/cost-model.ts";
import { podUsage, usageSnapshot } from "../../testkit/fixtures.ts";
import { buildAlert, decide, observe } from "./evaluator.ts";
import { slackText } from "./payloads.ts";
import { sign, verify } from "./signature.ts";
import { alertLink } from "./links.ts";

const config = validateConfig({ budgets: [{ name: "pay", namespace: "alpha", labels: { team: "payments" }, monthlyUsd: 500 }] });
const rule = config.budgets[0] as (typeof config.budgets)[number];

describe("alert state", () => {
  it("fires once per period, resolves below 95 %, never fires twice in a month", () => {
    let s = decide(undefined, "2026-11", 410, 400);
    expect(s.decision).toBe("fire");
    s = decide(s.next, "2026-11", 500, 400);
    expect(s.decision).toBe("none");
    s = decide(s.next, "2026-11", 390, 400); // under, but not under 95 %
    expect(s.decision).toBe("none");
    s = decide(s.next, "2026-11", 370, 400);
    expect(s.decision).toBe("resolve");
    s = decide(s.next, "2026-11", 450, 400);
    expect(s.decision).toBe("none");
    expect(decide(s.next, "2026-12", 450, 400).decision).toBe("fire");
  });
});

describe("budget observation", () => {
  const book = new SnapshotPriceBook(readPriceSnapshot(), config.pricing);
  const now = Date.UTC(2026, 10, 15, 12);
  const priced = priceSnapshot(
    usageSnapshot({ windowStartMs: now - 60_000, pods: [podUsage({ namespace: "alpha", labels: { team: "payments" } }), podUsage({ namespace: "alpha", uid: "x", name: "other", labels: { team: "web" } })] }),
    book,
    config.pricing,
    0,
  );
  it("takes the run rate from the newest window and month-to-date from this month's daily rollups", () => {
    const day = (start: number, cost: number): CostRollup => ({
      resolution: "1d", cluster: "test", windowStartMs: start, windowEndMs: start + 86_400_000, rev: 1, final: false, snapshotCount: 1, part: 0, parts: 1, nodes: [], volumes: [],
      rows: [{ dimension: "pod", namespace: "alpha", controllerKind: "", controllerName: "", labelKey: "", labelValue: "", pod: "p", podUid: "u", node: "n", labels: { team: "payments" }, podCount: 1, podHours: 24, cpuCoreHours: 0, cpuCoreRequestHours: 0, cpuCoreUsageHours: 0, ramByteHours: 0, ramByteRequestHours: 0, ramByteUsageHours: 0, gpuHours: 0, cpuCost: 0, ramCost: 0, gpuCost: 0, pvCost: 0, networkCost: 0, totalCost: cost, realisedSavings: 0, potentialSavings: 0 }],
    });
    const o = observe(rule, [priced], [day(Date.UTC(2026, 10, 1), 10), day(Date.UTC(2026, 10, 2), 5), day(Date.UTC(2026, 9, 31), 99)], now);
    const perHour = (priced.pods[0]?.totalCost ?? 0) * 60;
    expect(o.runRateHourly).toBeCloseTo(perHour, 12);
    expect(o.monthToDate).toBe(15);
    expect(o.forecastMonthly).toBeCloseTo(15 + perHour * (Date.UTC(2026, 11, 1) - now) / 3_600_000, 9);
    expect(o.drivers.map((d) => d.name)).toEqual(["alpha/web"]);
    const alert = buildAlert({ cluster: "test", rule, thresholdPct: 80, basis: "forecast", status: "firing", observation: o, links: { dashboardUrl: "", publicUrl: "" }, nowMs: now });
    expect(alert.id).toBe("pay/*|alpha|team=payments/80/forecast/2026-11/firing");
    expect(alert.observedMonthlyUsd).toBe(o.forecastMonthly);
    expect(slackText({ ...alert, observedMonthlyUsd: 567, monthlyBudgetUsd: 500, overBudgetUsd: 67, overBudgetPct: 13.4 })).toContain("Over Budget: $67.00 (13.4%)");
  });
});

describe("HMAC signatures", () => {
  it("verify what was signed, and refuse tampering and replays", () => {
    const body = '{"a":1}';
    const header = sign("s3cret", body, 1_700_000_000_000);
    expect(verify("s3cret", header, body, 1_700_000_010_000)).toEqual({ ok: true });
    expect(verify("s3cret", header, '{"a":2}', 1_700_000_010_000).ok).toBe(false);
    expect(verify("other", header, body, 1_700_000_010_000).ok).toBe(false);
    expect(verify("s3cret", header, body, 1_700_001_000_000)).toEqual({ ok: false, reason: "timestamp outside the tolerance (replay?)" });
    expect(verify("s3cret", undefined, body, 0).ok).toBe(false);
  });
});

describe("where an alert links to", () => {
  it("fills a dashboard template, or else opens the web app's allocation page filtered to the scope", () => {
    expect(alertLink({ dashboardUrl: "https://grafana.example/d/x?var-ns={namespace}&var-c={cluster}", publicUrl: "https://cost.example.com" }, { cluster: "prod eu", namespace: "shop" }, "month")).toBe(
      "https://grafana.example/d/x?var-ns=shop&var-c=prod%20eu",
    );
    const link = new URL(alertLink({ dashboardUrl: "", publicUrl: "https://cost.example.com/" }, { cluster: "prod", namespace: "shop", labels: { team: "payments" } }, "month"));
    expect(link.origin + link.pathname).toBe("https://cost.example.com/ui/allocation");
    expect(Object.fromEntries(link.searchParams)).toEqual({ window: "month", aggregate: "controller", filter: 'cluster:"prod"+namespace:"shop"+label[team]:"payments"' });
    // A cluster-wide scope opens the namespaces; neither configured: no link.
    expect(new URL(alertLink({ dashboardUrl: "", publicUrl: "https://cost.example.com" }, { cluster: "prod", namespace: "" }, "24h")).searchParams.get("aggregate")).toBe("namespace");
    expect(alertLink({ dashboardUrl: "", publicUrl: "" }, { cluster: "prod", namespace: "shop" }, "month")).toBe("");
  });
});
