import { headers } from "@nats-io/transport-node";
import { describe, expect, it } from "vitest";
import { validateConfig } from "../config/load.ts";
import { PoisonMessageError } from "./errors.ts";
import { clusterSubjects, leafStreamName, sourceCluster, streamLayout } from "./layout.ts";
import { layoutStreamConfigs } from "./streams.ts";

const msg = (subject: string, ...sources: string[]) => {
  const h = headers();
  for (const s of sources) h.append("Nats-Stream-Source", s);
  return { subject, headers: h };
};

describe("stream layout for federation", () => {
  it("names a leaf's forwarded streams after the cluster and binds only its subjects", () => {
    expect(leafStreamName("usage", "eu.west")).toBe("KCE_USAGE_eu_2Ewest");
    expect(clusterSubjects("rollup", "east")).toBe("kce.rollup.*.east.>");
    expect(clusterSubjects("savings", "east")).toBe("kce.savings.east");
    const leaf = validateConfig({ cluster: "east", federation: { role: "leaf" } });
    const specs = layoutStreamConfigs(leaf);
    expect(specs.find((s) => s.name === "KCE_USAGE_east")?.subjects).toEqual(["kce.usage.east.>"]);
    expect(specs.find((s) => s.name === "KCE_PRICED")?.subjects).toEqual(["kce.priced.>"]);
    expect(streamLayout(leaf.federation, "east").physical("KCE_USAGE")).toBe("KCE_USAGE_east");
  });

  it("feeds a hub's forwarded streams from sources only", () => {
    const hub = validateConfig({ federation: { role: "hub", mode: "per-cluster", clusters: [{ name: "east" }, { name: "west", domain: "w1" }] } });
    const rollup = layoutStreamConfigs(hub).find((s) => s.name === "KCE_ROLLUP");
    expect(rollup?.subjects).toEqual([]);
    expect(rollup?.sources?.map((s) => [s.name, s.external?.api])).toEqual([["KCE_ROLLUP_east", "$JS.east.API"], ["KCE_ROLLUP_west", "$JS.w1.API"]]);
    expect(rollup?.max_msgs_per_subject).toBe(1);
    expect(layoutStreamConfigs(hub).find((s) => s.name === "KCE_USAGE")?.subjects).toEqual(["kce.usage.>"]);
  });

  it("attributes a sourced message to its source stream's cluster and rejects a mismatch", () => {
    const hub = streamLayout(validateConfig({ federation: { role: "hub" } }).federation, "default");
    expect(sourceCluster("usage", msg("kce.usage.east.n", "KCE_USAGE_east:1OzlGG68 12"))).toBe("east");
    expect(() => hub.checkSource("KCE_USAGE", msg("kce.usage.east.n", "KCE_USAGE_east:1OzlGG68 12"))).not.toThrow();
    const reason = (f: () => void) => {
      try {
        f();
      } catch (e) {
        return e instanceof PoisonMessageError ? e.reason : "other";
      }
      return "none";
    };
    expect(reason(() => hub.checkSource("KCE_USAGE", msg("kce.usage.west.n", "KCE_USAGE_east:1OzlGG68 12")))).toBe("source_mismatch");
    expect(reason(() => hub.checkSource("KCE_USAGE", msg("kce.usage.west.n")))).toBe("unattributed");
    expect(reason(() => hub.checkSource("KCE_USAGE", msg("kce.usage.west.n", "KCE_USAGE_west:a 1", "KCE_USAGE_east:b 2")))).toBe("unattributed");
    expect(reason(() => hub.checkSource("KCE_USAGE", msg("kce.usage.west.n", "OTHER_west:a 1")))).toBe("unattributed");
    // Not a forwarded kind in central mode, and never on standalone servers.
    expect(reason(() => hub.checkSource("KCE_PRICED", msg("kce.priced.west.n")))).toBe("none");
    const standalone = streamLayout(validateConfig({}).federation, "default");
    expect(reason(() => standalone.checkSource("KCE_USAGE", msg("kce.usage.west.n")))).toBe("none");
  });
});
