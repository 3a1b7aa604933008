import { afterAll, beforeAll, describe } from "vitest";
import type { Runtime } from "../../bus/runtime.ts";
import { subjects } from "../../bus/subjects.ts";
import { validateConfig } from "../../config/load.ts";
import type { BudgetAlert } from "../../model/events.ts";
import type { SinkRunner } from "../../sinks/core/runner.ts";
import { createWebhookDelivery } from "../../sinks/webhook/stage.ts";
import { testRawConfig } from "../../testkit/config.ts";
import { openTestRuntime, startNatsServer, type NatsServerHandle } from "../../testkit/index.ts";
import { WebhookReceiver } from "../../testkit/receiver.ts";
import { sinkConformance } from "./suite.ts";

const CLUSTER = "conformance";
const MAX_IN_FLIGHT = 2000;
const SECRET = "conformance-secret";

let nats: NatsServerHandle;
let rt: Runtime;
let runner: SinkRunner<BudgetAlert>;
const receiver = new WebhookReceiver(SECRET);

export function alert(i: number): BudgetAlert {
  return {
    id: `rule-${i}/*|*|*/80/runRate/2026-11/firing`, cluster: CLUSTER, rule: `rule-${i}`, status: "firing", basis: "runRate", thresholdPct: 80, period: "2026-11",
    scope: { cluster: "", namespace: "production", labels: {} }, scopeDescription: "namespace production", monthlyBudgetUsd: 500, runRateMonthlyUsd: 567,
    monthToDateUsd: 300, forecastMonthlyUsd: 600, observedMonthlyUsd: 567, overBudgetUsd: 67, overBudgetPct: 13.4, topDrivers: [], dashboardUrl: "", evaluatedAtMs: 0,
  };
}

beforeAll(async () => {
  nats = await startNatsServer();
  await receiver.start();
  process.env["KCE_TEST_WEBHOOK_SECRET"] = SECRET;
  const raw = testRawConfig(nats.url, {
    cluster: CLUSTER,
    // A request answered after its timeout is retried and arrives twice; the receiver shares this process,
    // so on a loaded 2-core machine 2 s was too short (3 duplicates in 100,000 in one CI-like run).
    sinks: { webhook: { targets: [{ name: "receiver", url: receiver.url, format: "json", secretEnv: "KCE_TEST_WEBHOOK_SECRET", timeoutMs: 10_000 }], delivery: { maxInFlight: MAX_IN_FLIGHT, batchMaxRows: 500, retryBaseMs: 200, retryMaxMs: 1000, breakerOpenSeconds: 2 } } },
  });
  rt = await openTestRuntime(validateConfig(raw));
  runner = createWebhookDelivery(rt);
  await runner.start();
}, 60_000);

afterAll(async () => {
  await runner?.stop();
  await receiver.stop();
  await rt?.close();
  await nats?.stop();
});

describe("webhook sink conformance", () => {
  sinkConformance({
    component: "sink-webhook",
    runtime: () => rt,
    maxInFlight: MAX_IN_FLIGHT,
    buffered: () => runner.buffered,
    event: (i) => {
      const a = alert(i);
      return { subject: subjects.alerts(CLUSTER), msgId: a.id, ...rt.codecs.alert.encode(a) };
    },
    poison: () => ({ subject: subjects.alerts(CLUSTER), msgId: "poison-1", data: new TextEncoder().encode("not avro"), headers: rt.codecs.alert.encode(alert(0)).headers }),
    delivered: async () => ({ distinct: receiver.deliveries.size, total: receiver.total }),
    down: () => receiver.stop(),
    up: () => receiver.start(),
  });
});
