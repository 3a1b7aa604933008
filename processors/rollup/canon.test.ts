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

  it("makes two snapshots of the same pods share their pod rows' strings, key lists and label sets", () => {
    const canon = new Canon();
    const first = snapshotDelta(pricedSnapshot(), ["team"], canon).pods[0];
    const second = snapshotDelta(pricedSnapshot(), ["team"], canon).pods[0];
    expect(second?.uid).toBe(first?.uid);
    expect(second?.keys).toBe(first?.keys);
    expect(second?.labels).toBe(first?.labels);
    expect(second?.totals).not.toBe(first?.totals);
  });
});
