import { describe, expect, it } from "vitest";
import { clusterOfSubject, fromToken, InvalidNameError, nodeOfSubject, subjects, toToken } from "./subjects.ts";

describe("subject tokens", () => {
  it("escapes DNS names with dots reversibly", () => {
    const node = "ip-10-0-1-23.ec2.internal";
    const token = toToken("node", node);
    expect(token).toBe("ip-10-0-1-23_2Eec2_2Einternal");
    expect(token).not.toMatch(/[.*> \t]/);
    expect(fromToken("node", token)).toBe(node);
  });

  it("keeps distinct names distinct (underscore is escaped too)", () => {
    expect(toToken("node", "a_2Eb")).not.toBe(toToken("node", "a.b"));
    for (const name of ["a_2Eb", "a.b", "wild*card", "x>y", "tab\tname", "ünïcode"]) expect(fromToken("n", toToken("n", name))).toBe(name);
  });

  it("rejects empty and over-long names and malformed tokens", () => {
    expect(() => toToken("cluster", "")).toThrow(InvalidNameError);
    expect(() => toToken("cluster", "x".repeat(254))).toThrow(InvalidNameError);
    expect(() => fromToken("node", "bad_Z1")).toThrow(InvalidNameError);
    expect(() => fromToken("node", "has.dot")).toThrow(InvalidNameError);
  });

  it("builds subjects and reads cluster and node back", () => {
    const s = subjects.usage("prod.eu", "node.1");
    expect(s).toBe("kce.usage.prod_2Eeu.node_2E1");
    expect(clusterOfSubject(s)).toBe("prod.eu");
    expect(nodeOfSubject(s)).toBe("node.1");
    expect(subjects.rollup("1h", "prod.eu", 1_700_000_000_000, 2)).toBe("kce.rollup.1h.prod_2Eeu.1700000000.2");
    expect(clusterOfSubject(subjects.rollup("1h", "prod.eu", 0, 0))).toBe("prod.eu");
  });
});
