/** The seed's five dashboards. Every query reads metrics of the Prometheus sink or the recording rules of deploy/prometheus. */
import type { DashboardSpec } from "./panels.ts";

const C = 'cluster=~"$cluster"';
const CN = 'cluster=~"$cluster", namespace=~"$namespace"';
const CI = 'cluster=~"$cluster", instance_type=~"$instance_type"';
const toNamespace = { title: "Pods of ${__field.labels.namespace}", url: "/d/kce-namespace?var-cluster=${cluster}&var-namespace=${__field.labels.namespace}&${__url_time_range}" };

export const DASHBOARDS: DashboardSpec[] = [
  {
    uid: "kce-executive",
    title: "Kube Cost — Executive Summary",
    description: "Spend, its trend and split, the biggest namespaces, spot share and savings on offer.",
    panels: [
      { type: "stat", title: "Monthly run rate", description: "Hourly cost × 730. The change is over the selected range (7 days: week over week).", targets: [{ expr: `sum(cluster:kube_cost_monthly_usd:run_rate{${C}})` }], w: 6, h: 5, options: { showPercentChange: true, reduceOptions: { calcs: ["lastNotNull"] } } },
      { type: "stat", title: "Spend per hour", targets: [{ expr: `sum(cluster:kube_cost_hourly_usd:sum{${C}})` }], w: 6, h: 5, options: { reduceOptions: { calcs: ["lastNotNull"] } } },
      { type: "stat", title: "Last 24 hours", targets: [{ expr: `sum(kube_cost_namespace_daily_usd{${C}})` }], w: 6, h: 5, options: { reduceOptions: { calcs: ["lastNotNull"] } } },
      { type: "stat", title: "Spot savings on offer / month", targets: [{ expr: `sum(cluster:kube_cost_spot_potential_savings_monthly_usd:sum{${C}})` }], w: 6, h: 5, options: { reduceOptions: { calcs: ["lastNotNull"] } } },
      { type: "piechart", title: "Cost split, last 24 hours", description: "Compute (cpu, ram, gpu), storage (pv) and network of the pods, and idle capacity.", targets: [{ expr: `sum by (resource) (kube_cost_namespace_resource_daily_usd{${C}})`, legend: "{{resource}}" }, { expr: `sum(kube_cost_node_idle_hourly_usd{${C}}) * 24`, legend: "idle" }], w: 8, h: 9, options: { reduceOptions: { calcs: ["lastNotNull"] }, pieType: "donut", legend: { displayMode: "table", placement: "right", values: ["value", "percent"] } } },
      { type: "timeseries", title: "Daily cost trend", targets: [{ expr: `sum by (cluster) (cluster:kube_cost_daily_usd:sum{${C}})`, legend: "{{cluster}}" }], w: 16, h: 9 },
      { type: "bargauge", title: "Top 5 namespaces (monthly run rate)", targets: [{ expr: `topk(5, sum by (namespace) (namespace:kube_cost_monthly_usd:run_rate{${C}}))`, legend: "{{namespace}}", instant: true }], w: 12, h: 9, links: [toNamespace], options: { displayMode: "gradient", orientation: "horizontal", reduceOptions: { calcs: ["lastNotNull"] } } },
      { type: "piechart", title: "Spot vs on-demand node cost", targets: [{ expr: `sum by (capacity_type) (kube_cost_node_hourly_usd{${CI}})`, legend: "{{capacity_type}}" }], w: 12, h: 9, options: { reduceOptions: { calcs: ["lastNotNull"] }, legend: { displayMode: "table", placement: "right", values: ["value", "percent"] } } },
    ],
  },
  {
    uid: "kce-namespace",
    title: "Kube Cost — Namespace Deep Dive",
    description: "Per-namespace cost, its breakdown by resource, and the pods behind it (click a namespace).",
    panels: [
      { type: "table", title: "Namespaces", description: "Monthly run rate and the last 24 hours. Export as CSV from the panel menu (Inspect → Data).", targets: [{ expr: `sum by (cluster, namespace) (namespace:kube_cost_monthly_usd:run_rate{${CN}})` }, { expr: `sum by (cluster, namespace) (kube_cost_namespace_daily_usd{${CN}})` }], w: 12, h: 10, links: [{ title: "Pods of ${__data.fields.namespace}", url: "/d/kce-namespace?var-cluster=${__data.fields.cluster}&var-namespace=${__data.fields.namespace}&${__url_time_range}" }] },
      { type: "timeseries", title: "Hourly cost by namespace", targets: [{ expr: `sum by (namespace) (kube_cost_pod_hourly_usd{${CN}})`, legend: "{{namespace}}" }], w: 12, h: 10, options: { legend: { displayMode: "table", placement: "right", calcs: ["lastNotNull"] } } },
      { type: "table", title: "Cost by resource, last 24 hours", targets: [{ expr: `sum by (namespace, resource) (kube_cost_namespace_resource_daily_usd{${CN}})` }], w: 12, h: 10 },
      { type: "table", title: "Pods (monthly run rate)", targets: [{ expr: `sort_desc(sum by (cluster, namespace, pod, node) (kube_cost_pod_hourly_usd{${CN}}) * 730)` }], w: 12, h: 10 },
    ],
  },
  {
    uid: "kce-efficiency",
    title: "Kube Cost — Resource Efficiency",
    description: "Over- and under-provisioned workloads (used ÷ requested over 24 hours) and the cost of idle capacity.",
    panels: [
      { type: "stat", title: "Idle share of cost", targets: [{ expr: `sum(cluster:kube_cost_idle_hourly_usd:sum{${C}}) / sum(cluster:kube_cost_hourly_usd:sum{${C}})` }], w: 6, h: 5, unit: "percentunit", options: { reduceOptions: { calcs: ["lastNotNull"] } } },
      { type: "stat", title: "Idle cost / month", targets: [{ expr: `sum(cluster:kube_cost_idle_hourly_usd:sum{${C}}) * 730` }], w: 6, h: 5, options: { reduceOptions: { calcs: ["lastNotNull"] } } },
      { type: "timeseries", title: "Idle cost per hour by node", targets: [{ expr: `sum by (node) (kube_cost_node_idle_hourly_usd{${C}})`, legend: "{{node}}" }], w: 12, h: 5 },
      { type: "table", title: "Most over-provisioned workloads (CPU used ÷ requested)", targets: [{ expr: `bottomk(10, kube_cost_workload_cpu_efficiency{${CN}})` }], w: 12, h: 10, unit: "percentunit" },
      { type: "table", title: "Most over-provisioned workloads (memory used ÷ requested)", targets: [{ expr: `bottomk(10, kube_cost_workload_memory_efficiency{${CN}})` }], w: 12, h: 10, unit: "percentunit" },
      { type: "table", title: "Under-provisioned workloads (using the most of what they request)", targets: [{ expr: `topk(10, kube_cost_workload_cpu_efficiency{${CN}})` }], w: 24, h: 8, unit: "percentunit" },
      {
        type: "table",
        title: "Right-sizing: what applying the recommended requests saves per month",
        description: "From the query API's usage sketches (p95 CPU, peak memory + 15 %), priced at the pods' nodes' rates; negative = under-requested, fixing it adds cost. `kubectl cost recommend -o patch` prints the patches.",
        targets: [{ expr: `sort_desc(sum by (namespace, controller_kind, controller, status) (kube_cost_recommendation_savings_monthly_usd{${CN}}))` }],
        w: 24,
        h: 8,
      },
    ],
  },
  {
    uid: "kce-spot",
    title: "Kube Cost — Spot Instance Optimizer",
    description: "Spot versus on-demand, what spot saves and would save, and how fresh the spot prices are.",
    panels: [
      { type: "stat", title: "Spot share of node cost", targets: [{ expr: `sum(kube_cost_node_hourly_usd{${CI}, capacity_type="SPOT"}) / sum(kube_cost_node_hourly_usd{${CI}})` }], w: 6, h: 5, unit: "percentunit", options: { reduceOptions: { calcs: ["lastNotNull"] } } },
      { type: "stat", title: "Savings on offer / month", targets: [{ expr: `sum(kube_cost_spot_potential_savings_hourly_usd{${CI}}) * 730` }], w: 6, h: 5, options: { reduceOptions: { calcs: ["lastNotNull"] } } },
      { type: "timeseries", title: "Realised spot savings by namespace", targets: [{ expr: `sum by (namespace) (increase(kube_cost_spot_savings_usd_total{${CN}}[$__range]))`, legend: "{{namespace}}" }], w: 12, h: 5 },
      { type: "table", title: "Nodes", targets: [{ expr: `sum by (node, instance_type, capacity_type) (kube_cost_node_hourly_usd{${CI}})` }], w: 12, h: 10 },
      { type: "bargauge", title: "On-demand nodes: savings on spot per month", targets: [{ expr: `sum by (node, instance_type) (kube_cost_spot_potential_savings_hourly_usd{${CI}}) * 730`, legend: "{{node}} ({{instance_type}})", instant: true }], w: 12, h: 10, options: { displayMode: "gradient", orientation: "horizontal", reduceOptions: { calcs: ["lastNotNull"] } } },
      { type: "table", title: "Price age by node", description: "Seconds since the price a node is charged at was current, and its source.", targets: [{ expr: `time() - max by (node, price_source) (kube_cost_node_price_as_of_seconds{${C}})` }], w: 24, h: 8, unit: "s" },
    ],
  },
  {
    uid: "kce-forecast",
    title: "Kube Cost — Forecast",
    description: "Where the month is heading: the run rate, a linear forecast to month end from the recent trend.",
    panels: [
      { type: "stat", title: "Run rate (monthly)", targets: [{ expr: `sum(cluster:kube_cost_monthly_usd:run_rate{${C}})` }], w: 8, h: 5, options: { reduceOptions: { calcs: ["lastNotNull"] } } },
      { type: "stat", title: "Forecast run rate at month end (linear, last 6 h)", targets: [{ expr: `predict_linear(sum(cluster:kube_cost_monthly_usd:run_rate{${C}})[6h:15s], scalar(days_in_month() - day_of_month()) * 86400)` }], w: 8, h: 5, options: { reduceOptions: { calcs: ["lastNotNull"] } } },
      { type: "stat", title: "Cost for the rest of the month at today's rate", targets: [{ expr: `sum(cluster:kube_cost_hourly_usd:sum{${C}}) * 24 * scalar(days_in_month() - day_of_month())` }], w: 8, h: 5, options: { reduceOptions: { calcs: ["lastNotNull"] } } },
      { type: "timeseries", title: "Daily cost and its 7-day linear projection", targets: [{ expr: `sum(cluster:kube_cost_daily_usd:sum{${C}})`, legend: "daily cost" }, { expr: `predict_linear(sum(cluster:kube_cost_daily_usd:sum{${C}})[1d:15s], 7 * 86400)`, legend: "in 7 days (linear)" }], w: 24, h: 9 },
      { type: "table", title: "Namespaces: monthly run rate", targets: [{ expr: `sort_desc(sum by (namespace) (namespace:kube_cost_monthly_usd:run_rate{${CN}}))` }], w: 24, h: 8 },
    ],
  },
];
