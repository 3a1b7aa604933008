import { describe, expect, it } from "vitest";
import { parseScenario } from "./scenario.ts";
import { World } from "./world.ts";

describe("scheduled scaling", () => {
  it("starts the extra replicas when due and stops them after forSeconds", () => {
    const t0 = Date.UTC(2026, 11, 1);
    const scenario = parseScenario({
      nodes: [{ name: "n1", instanceType: "m5.xlarge", region: "us-east-1", zone: "us-east-1a" }, { name: "n2", instanceType: "m5.xlarge", region: "us-east-1", zone: "us-east-1b" }],
      workloads: [{ kind: "Deployment", name: "web", namespace: "shop", replicas: 2, scale: { afterSeconds: 60, replicas: 6, forSeconds: 120 }, containers: [{ name: "web", requests: { cpu: "100m" } }] }],
    });
    const world = new World(scenario, t0);
    const pods = () => world.list("pods", "shop").length;
    expect(pods()).toBe(2);
    world.tick(t0 + 59_000);
    expect(pods()).toBe(2);
    world.tick(t0 + 60_000);
    expect(pods()).toBe(6);
    expect(new Set(world.list("pods", "shop").map((p) => (p.spec as { nodeName?: string }).nodeName))).toEqual(new Set(["n1", "n2"]));
    world.tick(t0 + 180_000);
    expect(pods()).toBe(2);
  });
});
