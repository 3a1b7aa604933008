import { describe, expect, it } from "vitest";
import type { PricedSnapshot } from "../model/events.ts";
import { readPriceSnapshot, SnapshotPriceBook } from "../pricing/snapshot/snapshot.ts";
import { priceSnapshot } from "../processors/pricer/cost-model.ts";
import { RollupEngine } from "../processors/rollup/engine.ts";
import { defaultConfig, GiB, nodeInfo, podUsage, usageSnapshot } from "../testkit/fixtures.ts";
import { activeSpan, computeAllocations, IDLE } from "./allocation.ts";
import { ParamError } from "./errors.ts";
import { parseFilter } from "./filter.ts";
import { parseAllocationParams } from "./params.ts";
import { materialize, RollupIndex } from "./rollup-index.ts";
import { DAY_MS, HOUR_MS, parseWindow, steps } from "./window.ts";
import type { ApiContext, ApiResponse } from "./handlers.ts";
import { NodeRates } from "./rates.ts";
import { summaryHandler, type ClusterSummary } from "./summary.ts";
import { timeseriesHandler, type TimeSeries } from "./timeseries.ts";
import { budgetsHandler, type BudgetStatus } from "./budgets.ts";
import { reconciliationHandler } from "./reconciliation.ts";

const NOW = Date.UTC(2026, 10, 23, 10, 30, 0); // a Monday, 10:30 UTC

describe("window parameter", () => {
  it("reads OpenCost's window forms, in UTC", () => {
    expect(parseWindow("24h", NOW)).toEqual({ startMs: NOW - DAY_MS, endMs: NOW });
    expect(parseWindow("30m", NOW)).toEqual({ startMs: NOW - 1_800_000, endMs: NOW });
    expect(parseWindow("today", NOW)).toEqual({ startMs: Date.UTC(2026, 10, 23), endMs: NOW });
    expect(parseWindow("yesterday", NOW)).toEqual({ startMs: Date.UTC(2026, 10, 22), endMs: Date.UTC(2026, 10, 23) });
    expect(parseWindow("week", NOW).startMs).toBe(Date.UTC(2026, 10, 22)); // Sunday
    expect(parseWindow("month", NOW).startMs).toBe(Date.UTC(2026, 10, 1));
    expect(parseWindow("lastmonth", NOW)).toEqual({ startMs: Date.UTC(2026, 9, 1), endMs: Date.UTC(2026, 10, 1) });
    expect(parseWindow("2026-11-20T00:00:00Z,2026-11-21T00:00:00Z", NOW)).toEqual({ startMs: Date.UTC(2026, 10, 20), endMs: Date.UTC(2026, 10, 21) });
    expect(parseWindow("1763596800,1763683200", NOW)).toEqual({ startMs: 1763596800000, endMs: 1763683200000 });
    expect(steps({ startMs: 0, endMs: 3 * HOUR_MS }, HOUR_MS)).toHaveLength(3);
  });

  it("names the parameter when it is wrong", () => {
    for (const bad of [null, "", "3x", "2026-11-21T00:00:00Z,2026-11-20T00:00:00Z", "a,b,c"]) {
      expect(() => parseWindow(bad, NOW)).toThrowError(ParamError);
    }
    expect(() => parseAllocationParams(new URLSearchParams("window=1d&aggregate=team"), [], NOW)).toThrowError(/^aggregate: unknown dimension "team"/);
    expect(() => parseAllocationParams(new URLSearchParams("window=1d&aggregate=label:app"), ["team"], NOW)).toThrowError(/label "app" is not rolled up/);
    expect(() => parseAllocationParams(new URLSearchParams("window=1d&idle=maybe"), [], NOW)).toThrowError(/^idle: must be true or false/);
    expect(() => parseAllocationParams(new URLSearchParams("window=1d&step=soon"), [], NOW)).toThrowError(/^step:/);
    // Unknown parameters are ignored, as OpenCost does, and said in the answer's warning.
    expect(parseAllocationParams(new URLSearchParams("window=1d&windw=2d"), [], NOW).warnings.join(" ")).toMatch(/ignored unknown parameter\(s\) windw/);
    expect(parseAllocationParams(new URLSearchParams("window=1d&accumulateBy=day&sharelb=false&splitIdle=true"), [], NOW).warnings).toEqual([]);
    expect(parseAllocationParams(new URLSearchParams("window=1d&resolution=1m"), [], NOW).aggregate).toEqual(["pod"]);
  });
});

