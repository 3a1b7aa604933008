import { afterAll, beforeAll, describe } from "vitest";
import type { Runtime } from "../../bus/runtime.ts";
import { subjects } from "../../bus/subjects.ts";
import { validateConfig } from "../../config/load.ts";
import type { SavingsReport } from "../../model/events.ts";
import { createPrometheusSink, type PrometheusSink } from "../../sinks/prometheus/stage.ts";
import { testRawConfig } from "../../testkit/config.ts";
import { savingsReport } from "../../testkit/fixtures.ts";
import { openTestRuntime, sample, scrape, startNatsServer, type NatsServerHandle } from "../../testkit/index.ts";
import { sinkConformance } from "./suite.ts";

const CLUSTER = "conformance";
let nats: NatsServerHandle;
let rt: Runtime;
let sink: PrometheusSink;

const report = (i: number): SavingsReport => savingsReport(CLUSTER, i);

beforeAll(async () => {
  nats = await startNatsServer();
  rt = await openTestRuntime(validateConfig(testRawConfig(nats.url, { cluster: CLUSTER })));
  sink = createPrometheusSink(rt);
  await sink.start();
}, 60_000);

afterAll(async () => {
  await sink?.stop();
  await rt?.close();
  await nats?.stop();
});

// Prometheus pulls: there is no target to take away, so the outage cases do not apply.
describe("Prometheus sink conformance (savings counter)", () => {
  sinkConformance({
    component: "sink-prometheus",
    runtime: () => rt,
    maxInFlight: 2000,
    buffered: () => sink.buffered,
    event: (i) => {
      const r = report(i);
      return { subject: subjects.savings(CLUSTER), msgId: `${r.node}/${r.windowStartMs}`, ...rt.codecs.savings.encode(r) };
    },
    poison: () => ({ subject: subjects.savings(CLUSTER), msgId: "poison-1", data: new TextEncoder().encode("not avro"), headers: rt.codecs.savings.encode(report(0)).headers }),
    delivered: async () => {
      const { samples } = await scrape(`http://127.0.0.1:${sink.port}/metrics`);
      const n = sample(samples, "kube_cost_spot_savings_usd_total", { cluster: CLUSTER, namespace: "conformance" }) ?? 0;
      return { distinct: n, total: n };
    },
  });
});
