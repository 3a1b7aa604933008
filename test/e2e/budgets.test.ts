import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Runtime } from "../../bus/runtime.ts";
import { snapshotId, subjects } from "../../bus/subjects.ts";
import { validateConfig } from "../../config/load.ts";
import type { Config } from "../../config/schema.ts";
import { readPriceSnapshot, SnapshotPriceBook } from "../../pricing/snapshot/snapshot.ts";
import { priceSnapshot } from "../../processors/pricer/cost-model.ts";
import type { SinkRunner } from "../../sinks/core/runner.ts";
import { createBudgetEvaluator } from "../../sinks/webhook/evaluate-stage.ts";
import { createWebhookDelivery } from "../../sinks/webhook/stage.ts";
import type { BudgetAlert } from "../../model/events.ts";
import { testRawConfig } from "../../testkit/config.ts";
import { podUsage, usageSnapshot } from "../../testkit/fixtures.ts";
import { openTestRuntime, readStream, startNatsServer, waitFor, type NatsServerHandle } from "../../testkit/index.ts";
import { WebhookReceiver } from "../../testkit/receiver.ts";

const SECRET = "budget-secret";
let nats: NatsServerHandle;
let rt: Runtime;
let config: Config;
let delivery: SinkRunner<BudgetAlert>;
const slack = new WebhookReceiver(SECRET);
const generic = new WebhookReceiver(SECRET);
const NOW = Date.now();

/** Publishes a snapshot of node-a where the alpha namespace costs `cores` × the node's core rate. */
async function publish(windowStartMs: number, cores: number): Promise<number> {
  const book = new SnapshotPriceBook(readPriceSnapshot(), config.pricing);
  const pods = [podUsage({ namespace: "alpha", name: "api-1", uid: "api-1", controllerName: "api", cpuRequestCores: cores, cpuUsageCores: 0, cpuCoreSeconds: 0, memoryRequestBytes: 0, memoryWorkingSetAvgBytes: 0, labels: { team: "payments" } })];
  const priced = priceSnapshot(usageSnapshot({ cluster: "prod", node: "node-a", windowStartMs, pods }), book, config.pricing, Date.now());
  await rt.publisher.publish({ subject: subjects.priced("prod", "node-a"), msgId: snapshotId("prod", "node-a", windowStartMs), ...rt.codecs.priced.encode(priced) });
  return (priced.pods[0]?.totalCost ?? 0) / (priced.windowSeconds / 3600);
}

beforeAll(async () => {
  nats = await startNatsServer();
  await Promise.all([slack.start(), generic.start()]);
  process.env["KCE_TEST_BUDGET_SECRET"] = SECRET;
  config = validateConfig(
    testRawConfig(nats.url, {
      cluster: "prod",
      budgets: [{ name: "payments", namespace: "alpha", labels: { team: "payments" }, monthlyUsd: 60, thresholdsPct: [80, 100], basis: ["runRate"] }],
      sinks: {
        webhook: {
          evaluateIntervalSeconds: 3600,
          dashboardUrl: "https://grafana.example/d/costs/namespace?var-ns={namespace}",
          targets: [
            { name: "slack", url: slack.url, format: "slack", secretEnv: "KCE_TEST_BUDGET_SECRET", timeoutMs: 1000 },
            { name: "generic", url: generic.url, format: "json", secretEnv: "KCE_TEST_BUDGET_SECRET", timeoutMs: 1000 },
          ],
          delivery: { retryBaseMs: 200, retryMaxMs: 500, breakerOpenSeconds: 1 },
        },
      },
    }),
  );
  rt = await openTestRuntime(config);
  delivery = createWebhookDelivery(rt);
  await delivery.start();
}, 60_000);

afterAll(async () => {
  await delivery?.stop();
  await Promise.all([slack.stop(), generic.stop()]);
  await rt?.close();
  await nats?.stop();
});

