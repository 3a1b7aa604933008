import { describe, expect, it } from "vitest";
import { readPriceSnapshot, SnapshotPriceBook } from "../../pricing/snapshot/snapshot.ts";
import { priceSnapshot } from "../../processors/pricer/cost-model.ts";
import { defaultConfig, podUsage, usageSnapshot } from "../../testkit/fixtures.ts";
import { LiveModel } from "./live-model.ts";
import { renderLiveTable } from "./live-table.ts";

const config = defaultConfig();
const book = new SnapshotPriceBook(readPriceSnapshot(), config.pricing);
const priced = (cluster: string, node: string) =>
  priceSnapshot(usageSnapshot({ cluster, node, pods: [podUsage({ uid: `${cluster}-${node}` })] }), book, config.pricing, 0);

describe("the demo's live model across clusters", () => {
  it("keeps same-named nodes of different clusters apart and adds up per cluster on the namespace table's basis", () => {
    const model = new LiveModel();
    for (const c of ["east", "west"]) for (const n of ["node-a", "node-b"]) model.applyPriced(priced(c, n));
    expect(model.nodes()).toHaveLength(4);
    const clusters = model.clusters();
    expect(clusters.map((c) => [c.cluster, c.nodes, c.pods])).toEqual([["east", 2, 2], ["west", 2, 2]]);
    const namespacesAndIdle = model.namespaces().reduce((a, n) => a + n.hourly, 0) + model.nodes().reduce((a, n) => a + n.idleHourly, 0);
    expect(clusters.reduce((a, c) => a + c.hourly, 0)).toBeCloseTo(namespacesAndIdle, 12);
    const screen = renderLiveTable(model, { cluster: "east, west", metricsUrl: "m", natsUrl: "n", simUrl: "s" }, 0);
    expect(screen).toMatch(/^ALL CLUSTERS\s+4\s+4\s/m);
  });
});