describe("OpenCost's older filter parameters, as kubectl-cost sends them", () => {
  const t = { cluster: "prod", node: "n1", namespace: "kube-system", controllerKind: "DaemonSet", controllerName: "kube-proxy", pod: "kube-proxy-abc", labels: { team: "platform" } };
  const filter = (q: string) => parseAllocationParams(new URLSearchParams(`window=1d&${q}`), [], NOW).filter;
  it("reads filterNamespaces (empty = no filter), filterClusters, filterControllers (kind:name), filterLabels", () => {
    expect(filter("filterNamespaces=")(t)).toBe(true);
    expect(filter("filterNamespaces=default,kube-system")(t)).toBe(true);
    expect(filter("filterNamespaces=default")(t)).toBe(false);
    expect(filter("filterClusters=prod&filterControllers=daemonset:kube-proxy")(t)).toBe(true);
    expect(filter("filterControllerKinds=Deployment")(t)).toBe(false);
    expect(filter("filterControllerKinds=daemonset")(t)).toBe(true); // OpenCost's lower-case kinds
    expect(filter("filterLabels=team:platform")(t)).toBe(true);
    expect(filter('filterLabels=team:platform&filter=namespace:"default"')(t)).toBe(false); // and-ed with filter
  });
});

describe("filter language", () => {
  const t = { cluster: "prod", node: "n1", namespace: "kube-system", controllerKind: "DaemonSet", controllerName: "kube-proxy", pod: "kube-proxy-abc", labels: { team: "platform" } };
  it("matches any of the values, negations, prefixes, labels, and terms joined by +", () => {
    expect(parseFilter('namespace:"default","kube-system"')(t)).toBe(true);
    expect(parseFilter('namespace!:"kube-system"')(t)).toBe(false);
    expect(parseFilter('pod:"kube-proxy*"+label[team]:"platform"')(t)).toBe(true);
    expect(parseFilter('cluster:"prod"+controllerKind:"Deployment"')(t)).toBe(false);
    expect(() => parseFilter('colour:"red"')).toThrowError(/unknown field colour/);
    expect(() => parseFilter("namespace:default")).toThrowError(/quoted value/);
  });
});

