import { describe, expect, it } from "vitest";
import { Canon } from "./canon.ts";
import { snapshotDelta } from "./delta.ts";
import { priceSnapshot } from "../pricer/cost-model.ts";
import { readPriceSnapshot, SnapshotPriceBook } from "../../pricing/snapshot/snapshot.ts";
import { defaultConfig, usageSnapshot } from "../../testkit/fixtures.ts";

const config = defaultConfig();
const book = new SnapshotPriceBook(readPriceSnapshot(), config.pricing);
const pricedSnapshot = () => priceSnapshot(usageSnapshot(), book, config.pricing, 0);

describe("shared copies of what the rollup keeps per pod", () => {
  it("gives back one copy per distinct string, key list and label set, and forgets its tables past the limit", () => {
    const canon = new Canon(3);
    const a = canon.string(["uid", "1"].join("-"));
    expect(canon.string(["uid", "1"].join("-"))).toBe(a);
    const list = canon.list(["ns\u0000a", "controller\u0000x"]);
    expect(canon.list(["ns\u0000a", "controller\u0000x"])).toBe(list);
    expect(canon.labels({ app: "x" })).toBe(canon.labels({ app: "x" }));
    // Past the limit the table starts again: equal values, new copies, nothing lost.
    for (const s of ["b", "c", "d"]) canon.string(s);
    expect(canon.string(["uid", "1"].join("-"))).toBe("uid-1");
  });

  it("gives a pod seen again its shared identity, and a new one once what it is made of changes", () => {
    const canon = new Canon();
    const first = snapshotDelta(pricedSnapshot(), ["team"], canon);
    const second = snapshotDelta(pricedSnapshot(), ["team"], canon);
    expect(second.pods[0]).toBe(first.pods[0]);
    expect(second.rows).toEqual(first.rows);
    expect(second.rows[0]).toBe(first.rows[0]);
    expect(second.podTotals).toEqual(first.podTotals);
    const relabelled = pricedSnapshot();
    const pod = relabelled.pods[0];
    if (pod === undefined) throw new Error("fixture without pods");
    pod.labels = { ...pod.labels, team: "another-team" };
    const third = snapshotDelta(relabelled, ["team"], canon).pods[0];
    expect(third).not.toBe(first.pods[0]);
    expect(third?.labels).toEqual({ team: "another-team" });
    expect(third?.keys).toContain("label\u0000\u0000\u0000\u0000team\u0000another-team");
    expect(third?.keys).not.toEqual(first.pods[0]?.keys);
    // Moved to another node (a new uid in practice, but the identity must follow whatever it is told).
    expect(snapshotDelta({ ...pricedSnapshot(), node: "node-elsewhere" }, ["team"], canon).pods[0]?.node).toBe("node-elsewhere");
  });

  it("sums each pod into every row it counts in", () => {
    const priced = pricedSnapshot();
    const d = snapshotDelta(priced, ["team"]);
    const totalOf = (values: Float64Array, slot: number) => values[slot * 16 + 13] ?? NaN;
    const podSum = priced.pods.reduce((s, p) => s + p.totalCost, 0);
    const namespaceRows = d.rows.flatMap((r, j) => (r.dimension === "namespace" ? [totalOf(d.rowTotals, j)] : []));
    expect(namespaceRows.reduce((a, b) => a + b, 0)).toBeCloseTo(podSum, 12);
    priced.pods.forEach((p, i) => expect(totalOf(d.podTotals, i)).toBe(p.totalCost));
  });

  it("forgets pods not seen for two generations, and keeps those seen since", () => {
    const canon = new Canon();
    const seen = snapshotDelta(pricedSnapshot(), ["team"], canon).pods[0];
    canon.rotate();
    expect(snapshotDelta(pricedSnapshot(), ["team"], canon).pods[0]).toBe(seen); // used again: moves to the new generation
    canon.rotate();
    canon.rotate();
    expect(canon.size).toBe(0);
    const again = snapshotDelta(pricedSnapshot(), ["team"], canon).pods[0];
    expect(again).not.toBe(seen);
    expect(again).toEqual(seen);
  });
});
