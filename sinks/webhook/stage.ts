import type { Runtime } from "../../bus/runtime.ts";
import type { Stage } from "../../bus/stage-types.ts";
import { STREAMS, subjects } from "../../bus/subjects.ts";
import type { BudgetAlert, CostAnomaly } from "../../model/events.ts";
import { SinkRunner } from "../core/runner.ts";
import { ANOMALY_FORMAT } from "./anomaly-payloads.ts";
import { BUDGET_FORMAT, WebhookSink } from "./delivery.ts";
import { createBudgetEvaluator } from "./evaluate-stage.ts";

export const WEBHOOK_COMPONENT = "sink-webhook";

/** The webhook delivery runner alone (durable `kce-sink-webhook` on KCE_ALERTS). */
export function createWebhookDelivery(rt: Runtime): SinkRunner<BudgetAlert> {
  const cfg = rt.config.sinks.webhook;
  return new SinkRunner<BudgetAlert>(rt, {
    component: WEBHOOK_COMPONENT,
    spec: { stream: STREAMS.alerts, durable: "kce-sink-webhook", filterSubject: subjects.streamFilter.alerts },
    decode: async (msg) => [await rt.codecs.alert.decode(msg.data, msg.headers)],
    sink: new WebhookSink(cfg.targets, BUDGET_FORMAT),
    delivery: cfg.delivery,
  });
}

/** Delivery of cost anomalies (durable `kce-sink-webhook-anomalies` on KCE_ANOMALIES). */
export function createAnomalyDelivery(rt: Runtime): SinkRunner<CostAnomaly> {
  const cfg = rt.config.sinks.webhook;
  return new SinkRunner<CostAnomaly>(rt, {
    component: WEBHOOK_COMPONENT,
    spec: { stream: STREAMS.anomalies, durable: "kce-sink-webhook-anomalies", filterSubject: subjects.streamFilter.anomalies },
    decode: async (msg) => [await rt.codecs.anomaly.decode(msg.data, msg.headers)],
    sink: new WebhookSink(cfg.targets, ANOMALY_FORMAT),
    delivery: cfg.delivery,
  });
}

/** Budget evaluation plus webhook delivery of budget alerts and cost anomalies: `kce sink-webhook`. */
export function createWebhookSink(rt: Runtime): Stage {
  const evaluator = createBudgetEvaluator(rt);
  const delivery = createWebhookDelivery(rt);
  const anomalies = createAnomalyDelivery(rt);
  return {
    name: WEBHOOK_COMPONENT,
    start: async () => {
      await delivery.start();
      await anomalies.start();
      await evaluator.start();
    },
    stop: async () => {
      await evaluator.stop();
      await anomalies.stop();
      await delivery.stop();
    },
  };
}