describe("allocations from rollups", () => {
  const config = defaultConfig({ rollup: { emitIntervalSeconds: { "1m": 1, "1h": 1, "1d": 1 }, labelKeys: ["team"] } });
  const book = new SnapshotPriceBook(readPriceSnapshot(), config.pricing);
  const pods = [
    podUsage({ namespace: "alpha", name: "web-1", uid: "w1", labels: { team: "payments" } }),
    podUsage({ namespace: "alpha", name: "web-2", uid: "w2", labels: { team: "payments" } }),
    podUsage({ namespace: "beta", name: "batch-1", uid: "b1", controllerKind: "Job", controllerName: "batch", labels: {}, cpuRequestCores: 1 }),
  ];
  const snapshots: PricedSnapshot[] = [];
  for (let m = 0; m < 120; m += 10) {
    for (const [node, info] of [["a", nodeInfo()], ["b", nodeInfo({ instanceType: "m5.large", capacityType: "SPOT", cpuCores: 2, memoryBytes: 8 * GiB })]] as const) {
      const start = NOW - 2 * HOUR_MS + m * 60_000 - (NOW % HOUR_MS);
      snapshots.push(priceSnapshot(usageSnapshot({ node, nodeInfo: info, windowStartMs: start, pods: node === "a" ? pods.slice(0, 2) : pods.slice(2) }), book, config.pricing, 0));
    }
  }
  const engine = new RollupEngine(config.rollup, NOW);
  for (const s of snapshots) engine.fold(s, NOW);
  const index = new RollupIndex({ hourlyRetentionHours: 48, dailyRetentionDays: 35 });
  for (const e of engine.due(NOW)) index.apply(e.rollup);
  const query = (aggregate: string[], extra: Partial<{ idle: boolean; shareIdle: boolean; splitIdle: boolean; idleByNode: boolean; filter: string }> = {}) =>
    computeAllocations(index, { range: { startMs: NOW - 3 * HOUR_MS, endMs: NOW }, aggregate, filter: parseFilter(extra.filter ?? null), idle: extra.idle ?? true, shareIdle: extra.shareIdle ?? false, splitIdle: extra.splitIdle ?? false, idleByNode: extra.idleByNode ?? false }, NOW);
  const sum = (f: (s: PricedSnapshot) => number) => snapshots.reduce((acc, s) => acc + f(s), 0);

  it("sums every pod cost into its namespace, and idle from the node rows", () => {
    const set = query(["namespace"]);
    const byName = new Map(set.allocations.map((a) => [a.name, a]));
    const alpha = sum((s) => s.pods.filter((p) => p.namespace === "alpha").reduce((x, p) => x + p.totalCost, 0));
    expect(byName.get("alpha")?.totalCost).toBeCloseTo(alpha, 12);
    expect(byName.get("alpha")?.podCount).toBe(2);
    expect(byName.get(IDLE)?.totalCost).toBeCloseTo(sum((s) => s.nodeCost.idleCost), 12);
    const all = set.allocations.reduce((x, a) => x + a.totalCost, 0);
    expect(all).toBeCloseTo(sum((s) => s.nodeCost.windowCost + s.volumes.reduce((v, x) => v + x.windowCost, 0)), 12);
  });

  it("shares idle by compute cost without changing the total", () => {
    const shared = query(["namespace"], { shareIdle: true });
    expect(shared.allocations.some((a) => a.name === IDLE)).toBe(false);
    const total = (xs: typeof shared.allocations) => xs.reduce((x, a) => x + a.totalCost, 0);
    expect(total(shared.allocations)).toBeCloseTo(total(query(["namespace"]).allocations), 12);
  });

  it("aggregates by controller, pod, node, label and combinations, with filters, named as OpenCost names them", () => {
    expect(query(["controller"], { idle: false }).allocations.map((a) => a.name).sort()).toEqual(["deployment:web", "job:batch"]);
    // Pod allocations are named by the pod (kubectl-cost splits names on "/" against its aggregation).
    expect(query(["pod"], { idle: false }).allocations.map((a) => a.name).sort()).toEqual(["batch-1", "web-1", "web-2"]);
    expect(query(["cluster", "namespace", "pod"]).allocations.map((a) => a.name).sort()).toEqual(["__idle__", "test/alpha/web-1", "test/alpha/web-2", "test/beta/batch-1"]);
    expect(query(["cluster", "namespace", "deployment"], { idle: false }).allocations.map((a) => a.name).sort()).toEqual(["test/alpha/web", "test/beta/__unallocated__"]);
    expect(query(["node"]).allocations.map((a) => a.name).sort()).toEqual(["__idle__", "a", "b"]);
    expect(query(["node"], { splitIdle: true, idleByNode: true }).allocations.map((a) => a.name).sort()).toEqual(["a", "a/__idle__", "b", "b/__idle__"]);
    expect(query(["cluster"], { splitIdle: true }).allocations.map((a) => a.name).sort()).toEqual(["test", "test/__idle__"]);
    // Label allocations are named by the value alone.
    expect(query(["label:team"], { idle: false }).allocations.map((a) => a.name).sort()).toEqual(["__unallocated__", "payments"]);
    const filtered = query(["namespace", "controller"], { filter: 'namespace:"alpha"' }).allocations;
    expect(filtered.map((a) => a.name)).toEqual(["alpha/deployment:web"]); // a namespace filter leaves no idle
    expect(filtered[0]?.properties).toMatchObject({ namespace: "alpha", controllerKind: "deployment", controller: "web" });
  });

  it("reports efficiency and averages over the covered window, and spot savings", () => {
    const beta = query(["namespace"]).allocations.find((a) => a.name === "beta");
    expect(beta?.cpuEfficiency).toBeCloseTo(0.25, 12); // uses 0.25 of the 1 core it requests
    const covered = query(["namespace"]).covered;
    expect(covered.startMs % HOUR_MS).toBe(0);
    // Averages over the allocation's own span (OpenCost's start/end/minutes), not the query window.
    expect(beta?.minutes).toBeGreaterThan(0);
    expect(beta?.minutes).toBeLessThanOrEqual((covered.endMs - covered.startMs) / 60_000);
    expect(beta?.cpuCoreRequestAverage).toBeCloseTo((1 * 12 * 60) / 3600 / ((beta?.minutes ?? NaN) / 60), 12);
    expect(beta?.realisedSavings).toBeGreaterThan(0);
    expect(query(["namespace"]).allocations.find((a) => a.name === "alpha")?.potentialSavings).toBeGreaterThan(0);
  });

  const ctx = (): ApiContext => {
    const rates = new NodeRates(600_000);
    for (const snap of snapshots.slice(-2)) rates.apply(snap, NOW);
    return { index, rates, labelKeys: ["team"], maxResponseRows: 1000, currencyCode: "USD", now: () => NOW, budgets: [{ name: "alpha", namespace: "alpha", monthlyUsd: 10, thresholdsPct: [80, 100], basis: ["runRate", "forecast"] }] };
  };
  const data = <T>(r: ApiResponse): T => (r.body as { data: T }).data;

  it("shares idle into OpenCost's *CostIdle fields, which add up to the idle shared", () => {
    const idle = query(["namespace"]).allocations.find((a) => a.name === IDLE)?.totalCost ?? NaN;
    const shared = query(["namespace"], { shareIdle: true }).allocations.reduce((x, a) => x + a.cpuCostIdle + a.ramCostIdle + a.gpuCostIdle, 0);
    expect(shared).toBeCloseTo(idle, 12);
  });

  it("/timeseries: each step's cost per allocation, the same names and totals as /allocation?step=, from namespace rows or pod rows", () => {
    for (const [aggregate, filter] of [["namespace", ""], ["cluster", 'namespace:"alpha"'], ["controller", ""], ["label:team", ""]] as const) {
      const q = new URLSearchParams({ window: "3h", step: "1h", aggregate, top: "50", ...(filter === "" ? {} : { filter }) });
      const ts = data<TimeSeries>(timeseriesHandler(ctx(), q));
      const sets = steps(parseWindow("3h", NOW), HOUR_MS).map((range) => computeAllocations(index, { range, aggregate: [aggregate], filter: parseFilter(filter === "" ? null : filter), idle: true, shareIdle: false }, NOW).allocations);
      expect(ts.x).toHaveLength(sets.length);
      sets.forEach((set, i) => {
        expect(ts.total[i]).toBeCloseTo(set.reduce((x, a) => x + a.totalCost, 0), 12);
        for (const a of set) expect(ts.series.find((s) => s.name === a.name)?.values[i] ?? 0).toBeCloseTo(a.totalCost, 12);
      });
    }
    const top1 = data<TimeSeries>(timeseriesHandler(ctx(), new URLSearchParams("window=3h&aggregate=namespace&top=1")));
    expect(top1.series).toHaveLength(1);
    expect(top1.other?.count).toBe(2); // the other namespace and __idle__
    expect(() => timeseriesHandler(ctx(), new URLSearchParams("window=3h&top=0"))).toThrowError(/^top: must be a whole number/);
    expect(() => timeseriesHandler(ctx(), new URLSearchParams("window=3h&shareIdle=true"))).toThrowError(/^shareIdle:/);
  });

  it("/summary: month to date and idle share from the rollups, cost per hour now from every node's newest window", () => {
    const s = data<{ total: ClusterSummary; clusters: ClusterSummary[]; topNamespaces: Array<{ namespace: string; monthToDate: number }> }>(summaryHandler(ctx(), new URLSearchParams()));
    const month = computeAllocations(index, { range: parseWindow("month", NOW), aggregate: ["namespace"], filter: parseFilter(null), idle: true, shareIdle: false }, NOW).allocations;
    const mtd = month.reduce((x, a) => x + a.totalCost, 0);
    expect(s.total.monthToDate).toBeCloseTo(mtd, 12);
    expect(s.total.idleShare).toBeCloseTo((month.find((a) => a.name === IDLE)?.totalCost ?? NaN) / mtd, 12);
    // From namespace and node rows: the same savings and efficiency as /allocation's pod rows give.
    expect(s.total.realisedSavings).toBeCloseTo(month.reduce((x, a) => x + a.realisedSavings, 0), 12);
    expect(s.total.potentialSavings).toBeCloseTo(month.reduce((x, a) => x + a.potentialSavings, 0), 12);
    const byCluster = computeAllocations(index, { range: parseWindow("month", NOW), aggregate: ["cluster"], filter: parseFilter(null), idle: false, shareIdle: false }, NOW).allocations;
    expect(s.total.efficiency).toBeCloseTo(byCluster[0]?.totalEfficiency ?? NaN, 12);
    expect(s.topNamespaces.map((n) => n.namespace).sort()).toEqual(month.map((a) => a.name).sort());
    for (const n of s.topNamespaces) expect(n.monthToDate).toBeCloseTo(month.find((a) => a.name === n.namespace)?.totalCost ?? NaN, 12);
    const newest = snapshots.slice(-2);
    expect(s.total.hourlyCost).toBeCloseTo(newest.reduce((x, p) => x + (p.pods.reduce((y, q) => y + q.totalCost, 0) + p.nodeCost.idleCost) / (p.windowSeconds / 3600), 0), 12);
    expect(s.total.forecastMonthly).toBeGreaterThan(s.total.monthToDate);
    expect(s.clusters.map((c) => c.cluster)).toEqual(["test"]);
    expect(() => summaryHandler(ctx(), new URLSearchParams("window=1d"))).toThrowError(ParamError);
  });

  it("/budgets: a budget's month to date is its scope's pod costs (no idle), with burn against the budget", () => {
    const b = data<{ budgets: BudgetStatus[] }>(budgetsHandler(ctx(), new URLSearchParams())).budgets[0];
    const alpha = computeAllocations(index, { range: parseWindow("month", NOW), aggregate: ["namespace"], filter: parseFilter('namespace:"alpha"'), idle: false, shareIdle: false }, NOW).allocations[0]?.totalCost ?? NaN;
    expect(b?.monthToDate).toBeCloseTo(alpha, 12);
    expect(b?.burnPct).toBeCloseTo((alpha / 10) * 100, 9);
    expect(b?.hourlyCost).toBeGreaterThan(0);
  });

  it("/reconciliation: the estimate beside the bill per node and day", () => {
    const day = Math.floor(NOW / DAY_MS) * DAY_MS;
    const estimated = index.day("test", day);
    expect(estimated).toBeDefined();
    const reconciled = new RollupIndex({ hourlyRetentionHours: 48, dailyRetentionDays: 35 });
    if (estimated !== undefined) reconciled.apply({ ...materialize(estimated), rev: estimated.rev + 1, nodes: estimated.nodes.map((n) => ({ ...n, podComputeCost: n.podComputeCost * 0.8, idleCost: n.idleCost * 0.8 })) });
    const r = data<{ rows: Array<{ node: string; errorPct: number; ratio: number }>; totals: { errorPct: number } }>(reconciliationHandler({ ...ctx(), reconciled }, new URLSearchParams("window=7d")));
    expect(r.rows.map((x) => x.node).sort()).toEqual(["a", "b"]);
    for (const row of r.rows) expect(row.ratio).toBeCloseTo(0.8, 12);
    expect(r.totals.errorPct).toBeCloseTo(25, 9); // estimated = billed ÷ 0.8
  });
});

describe("an allocation's own span", () => {
  const hour = { windowStartMs: 0, windowEndMs: HOUR_MS };
  it("is the running time placed at the window's end, or at now in the open window", () => {
    expect(activeSpan(hour, 1, 10 * HOUR_MS)).toEqual({ startMs: 0, endMs: HOUR_MS });
    expect(activeSpan(hour, 0.25, 10 * HOUR_MS)).toEqual({ startMs: 0.75 * HOUR_MS, endMs: HOUR_MS });
    // a pod that started 30 s ago, 20 minutes into the current hour: 30 s, not 20 minutes (nor the hour)
    expect(activeSpan(hour, 30 / 3600, HOUR_MS / 3)).toEqual({ startMs: HOUR_MS / 3 - 30_000, endMs: HOUR_MS / 3 });
    expect(activeSpan(hour, 5, HOUR_MS)).toEqual({ startMs: 0, endMs: HOUR_MS }); // never beyond the window
  });
});
