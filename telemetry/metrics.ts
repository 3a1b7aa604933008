import { getHeapStatistics } from "node:v8";
import { Counter, Gauge, Registry, Summary } from "./prom.ts";

/** The self-metrics every stage emits, labelled by component. */
export interface ComponentMetrics {
  readonly component: string;
  up(isUp: boolean): void;
  received(count?: number): void;
  sent(count?: number): void;
  dropped(reason: string, count?: number): void;
  error(errorType: string): void;
  /** Records the duration of one calculation, in seconds. */
  observeDuration(seconds: number): void;
  /** Sinks: writes retried. */
  retried(count?: number): void;
  /** Sinks: events held in memory awaiting delivery. */
  buffered(count: number): void;
}

/**
 * One private prom-client Registry per process (never the global one). Stages sharing a process
 * (`kce all`) share the registry and are told apart by the `component` label.
 */
export class Telemetry {
  readonly registry = new Registry();
  private readonly upGauge = new Gauge({
    name: "kube_cost_exporter_up",
    help: "1 while the component is running and connected, else 0.",
    labelNames: ["component"],
    registers: [this.registry],
  });
  private readonly errors = new Counter({
    name: "kube_cost_errors_total",
    help: "Errors by component and error type (poison input, publish failures, pricing fetches, ...).",
    labelNames: ["component", "error_type"],
    registers: [this.registry],
  });
  private readonly duration = new Summary({
    name: "kube_cost_calculation_duration_seconds",
    help: "Time spent processing one event, in seconds.",
    labelNames: ["component"],
    percentiles: [0.5, 0.9, 0.99],
    maxAgeSeconds: 600,
    ageBuckets: 5,
    registers: [this.registry],
  });
  private readonly receivedTotal = new Counter({
    name: "kube_cost_events_received_total",
    help: "Events received by the component.",
    labelNames: ["component"],
    registers: [this.registry],
  });
  private readonly sentTotal = new Counter({
    name: "kube_cost_events_sent_total",
    help: "Events published or delivered by the component.",
    labelNames: ["component"],
    registers: [this.registry],
  });
  private readonly droppedTotal = new Counter({
    name: "kube_cost_events_dropped_total",
    help: "Events not processed, by reason (dead-lettered events count here too).",
    labelNames: ["component", "reason"],
    registers: [this.registry],
  });
  private readonly retriedTotal = new Counter({
    name: "kube_cost_sink_retries_total",
    help: "Sink writes retried (target down, throttled, timed out).",
    labelNames: ["component"],
    registers: [this.registry],
  });
  private readonly bufferedGauge = new Gauge({
    name: "kube_cost_sink_buffered_events",
    help: "Events a sink holds in memory awaiting delivery (bounded by its consumer's max in flight).",
    labelNames: ["component"],
    registers: [this.registry],
  });
  private readonly viewApplied = new Gauge({
    name: "kube_cost_view_last_applied_timestamp_seconds",
    help: "When a view (a /metrics family, the query API's index, a budget evaluator) last applied an event from its stream, Unix seconds; a view that stops following its stream stops moving.",
    labelNames: ["stream", "filter"],
    registers: [this.registry],
  });
  private readonly memory = new Gauge({
    name: "kube_cost_process_memory_bytes",
    help: "This process's memory by kind: rss (resident, what a memory limit counts), heap_total and heap_used (V8's JavaScript heap), external and array_buffers (memory V8 objects hold outside it), v8_malloced (V8's own malloc: compiler and parser zones).",
    labelNames: ["kind"],
    registers: [this.registry],
    collect() {
      const m = process.memoryUsage();
      this.set({ kind: "rss" }, m.rss);
      this.set({ kind: "heap_total" }, m.heapTotal);
      this.set({ kind: "heap_used" }, m.heapUsed);
      this.set({ kind: "external" }, m.external);
      this.set({ kind: "array_buffers" }, m.arrayBuffers);
      this.set({ kind: "v8_malloced" }, getHeapStatistics().malloced_memory);
    },
  });
  readonly pricingApiCalls = new Counter({
    name: "kube_cost_pricing_api_calls_total",
    help: "Calls to cloud pricing APIs.",
    labelNames: ["provider", "endpoint"],
    registers: [this.registry],
  });

  /** The metrics handle of one component. */
  component(component: string): ComponentMetrics {
    return {
      component,
      up: (isUp) => this.upGauge.labels(component).set(isUp ? 1 : 0),
      received: (count = 1) => this.receivedTotal.labels(component).inc(count),
      sent: (count = 1) => this.sentTotal.labels(component).inc(count),
      dropped: (reason, count = 1) => this.droppedTotal.labels(component, reason).inc(count),
      error: (errorType) => this.errors.labels(component, errorType).inc(),
      observeDuration: (seconds) => this.duration.labels(component).observe(seconds),
      retried: (count = 1) => this.retriedTotal.labels(component).inc(count),
      buffered: (count) => this.bufferedGauge.labels(component).set(count),
    };
  }

  /** A view applied an event from `stream` (subjects `filter`) now. */
  viewAppliedNow(stream: string, filter: string): void {
    this.viewApplied.labels(stream, filter).set(Date.now() / 1000);
  }

  /** Text exposition of the self-metrics. */
  render(): Promise<string> {
    return this.registry.metrics();
  }
}
