import { describe, expect, it } from "vitest";
import { VOLUMES_NODE, type CostRollup } from "../../model/events.ts";
import { readPriceSnapshot, SnapshotPriceBook } from "../../pricing/snapshot/snapshot.ts";
import { priceSnapshot } from "../../processors/pricer/cost-model.ts";
import { savingsFor } from "../../processors/savings/savings.ts";
import { defaultConfig, GiB, nodeInfo, podUsage, usageSnapshot } from "../../testkit/fixtures.ts";
import { CostView } from "./cost-view.ts";
import { escapeLabel, Family } from "./text-format.ts";

const config = defaultConfig();
const book = new SnapshotPriceBook(readPriceSnapshot(), config.pricing);
const T = Date.UTC(2026, 10, 23, 10, 0, 0);
const priced = (windowStartMs: number, pods = [podUsage({ name: "a", uid: "a" }), podUsage({ name: "b", uid: "b" })]) =>
  priceSnapshot(usageSnapshot({ node: "n1", windowStartMs, pods }), book, config.pricing, 0);

describe("Prometheus text format", () => {
  it("escapes label values", () => {
    expect(escapeLabel('a"b\\c\nd')).toBe('a\\"b\\\\c\\nd');
  });

  it("renders nothing for an empty family and caches until a group changes", () => {
    const f = new Family("x", "help", "gauge");
    expect(f.render()).toBe("");
    f.setGroup("g", 'x{a="1"} 1\n');
    expect(f.render()).toBe('# HELP x help\n# TYPE x gauge\nx{a="1"} 1\n');
    f.deleteGroup("g");
    expect(f.render()).toBe("");
  });
});