describe("budget alerts end to end", () => {
  it("fires once per threshold, signed, in the seed's Slack format and as generic JSON; not again after a restart", async () => {
    const hourly = await publish(Math.floor(NOW / 60_000) * 60_000 - 60_000, 3); // m5.xlarge: 3 cores ≈ $0.144/h ≈ $105/month
    const evaluator = createBudgetEvaluator(rt);
    await evaluator.start();
    const fired = await waitFor("two thresholds firing", async () => ((await evaluator.evaluate()) === 2 ? 2 : undefined), 10_000, 200);
    expect(fired).toBe(2);
    await waitFor("both targets got both alerts", () => slack.deliveries.size === 2 && generic.deliveries.size === 2, 15_000);
    expect(slack.badSignatures + generic.badSignatures).toBe(0);
    const text = (slack.bodies[0] as { text: string }).text;
    expect(text).toMatch(/^:warning: Cost Alert: namespace alpha, team=payments/);
    expect(text).toContain(`Current Monthly Run Rate: $${(hourly * 730).toFixed(2)}`);
    expect(text).toContain("Budget: $60.00");
    expect(text).toMatch(/Over Budget: \$\d+\.\d\d \(\d+\.\d%\)/);
    expect(text).toContain("1. alpha/api - $");
    expect(text).toContain("<https://grafana.example/d/costs/namespace?var-ns=alpha|View Dashboard>");
    const json = generic.bodies[0] as { schema: string; alert: BudgetAlert };
    expect(json.schema).toBe("kube-cost-exporter/budget-alert/v1");
    expect(json.alert.runRateMonthlyUsd).toBeCloseTo(hourly * 730, 9);
    expect(await evaluator.evaluate()).toBe(0);
    await evaluator.stop();
    const restarted = createBudgetEvaluator(rt);
    await restarted.start();
    await new Promise((r) => setTimeout(r, 500));
    expect(await restarted.evaluate()).toBe(0);
    await restarted.stop();
  });

  it("sends a resolved message when the cost drops back under the thresholds", async () => {
    await publish(Math.floor(NOW / 60_000) * 60_000, 0.25);
    const evaluator = createBudgetEvaluator(rt);
    await evaluator.start();
    await waitFor("two resolved", async () => ((await evaluator.evaluate()) === 2 ? true : undefined), 10_000, 200);
    await evaluator.stop();
    await waitFor("resolved messages delivered", () => slack.deliveries.size === 4, 15_000);
    expect(slack.bodies.some((b) => (b as { text: string }).text.startsWith(":white_check_mark: Resolved"))).toBe(true);
    const alerts = await readStream(rt.js, rt.jsm, "KCE_ALERTS");
    expect(alerts).toHaveLength(4);
  });

  it("retries a target that answers 500 or hangs, and delivers once it recovers", async () => {
    slack.mode = "error500";
    generic.mode = "hang";
    const a: BudgetAlert = { ...((generic.bodies[0] as { alert: BudgetAlert }).alert), id: "manual/test/1", rule: "manual" };
    await rt.publisher.publish({ subject: subjects.alerts("prod"), msgId: a.id, ...rt.codecs.alert.encode(a) });
    await waitFor("retries against the failing targets", () => slack.requests >= 6, 20_000);
    expect(slack.deliveries.has("manual/test/1@slack")).toBe(false);
    slack.mode = "ok";
    generic.mode = "ok";
    await waitFor("delivered after recovery", () => slack.deliveries.has("manual/test/1@slack") && generic.deliveries.has("manual/test/1@generic"), 30_000);
    expect(slack.deliveries.get("manual/test/1@slack")).toBe(1);
  }, 60_000);

  it("refuses a budget scoped by a label the rollup does not keep", () => {
    expect(() => validateConfig({ budgets: [{ name: "x", labels: { owner: "me" }, monthlyUsd: 1 }] })).toThrowError(/budgets\.0\.labels\.owner: .*rollup\.labelKeys/);
  });
});
