/**
 * Issue 14, fault 6: the spot-savings counter must not restart at 0 with the sink. A sink process is
 * killed (-9) between scrapes; the restarted one continues the counter, so Prometheus' increase()
 * over the crash equals the savings reported (it lost 13 % of them over four crashes before).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Runtime } from "../../bus/runtime.ts";
import { subjects } from "../../bus/subjects.ts";
import type { SavingsReport } from "../../model/events.ts";
import { savingsReport } from "../../testkit/fixtures.ts";
import { freePort, openTestRuntime, sample, scrape, spawnKce, startNatsServer, testConfig, testRawConfig, waitFor, writeConfigFile, type NatsServerHandle } from "../../testkit/index.ts";

const CLUSTER = "crashy";
let nats: NatsServerHandle;
let rt: Runtime;

const report = (i: number): SavingsReport => savingsReport(CLUSTER, i, 0.25, "team-a", 4);

async function publish(from: number, to: number): Promise<void> {
  for (let i = from; i < to; i++) {
    const r = report(i);
    await rt.publisher.publish({ subject: subjects.savings(CLUSTER), msgId: `${r.node}/${r.windowStartMs}`, ...rt.codecs.savings.encode(r) });
  }
}

beforeAll(async () => {
  nats = await startNatsServer();
  rt = await openTestRuntime(testConfig(nats.url, { cluster: CLUSTER }));
});

afterAll(async () => {
  await rt?.close();
  await nats?.stop();
});

describe("counters survive a crash", () => {
  it("kube_cost_spot_savings_usd_total continues after kill -9 of the sink instead of restarting at 0", async () => {
    const port = await freePort();
    const config = writeConfigFile(testRawConfig(nats.url, { cluster: CLUSTER, sinks: { prometheus: { port, stateSaveSeconds: 1 } } }));
    const counter = async (): Promise<number | undefined> => {
      try {
        return sample((await scrape(`http://127.0.0.1:${port}/metrics`)).samples, "kube_cost_spot_savings_usd_total", { cluster: CLUSTER, namespace: "team-a" });
      } catch {
        return undefined;
      }
    };
    let sink = spawnKce(["sink-prometheus", "--config", config]);
    try {
      await publish(0, 40);
      await waitFor("the first 40 reports counted", async () => (await counter()) === 10, 30_000);
      await new Promise((r) => setTimeout(r, 1500)); // saved at least once
      await publish(40, 60); // counted, perhaps not saved yet, and never scraped before the crash
      await waitFor("60 reports counted", async () => (await counter()) === 15, 30_000);
      await sink.kill9();
      await publish(60, 80); // while the sink is down
      sink = spawnKce(["sink-prometheus", "--config", config]);
      const after = await waitFor("the restarted sink's counter", async () => {
        const v = await counter();
        return v !== undefined && v >= 20 ? v : undefined;
      }, 30_000);
      expect(after).toBe(20); // 80 reports × 0.25: nothing lost, nothing counted twice, no reset to 0
    } finally {
      await sink.kill9();
    }
  }, 120_000);
});
