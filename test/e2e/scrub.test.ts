import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NodeAgent } from "../../agents/node/agent.ts";
import { KubeSource, kubeAccessFrom } from "../../agents/node/kube.ts";
import { scrubName } from "../../agents/node/scrub.ts";
import type { Runtime } from "../../bus/runtime.ts";
import { validateConfig } from "../../config/load.ts";
import { loadScenario } from "../../sim/scenario.ts";
import { startSim, type SimServer } from "../../sim/server.ts";
import { openTestRuntime, readStream, startNatsServer, testRawConfig, waitFor, type NatsServerHandle } from "../../testkit/index.ts";
import { tempDir } from "../../testkit/tempdir.ts";

/** With agent.scrub, pod names never leave the node: the bytes in KCE_USAGE hold only keyed hashes. */
const SCENARIO = fileURLToPath(new URL("./fixtures/two-nodes.yaml", import.meta.url));
let nats: NatsServerHandle;
let sim: SimServer;
let rt: Runtime;
let agent: NodeAgent;
const KEY = Buffer.from("0123456789abcdef0123456789abcdef");

beforeAll(async () => {
  nats = await startNatsServer();
  const scenario = loadScenario(SCENARIO);
  sim = await startSim({ scenario });
  const keyFile = join(tempDir("kce-scrub-"), "key");
  writeFileSync(keyFile, KEY);
  rt = await openTestRuntime(validateConfig(testRawConfig(nats.url, { cluster: "e2e", agent: { intervalSeconds: 1, samplesPerInterval: 1, scrub: { keyFile, namespaces: true } } })));
  agent = new NodeAgent(rt, new KubeSource(kubeAccessFrom({ server: sim.url })), { nodeName: "node-a.ec2.internal" });
  await agent.start();
}, 30_000);

afterAll(async () => {
  await agent?.stop();
  await rt?.close();
  await sim?.close();
  await nats?.stop();
});

describe("PII scrubbing in the agent", () => {
  it("publishes keyed hashes instead of pod and namespace names", async () => {
    const msgs = await waitFor("usage snapshots with pods", async () => {
      const all = await readStream(rt.js, rt.jsm, "KCE_USAGE");
      const decoded = await Promise.all(all.map((m) => rt.codecs.usage.decode(m.data, m.headers)));
      return decoded.some((s) => s.pods.length > 0) ? { raw: all, decoded } : undefined;
    }, 20_000, 250);
    const list = (await (await fetch(`${sim.url}/api/v1/pods`)).json()) as { items: Array<{ metadata: { name: string; namespace: string }; spec: { nodeName?: string } }> };
    const node = "node-a.ec2.internal";
    const podNames = list.items.filter((i) => i.spec.nodeName === node).map((i) => i.metadata);
    expect(podNames.length).toBeGreaterThan(0);
    const pods = msgs.decoded.flatMap((s) => s.pods);
    for (const p of pods) {
      expect(p.name).toMatch(/^h-[0-9a-f]{16}$/);
      expect(p.namespace).toMatch(/^h-[0-9a-f]{16}$/);
    }
    const bytes = Buffer.concat(msgs.raw.map((m) => Buffer.from(m.data))).toString("latin1");
    for (const p of podNames) {
      expect(bytes).not.toContain(p.name);
      expect(pods.map((x) => x.name)).toContain(scrubName(KEY, "pod", `${p.namespace}/${p.name}`));
    }
  }, 30_000);
});