describe("cost view", () => {
  it("replaces a node's pods with its newest snapshot, so deleted pods disappear", () => {
    const view = new CostView({ staleAfterMs: 300_000, namespaceDailyHours: 24 });
    view.applyPriced(priced(T), T);
    expect(view.render()).toMatch(/kube_cost_pod_hourly_usd\{cluster="test",namespace="alpha",pod="b",node="n1"\}/);
    view.applyPriced(priced(T + 60_000, [podUsage({ name: "a", uid: "a" })]), T + 60_000);
    expect(view.render()).not.toMatch(/pod="b"/);
    view.applyPriced(priced(T), T + 61_000); // an older snapshot arriving late changes nothing
    expect(view.render()).not.toMatch(/pod="b"/);
  });

  it("exposes node prices OpenCost-style and drops nodes that stopped reporting", () => {
    const view = new CostView({ staleAfterMs: 300_000, namespaceDailyHours: 24 });
    view.applyPriced(priceSnapshot(usageSnapshot({ node: "spot-1", nodeInfo: nodeInfo({ instanceType: "m5.large", capacityType: "SPOT", cpuCores: 2, memoryBytes: 8 * GiB }) }), book, config.pricing, 0), T);
    const text = view.render();
    expect(text).toMatch(/^node_total_hourly_cost\{cluster="test",node="spot-1",instance="spot-1",instance_type="m5.large",region="us-east-1",provider_id="aws:\/\/\/us-east-1a\/i-0000000000000001"\} 0.0365$/m);
    expect(text).toMatch(/^kubecost_node_is_spot\{.*node="spot-1".*\} 1$/m);
    expect(text).toMatch(/^node_gpu_hourly_cost\{.*node="spot-1".*\} 0$/m); // OpenCost emits 0 for nodes without GPUs
    expect(text).toMatch(/^kube_cost_node_price_as_of_seconds\{cluster="test",node="spot-1",price_source="snapshot"\} \d+$/m);
    view.expire(T + 300_001);
    expect(view.render()).toBe("");
  });

  it("labels pv_hourly_cost with the cloud disk id as provider_id, as OpenCost does", () => {
    const view = new CostView({ staleAfterMs: 300_000, namespaceDailyHours: 24 });
    const volume = { pvName: "pvc-1", volumeId: "vol-0abc", storageClass: "gp3", capacityBytes: 10 * GiB, claimNamespace: "alpha", claimName: "data", usedBytes: 0 };
    view.applyPriced(priceSnapshot(usageSnapshot({ volumes: [volume] }), book, config.pricing, 0), T);
    expect(view.render()).toMatch(/^pv_hourly_cost\{cluster="test",persistentvolume="pvc-1",volumename="pvc-1",provider_id="vol-0abc"\} /m);
  });

  it("serves PV series from the cluster's volume inventory once it arrives, and from the nodes again when it goes stale", () => {
    const view = new CostView({ staleAfterMs: 300_000, namespaceDailyHours: 24 });
    const volume = { pvName: "pvc-1", volumeId: "vol-0abc", storageClass: "gp3", capacityBytes: 10 * GiB, claimNamespace: "alpha", claimName: "data", usedBytes: 0 };
    const node = (at: number) => priceSnapshot(usageSnapshot({ node: "n1", windowStartMs: at, volumes: [volume] }), book, config.pricing, 0);
    const inventory = priceSnapshot(usageSnapshot({ node: VOLUMES_NODE, windowStartMs: T, pods: [], volumes: [volume] }), book, config.pricing, 0);
    const series = () => view.render().match(/^pv_hourly_cost\{/gm)?.length ?? 0;
    view.applyPriced(node(T), T);
    view.applyPriced(inventory, T);
    expect(series()).toBe(1); // not one from the node and one from the inventory
    view.applyPriced(node(T + 200_000), T + 200_000);
    view.expire(T + 300_001); // the inventory stopped (no agent holds the lease): it goes stale, the node does not
    expect(series()).toBe(0);
    view.applyPriced(node(T + 300_000), T + 300_001);
    expect(series()).toBe(1);
    expect(view.render().match(/^opencost_build_info\{/gm)).toHaveLength(1);
  });

  it("sums the namespace's last 24 hourly windows, newest revision per window", () => {
    const view = new CostView({ staleAfterMs: 300_000, namespaceDailyHours: 24 });
    const hour = (start: number, rev: number, cost: number): CostRollup => ({
      resolution: "1h", cluster: "test", windowStartMs: start, windowEndMs: start + 3_600_000, rev, final: false, snapshotCount: 1, part: 0, parts: 1, nodes: [], volumes: [],
      rows: [{ dimension: "namespace", namespace: "alpha", controllerKind: "", controllerName: "", labelKey: "", labelValue: "", pod: "", podUid: "", node: "", labels: {}, podCount: 1, podHours: 1, cpuCoreHours: 0, cpuCoreRequestHours: 0, cpuCoreUsageHours: 0, ramByteHours: 0, ramByteRequestHours: 0, ramByteUsageHours: 0, gpuHours: 0, cpuCost: 0, ramCost: 0, gpuCost: 0, pvCost: 0, networkCost: 0, totalCost: cost, realisedSavings: 0, potentialSavings: 0 }],
    });
    const now = T + 30 * 60_000;
    view.applyHourlyRollup(hour(T, 2, 1.5), now);
    view.applyHourlyRollup(hour(T, 1, 9), now); // stale revision: ignored
    view.applyHourlyRollup(hour(T - 3_600_000, 1, 1), now);
    view.applyHourlyRollup(hour(T - 24 * 3_600_000, 1, 100), now); // 25th hour back: outside the day
    expect(view.render()).toMatch(/^kube_cost_namespace_daily_usd\{cluster="test",namespace="alpha"\} 2.5$/m);
  });

  it("splits the day's cost by resource and rates workloads' used ÷ requested CPU and memory", () => {
    const view = new CostView({ staleAfterMs: 300_000, namespaceDailyHours: 24 });
    const zero = { podHours: 1, cpuCoreHours: 0, cpuCoreRequestHours: 0, cpuCoreUsageHours: 0, ramByteHours: 0, ramByteRequestHours: 0, ramByteUsageHours: 0, gpuHours: 0, cpuCost: 0, ramCost: 0, gpuCost: 0, pvCost: 0, networkCost: 0, totalCost: 0, realisedSavings: 0, potentialSavings: 0 };
    const id = { controllerKind: "", controllerName: "", labelKey: "", labelValue: "", pod: "", podUid: "", node: "", labels: {}, podCount: 1 };
    const rollup = (start: number, cpuUse: number): CostRollup => ({
      resolution: "1h", cluster: "test", windowStartMs: start, windowEndMs: start + 3_600_000, rev: 1, final: false, snapshotCount: 1, part: 0, parts: 1, nodes: [], volumes: [],
      rows: [
        { ...zero, ...id, dimension: "namespace", namespace: "alpha", cpuCost: 1, ramCost: 0.5, pvCost: 0.25, totalCost: 1.75 },
        { ...zero, ...id, dimension: "controller", namespace: "alpha", controllerKind: "Deployment", controllerName: "web", cpuCoreRequestHours: 2, cpuCoreUsageHours: cpuUse, ramByteRequestHours: 4, ramByteUsageHours: 1 },
      ],
    });
    view.applyHourlyRollup(rollup(T, 0.5), T + 60_000);
    view.applyHourlyRollup(rollup(T - 3_600_000, 1.5), T + 60_000);
    const text = view.render();
    expect(text).toMatch(/^kube_cost_namespace_resource_daily_usd\{cluster="test",namespace="alpha",resource="cpu"\} 2$/m);
    expect(text).toMatch(/^kube_cost_namespace_resource_daily_usd\{cluster="test",namespace="alpha",resource="pv"\} 0.5$/m);
    expect(text).not.toMatch(/resource="gpu"/);
    expect(text).toMatch(/^kube_cost_workload_cpu_efficiency\{cluster="test",namespace="alpha",controller_kind="Deployment",controller="web"\} 0.5$/m);
    expect(text).toMatch(/^kube_cost_workload_memory_efficiency\{.*controller="web"\} 0.25$/m);
  });

  it("counts realised spot savings once per report", () => {
    const view = new CostView({ staleAfterMs: 300_000, namespaceDailyHours: 24 });
    const spot = usageSnapshot({ nodeInfo: nodeInfo({ instanceType: "m5.large", capacityType: "SPOT", cpuCores: 2, memoryBytes: 8 * GiB }), pods: [podUsage()] });
    const report = savingsFor(priceSnapshot(spot, book, config.pricing, 0));
    view.applySavings(report, T);
    view.applySavings(report, T);
    const alpha = report.byNamespace.find((n) => n.namespace === "alpha")?.realisedSavings ?? 0;
    expect(alpha).toBeGreaterThan(0);
    expect(view.render()).toContain(`kube_cost_spot_savings_usd_total{cluster="test",namespace="alpha"} ${alpha}\n`);
  });

  it("remembers counted reports for two hours of event time, not every report of a replayed day", () => {
    const view = new CostView({ staleAfterMs: 300_000, namespaceDailyHours: 24 });
    const spot = usageSnapshot({ nodeInfo: nodeInfo({ instanceType: "m5.large", capacityType: "SPOT", cpuCores: 2, memoryBytes: 8 * GiB }), pods: [podUsage()] });
    const report = savingsFor(priceSnapshot(spot, book, config.pricing, 0));
    // A day of one node's reports arriving within a minute (a replay after an outage).
    for (let m = 0; m < 1440; m++) view.applySavings({ ...report, windowStartMs: T + m * 60_000 }, T);
    view.expire(T + 1000);
    const held = [...(view as unknown as { savingsSeen: Map<string, Map<number, number>> }).savingsSeen.values()].reduce((n, m) => n + m.size, 0);
    expect(held).toBeLessThanOrEqual(121);
    // A redelivery of a recent report still counts nothing.
    const before = view.render();
    view.applySavings({ ...report, windowStartMs: T + 1439 * 60_000 }, T + 2000);
    expect(view.render()).toBe(before);
  });
});
