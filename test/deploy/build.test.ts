import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validateConfig } from "../../config/load.ts";
import { AGENT_NODE_FLAGS, STAGE_NODE_FLAGS } from "../../install/objects.ts";
import { buildDist, DIST } from "../../scripts/build.ts";
import { loadScenario, builtinScenario } from "../../sim/scenario.ts";
import { startSim, type SimServer } from "../../sim/server.ts";
import { freePort, openTestRuntime, readStream, spawnKce, startNatsServer, testRawConfig, waitFor, writeConfigFile, type NatsServerHandle } from "../../testkit/index.ts";

/**
 * The image runs `npm run build`'s dist/main.js (the agent under `node --lite-mode`): the built CLI finds the
 * files it reads at run time and does the agent's and the API's work, as the manifests start them.
 */
const MAIN = join(DIST, "main.js");
const run = (args: string[], nodeArgs: string[] = []) => promisify(execFile)(process.execPath, [...nodeArgs, MAIN, ...args], { maxBuffer: 16 * 2 ** 20 });

let nats: NatsServerHandle;
let sim: SimServer;

beforeAll(async () => {
  await buildDist();
  nats = await startNatsServer();
  sim = await startSim({ scenario: loadScenario(builtinScenario("demo")) });
}, 60_000);

afterAll(async () => {
  await sim?.close();
  await nats?.stop();
});

describe("the built CLI (dist/main.js, what the image runs)", () => {
  it("reads what it ships: version, price catalogs, the rules the installer renders", async () => {
    expect((await run(["--version"], AGENT_NODE_FLAGS)).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    // Every central stage's Node flags (the install puts them in the container's command) start it.
    for (const flags of Object.values(STAGE_NODE_FLAGS)) expect((await run(["--version"], flags)).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const price = await run(["prices", "show", "--provider", "aws", "--region", "us-east-1", "--instance-type", "m5.xlarge", "-o", "json"]);
    expect(price.stdout).toContain("0.192");
    const rendered = await run(["install"]);
    expect(rendered.stdout).toContain("kind: PrometheusRule");
    expect(rendered.stdout).toContain("--lite-mode");
  });

  it("runs the agent as the DaemonSet does (node --lite-mode …): usage snapshots reach NATS", async () => {
    const raw = testRawConfig(nats.url, { cluster: "demo", agent: { intervalSeconds: 2, samplesPerInterval: 2 } });
    const rt = await openTestRuntime(validateConfig(raw), "kce-build-test");
    const agent = spawnKce(["agent", "--config", writeConfigFile(raw), "--node", "ip-10-0-1-10.ec2.internal", "--kube-server", sim.url], {}, AGENT_NODE_FLAGS, MAIN);
    try {
      await waitFor("a usage snapshot from the built agent", async () => (await readStream(rt.js, rt.jsm, "KCE_USAGE")).length > 0, 30_000, 500).catch((error: unknown) => {
        throw new Error(`${String(error)}\n${agent.output()}`);
      });
    } finally {
      await agent.stop();
      await rt.close();
    }
  }, 60_000);

  it("serves the API and its web app (bundled at start from ui/app)", async () => {
    const raw = testRawConfig(nats.url, { cluster: "demo" });
    const port = await freePort();
    const api = spawnKce(["api", "--config", writeConfigFile(raw), "--api-port", String(port)], {}, [], MAIN);
    const url = `http://127.0.0.1:${port}`;
    try {
      const page = await waitFor("the web app's page", async () => {
        const res = await fetch(`${url}/ui/overview`);
        return res.status === 200 ? res.text() : undefined;
      }, 30_000, 250).catch((error: unknown) => {
        throw new Error(`${String(error)}\n${api.output()}`);
      });
      const script = /src="(\/ui\/assets\/app-[^"]+\.js)"/.exec(page)?.[1] ?? "";
      expect(script).not.toBe("");
      expect((await fetch(`${url}${script}`)).status).toBe(200);
    } finally {
      await api.stop();
    }
  }, 60_000);
});
