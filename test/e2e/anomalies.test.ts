import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Runtime } from "../../bus/runtime.ts";
import { subjects } from "../../bus/subjects.ts";
import { validateConfig } from "../../config/load.ts";
import type { CostAnomaly, CostRollup } from "../../model/events.ts";
import { createAnomalies } from "../../processors/anomalies/stage.ts";
import { createAnomalyDelivery } from "../../sinks/webhook/stage.ts";
import type { SinkRunner } from "../../sinks/core/runner.ts";
import { openTestRuntime, readStream, startNatsServer, testRawConfig, waitFor, type NatsServerHandle } from "../../testkit/index.ts";
import { minute, SPOT, steady } from "../../testkit/minute-windows.ts";
import { WebhookReceiver } from "../../testkit/receiver.ts";

/**
 * The anomaly processor through a real NATS: two days of 1m windows in KCE_ROLLUP are replayed at start
 * (learned, not alerted), then a live scale-up is published; one anomaly reaches KCE_ANOMALIES and a
 * Slack webhook with its cause, and a restart replays it all without saying it twice.
 */
const MINUTE = 60_000;
const DAY = 86_400_000;
const now = Math.floor(Date.now() / MINUTE) * MINUTE;
const historyStart = now - 2 * DAY - 10 * MINUTE;
const liveStart = now - 5 * MINUTE;

let nats: NatsServerHandle;
let rt: Runtime;
let delivery: SinkRunner<CostAnomaly>;
const slack = new WebhookReceiver();

async function publish(w: CostRollup): Promise<void> {
  await rt.publisher.publish({ subject: subjects.rollup("1m", w.cluster, w.windowStartMs, 0), msgId: `1m/${w.windowStartMs}`, ...rt.codecs.rollup.encode(w) });
}

const scaled = (t: number) => steady(t).map((w) => (w.name === "api" && t >= liveStart ? { ...w, pods: 12 } : w));

beforeAll(async () => {
  nats = await startNatsServer();
  await slack.start();
  const config = validateConfig(
    testRawConfig(nats.url, {
      cluster: "prod",
      anomalies: { warmupHours: 72 },
      sinks: { webhook: { dashboardUrl: "https://grafana.example/d/ns?var-ns={namespace}", targets: [{ name: "slack", url: slack.url, format: "slack", timeoutMs: 1000 }], delivery: { retryBaseMs: 200, retryMaxMs: 500 } } },
    }),
  );
  rt = await openTestRuntime(config, "anomalies-test");
  for (let t = historyStart; t < liveStart; t += MINUTE) await publish(minute(t, steady(t), SPOT, 0.4));
  delivery = createAnomalyDelivery(rt);
  await delivery.start();
}, 120_000);

afterAll(async () => {
  await delivery?.stop();
  await slack.stop();
  await rt?.close();
  await nats?.stop();
});

describe("cost anomalies end to end", () => {
  it("learns from the replayed history, fires once for a live scale-up with its cause, delivers it to Slack, and not again after a restart", async () => {
    const stage = createAnomalies(rt);
    await stage.start();
    try {
      for (let t = liveStart; t < liveStart + 5 * MINUTE; t += MINUTE) await publish(minute(t, scaled(t), SPOT, 0.4));
      const messages = await waitFor("an anomaly on kce.anomalies", async () => {
        const got = await readStream(rt.js, rt.jsm, "KCE_ANOMALIES");
        return got.length > 0 ? got : undefined;
      }, 60_000, 250);
      const anomaly = await rt.codecs.anomaly.decode(messages[0]?.data ?? new Uint8Array(), messages[0]?.headers);
      expect(anomaly).toMatchObject({ cluster: "prod", scope: "namespace", namespace: "payments", status: "firing", startedAtMs: liveStart });
      expect(anomaly.causes[0]).toMatchObject({ kind: "scale_up", subject: "payments/Deployment/api" });
      expect(anomaly.dashboardUrl).toBe("https://grafana.example/d/ns?var-ns=payments");
      const text = await waitFor("the Slack message", async () => ((slack.bodies[0] as { text?: string } | undefined)?.text), 20_000, 100);
      expect(text).toContain("Cost anomaly: namespace payments (cluster prod)");
      expect(text).toContain("payments/Deployment/api scaled up from 3 to 12 pods");
      expect(text).toContain("<https://grafana.example/d/ns?var-ns=payments|View Dashboard>");
      expect(stage.published).toBe(1);
    } finally {
      await stage.stop();
    }
    // A restart replays the same windows, live ones included: nothing new is published or delivered.
    const again = createAnomalies(rt);
    await again.start();
    await new Promise((r) => setTimeout(r, 3000));
    await again.stop();
    expect((await readStream(rt.js, rt.jsm, "KCE_ANOMALIES")).length).toBe(1);
    expect(slack.total).toBe(1);
  }, 120_000);
});
