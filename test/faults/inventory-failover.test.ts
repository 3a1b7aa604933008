import { fileURLToPath } from "node:url";
import { Kvm } from "@nats-io/kv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Runtime } from "../../bus/runtime.ts";
import { subjects } from "../../bus/subjects.ts";
import { validateConfig } from "../../config/load.ts";
import { VOLUMES_NODE } from "../../model/events.ts";
import { loadScenario } from "../../sim/scenario.ts";
import { startSim, type SimServer } from "../../sim/server.ts";
import { openTestRuntime, readStream, spawnKce, startNatsServer, waitFor, writeConfigFile, type KceProcess, type NatsServerHandle } from "../../testkit/index.ts";
import { testRawConfig } from "../../testkit/config.ts";

const SCENARIO = fileURLToPath(new URL("../e2e/fixtures/shared-storage.yaml", import.meta.url));
const NODES = ["node-a.ec2.internal", "node-b.ec2.internal"];
const INTERVAL_MS = 2000;

let nats: NatsServerHandle;
let sim: SimServer;
let rt: Runtime;
const agents = new Map<string, KceProcess>();

async function inventoryWindows(): Promise<number[]> {
  const msgs = await readStream(rt.js, rt.jsm, "KCE_USAGE", subjects.usage("storage", VOLUMES_NODE));
  const starts = await Promise.all(msgs.map(async (m) => (await rt.codecs.usage.decode(m.data, m.headers)).windowStartMs));
  return [...new Set(starts)].sort((a, b) => a - b);
}

beforeAll(async () => {
  nats = await startNatsServer();
  sim = await startSim({ scenario: loadScenario(SCENARIO) });
  const raw = testRawConfig(nats.url, { cluster: "storage", agent: { intervalSeconds: INTERVAL_MS / 1000, samplesPerInterval: 2, volumeInventory: { leaseSeconds: 6 } } });
  rt = await openTestRuntime(validateConfig(raw));
  const file = writeConfigFile(raw);
  for (const node of NODES) agents.set(node, spawnKce(["agent", "--config", file, "--node", node, "--kube-server", sim.url]));
});

afterAll(async () => {
  for (const a of agents.values()) await a.stop();
  await rt?.close();
  await sim?.close();
  await nats?.stop();
});

describe("volume inventory when its agent is killed", () => {
  it("another agent takes the lease after it expires and reports the windows the dead one missed: no gap", async () => {
    await waitFor("three inventories", async () => ((await inventoryWindows()).length >= 3 ? true : undefined), 30_000, 250);
    const holder = (await (await new Kvm(rt.nc).open("KCE_AGENT_LEASE")).get("volumes-storage"))?.string() ?? "";
    expect(NODES).toContain(holder);
    await agents.get(holder)?.kill9();
    agents.delete(holder);
    const killedAt = Date.now();
    // The dead holder's lease lives up to 6 s (three windows), then the survivor takes over at a boundary and backfills.
    await waitFor("inventories from the survivor, past the take-over", async () => ((await inventoryWindows()).at(-1) ?? 0) > killedAt + 10_000 || undefined, 30_000, 250);
    const windows = await inventoryWindows();
    const first = windows[0] ?? 0;
    const last = windows.at(-1) ?? 0;
    const missing: string[] = [];
    for (let t = first; t <= last; t += INTERVAL_MS) if (!windows.includes(t)) missing.push(new Date(t).toISOString());
    expect(missing).toEqual([]);
  }, 60_000);
});
