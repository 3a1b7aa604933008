import { describe, expect, it } from "vitest";
import type { KubeObject } from "./objects.ts";
import { parseFieldSelector, parseLabelSelector, SelectorError } from "./selectors.ts";
import { parseQuantity } from "../model/quantity.ts";
import { humanAge } from "./tables.ts";

const obj = (labels: Record<string, string>, nodeName = "n1"): KubeObject => ({
  apiVersion: "v1", kind: "Pod", metadata: { name: "p", namespace: "ns", uid: "u", resourceVersion: "1", creationTimestamp: "", labels }, spec: { nodeName },
});

describe("selectors", () => {
  it("filters by fields like the API server", () => {
    expect(parseFieldSelector("spec.nodeName=n1")(obj({}))).toBe(true);
    expect(parseFieldSelector("spec.nodeName==n2")(obj({}))).toBe(false);
    expect(parseFieldSelector("spec.nodeName!=n2,metadata.namespace=ns")(obj({}))).toBe(true);
    expect(() => parseFieldSelector("spec.bogus=x")).toThrow(SelectorError);
  });

  it("filters by labels with equality, sets and existence", () => {
    const o = obj({ app: "api", tier: "web" });
    expect(parseLabelSelector("app=api")(o)).toBe(true);
    expect(parseLabelSelector("app in (db, api),tier")(o)).toBe(true);
    expect(parseLabelSelector("app notin (api)")(o)).toBe(false);
    expect(parseLabelSelector("!team")(o)).toBe(true);
    expect(parseLabelSelector("tier!=web")(o)).toBe(false);
    expect(() => parseLabelSelector("a=(b")).toThrow(SelectorError);
  });
});

describe("quantities and ages", () => {
  it("parses Kubernetes quantities", () => {
    expect(parseQuantity("250m")).toBe(0.25);
    expect(parseQuantity("1Gi")).toBe(2 ** 30);
    expect(parseQuantity("7935348Ki")).toBe(7935348 * 1024);
    expect(parseQuantity("1.5")).toBe(1.5);
    expect(parseQuantity("2G")).toBe(2e9);
    expect(() => parseQuantity("lots")).toThrow();
  });

  it("prints ages like kubectl", () => {
    expect(humanAge(45_000)).toBe("45s");
    expect(humanAge(5 * 60_000 + 3000)).toBe("5m3s");
    expect(humanAge(3 * 3_600_000 + 60_000)).toBe("3h1m");
    expect(humanAge(50 * 3_600_000)).toBe("2d2h");
  });
});
