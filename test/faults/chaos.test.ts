import { describe, expect, it } from "vitest";
import { runChaos } from "./chaos.ts";

describe("chaos: kill -9, nats-server restarts and hostile input while the pipeline runs", () => {
  it("loses nothing, doubles nothing, prices nothing hostile, and says so", async () => {
    const report = await runChaos({ nodes: 6, podsPerNode: 20, windows: 12, spreadMs: 25_000, kills: 5, natsRestarts: 1, hostile: 25, seed: Number(process.env["KCE_CHAOS_SEED"] ?? 14) }, (line) => console.log(`chaos: ${line}`));
    console.log(`chaos: ${JSON.stringify(report)}`);
    expect(report.kills).toBe(5);
    expect(report.natsRestarts).toBe(1);
    expect(report.priced).toBe(report.published);
    expect(report.hostilePriced).toBe(0);
    expect(report.hostileDeadLettered).toBe(report.hostileSent);
    expect(report.nodeCostDiff).toBeLessThan(1e-9);
    expect(report.podCostDiff).toBeLessThan(1e-9);
  }, 240_000);
});
