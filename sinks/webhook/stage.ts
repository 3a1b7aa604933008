import type { Runtime } from "../../bus/runtime.ts";
import type { Stage } from "../../bus/stage-types.ts";
import { STREAMS, subjects } from "../../bus/subjects.ts";
import type { BudgetAlert, CostAnomaly } from "../../model/events.ts";
import { SinkRunner } from "../core/runner.ts";
import { ANOMALY_FORMAT } from "./anomaly-payloads.ts";
import { BUDGET_FORMAT, WebhookSink, type WebhookFormat } from "./delivery.ts";
import type { JsMsg } from "@nats-io/jetstream";
import { createBudgetEvaluator } from "./evaluate-stage.ts";

export const WEBHOOK_COMPONENT = "sink-webhook";

/** A durable consumer that posts each event of a stream to every webhook target. */
function deliveryRunner<T>(rt: Runtime, stream: string, durable: string, filterSubject: string, decode: (msg: JsMsg) => Promise<T>, format: WebhookFormat<T>): SinkRunner<T> {
  const cfg = rt.config.sinks.webhook;
  return new SinkRunner<T>(rt, {
    component: WEBHOOK_COMPONENT,
    spec: { stream, durable, filterSubject },
    decode: async (msg) => [await decode(msg)],
    sink: new WebhookSink(cfg.targets, format),
    delivery: cfg.delivery,
  });
}

/** The webhook delivery runner alone (durable `kce-sink-webhook` on KCE_ALERTS). */
export function createWebhookDelivery(rt: Runtime): SinkRunner<BudgetAlert> {
  return deliveryRunner(rt, STREAMS.alerts, "kce-sink-webhook", subjects.streamFilter.alerts, (msg) => rt.codecs.alert.decode(msg.data, msg.headers), BUDGET_FORMAT);
}

/** Delivery of cost anomalies (durable `kce-sink-webhook-anomalies` on KCE_ANOMALIES). */
export function createAnomalyDelivery(rt: Runtime): SinkRunner<CostAnomaly> {
  return deliveryRunner(rt, STREAMS.anomalies, "kce-sink-webhook-anomalies", subjects.streamFilter.anomalies, (msg) => rt.codecs.anomaly.decode(msg.data, msg.headers), ANOMALY_FORMAT);
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
