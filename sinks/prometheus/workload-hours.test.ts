import { describe, expect, it } from "vitest";
import type { RollupRow } from "../../model/events.ts";
import { WorkloadHours } from "./workload-hours.ts";

const zero = { podHours: 1, cpuCoreHours: 0, cpuCoreRequestHours: 0, cpuCoreUsageHours: 0, ramByteHours: 0, ramByteRequestHours: 0, ramByteUsageHours: 0, gpuHours: 0, cpuCost: 0, ramCost: 0, gpuCost: 0, pvCost: 0, networkCost: 0, totalCost: 0, realisedSavings: 0, potentialSavings: 0 };
const id = { labelKey: "", labelValue: "", pod: "", podUid: "", node: "", labels: {}, podCount: 1 };
const controller = (name: string, cpuUse: number): RollupRow => ({ ...zero, ...id, dimension: "controller", namespace: "shop", controllerKind: "Deployment", controllerName: name, cpuCoreRequestHours: 2, cpuCoreUsageHours: cpuUse, ramByteRequestHours: 4, ramByteUsageHours: 1 });
const namespace: RollupRow = { ...zero, ...id, dimension: "namespace", namespace: "shop", controllerKind: "", controllerName: "" };

describe("the sink's packed workload hours", () => {
  it("sums each controller over the hours held and gives names back with the last hour holding them", () => {
    const table = new WorkloadHours();
    const h1 = table.pack([namespace, controller("web", 0.5), controller("db", 1)]);
    const h2 = table.pack([controller("web", 1.5)]);
    const byName = (hours: Parameters<WorkloadHours["sum"]>[0]) => Object.fromEntries(table.sum(hours).map((w) => [w.name, w]));
    expect(byName([h1, h2])).toEqual({
      web: { namespace: "shop", kind: "Deployment", name: "web", cpuRequest: 4, cpuUsage: 2, ramRequest: 8, ramUsage: 2 },
      db: { namespace: "shop", kind: "Deployment", name: "db", cpuRequest: 2, cpuUsage: 1, ramRequest: 4, ramUsage: 1 },
    });
    expect(table.size).toBe(2);
    table.release(h1); // slid out of the day: db is in no hour any more
    expect(table.size).toBe(1);
    expect(Object.keys(byName([h2]))).toEqual(["web"]);
    table.release(h2);
    expect(table.size).toBe(0);
    // Ids are reused: a new name after the releases still sums on its own.
    const h3 = table.pack([controller("cache", 0.25)]);
    expect(table.sum([h3]).map((w) => [w.name, w.cpuUsage])).toEqual([["cache", 0.25]]);
  });
});
