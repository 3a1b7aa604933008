/**
 * A small builder of Grafana dashboard JSON (schema 39): just the panel kinds the five dashboards
 * use, every query against the `$datasource` Prometheus, every cost in USD.
 */
export interface Target {
  expr: string;
  legend?: string;
  /** Table panels read one instant vector. */
  instant?: boolean;
}

export interface PanelSpec {
  type: "stat" | "timeseries" | "table" | "piechart" | "bargauge";
  title: string;
  description?: string;
  targets: Target[];
  w: number;
  h: number;
  unit?: string;
  /** Links on the values (drill-down), Grafana data-link syntax. */
  links?: Array<{ title: string; url: string }>;
  options?: Record<string, unknown>;
}

const DS = { type: "prometheus", uid: "${datasource}" };

export function panel(id: number, spec: PanelSpec, x: number, y: number): Record<string, unknown> {
  return {
    id,
    type: spec.type,
    title: spec.title,
    ...(spec.description === undefined ? {} : { description: spec.description }),
    datasource: DS,
    gridPos: { x, y, w: spec.w, h: spec.h },
    targets: spec.targets.map((t, i) => ({
      refId: String.fromCharCode(65 + i),
      datasource: DS,
      expr: t.expr,
      legendFormat: t.legend ?? "__auto",
      ...(t.instant === true || spec.type === "table" ? { instant: true, range: false, format: "table" } : { range: true }),
    })),
    fieldConfig: {
      defaults: { unit: spec.unit ?? "currencyUSD", decimals: spec.unit === "percentunit" ? 1 : 2, ...(spec.links === undefined ? {} : { links: spec.links }) },
      overrides: [],
    },
    options: spec.options ?? {},
    ...(spec.type === "table" ? { transformations: [{ id: "merge", options: {} }, { id: "organize", options: { excludeByName: { Time: true } } }] } : {}),
  };
}

/** Lays panels out left to right, wrapping at Grafana's 24 columns. */
export function layout(specs: PanelSpec[]): Array<Record<string, unknown>> {
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  return specs.map((spec, i) => {
    if (x + spec.w > 24) {
      x = 0;
      y += rowHeight;
      rowHeight = 0;
    }
    const p = panel(i + 1, spec, x, y);
    x += spec.w;
    rowHeight = Math.max(rowHeight, spec.h);
    return p;
  });
}

function queryVariable(name: string, label: string, query: string): Record<string, unknown> {
  return {
    type: "query",
    name,
    label,
    datasource: DS,
    query: { query, refId: `var-${name}` },
    definition: query,
    refresh: 2,
    includeAll: true,
    multi: true,
    allValue: ".*",
    current: { selected: true, text: ["All"], value: ["$__all"] },
    sort: 1,
  };
}

/** $datasource, $cluster, $namespace and $instance_type, each with "All". */
export function variables(): Record<string, unknown> {
  return {
    list: [
      { type: "datasource", name: "datasource", label: "Prometheus", query: "prometheus", current: {}, hide: 0 },
      queryVariable("cluster", "Cluster", "label_values(kube_cost_node_hourly_usd, cluster)"),
      queryVariable("namespace", "Namespace", 'label_values(kube_cost_pod_hourly_usd{cluster=~"$cluster"}, namespace)'),
      queryVariable("instance_type", "Instance type", 'label_values(kube_cost_node_hourly_usd{cluster=~"$cluster"}, instance_type)'),
    ],
  };
}

export interface DashboardSpec {
  uid: string;
  title: string;
  description: string;
  panels: PanelSpec[];
}

export const DASHBOARD_UIDS = ["kce-executive", "kce-namespace", "kce-efficiency", "kce-spot", "kce-forecast"] as const;

export function dashboard(spec: DashboardSpec, all: readonly DashboardSpec[]): Record<string, unknown> {
  return {
    uid: spec.uid,
    title: spec.title,
    description: spec.description,
    tags: ["kube-cost-exporter", "cost"],
    timezone: "browser",
    editable: true,
    graphTooltip: 1,
    schemaVersion: 39,
    version: 1,
    refresh: "1m",
    time: { from: "now-7d", to: "now" },
    timepicker: { refresh_intervals: ["1m", "5m", "15m", "1h"], time_options: ["24h", "7d", "30d", "90d"] },
    templating: variables(),
    annotations: { list: [] },
    links: all.filter((d) => d.uid !== spec.uid).map((d) => ({ title: d.title, type: "link", url: `/d/${d.uid}?\${__url_time_range}&\${cluster:queryparam}`, icon: "dashboard" })),
    panels: layout(spec.panels),
  };
}
