import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { DASHBOARDS } from "../../dashboards/definitions.ts";
import { staleDashboards } from "../../dashboards/write.ts";

/** deploy/grafana: generated dashboards, their provisioning and Grafana Operator resources. The queries are run against a real Prometheus in test/e2e/pipeline.test.ts. */
const DIR = fileURLToPath(new URL("../../deploy/grafana", import.meta.url));

describe("Grafana dashboards as code", () => {
  it("are up to date with dashboards/definitions.ts (run `npm run dashboards`)", () => {
    expect(staleDashboards(DIR)).toEqual([]);
  });

  it("are the seed's five, with $cluster, $namespace and $instance_type, time options 24h-90d, and links between them", () => {
    expect(DASHBOARDS.map((d) => d.title)).toEqual([
      "Kube Cost — Executive Summary",
      "Kube Cost — Namespace Deep Dive",
      "Kube Cost — Resource Efficiency",
      "Kube Cost — Spot Instance Optimizer",
      "Kube Cost — Forecast",
    ]);
    for (const name of ["executive", "namespace", "efficiency", "spot", "forecast"]) {
      const d = JSON.parse(readFileSync(`${DIR}/dashboards/${name}.json`, "utf8")) as { uid: string; templating: { list: Array<{ name: string }> }; timepicker: { time_options: string[] }; links: unknown[]; panels: Array<{ gridPos: { w: number } }> };
      expect(d.templating.list.map((v) => v.name)).toEqual(["datasource", "cluster", "namespace", "instance_type"]);
      expect(d.timepicker.time_options).toEqual(["24h", "7d", "30d", "90d"]);
      expect(d.links).toHaveLength(4);
      for (const p of d.panels) expect(p.gridPos.w).toBeLessThanOrEqual(24);
    }
  });

  it("drill down from a namespace to its pods, and offer table panels for CSV export", () => {
    const ns = JSON.parse(readFileSync(`${DIR}/dashboards/namespace.json`, "utf8")) as { panels: Array<{ type: string; title: string; fieldConfig: { defaults: { links?: Array<{ url: string }> } } }> };
    const table = ns.panels.find((p) => p.title === "Namespaces");
    expect(table?.type).toBe("table");
    expect(table?.fieldConfig.defaults.links?.[0]?.url).toContain("var-namespace=${__data.fields.namespace}");
    expect(ns.panels.find((p) => p.title.startsWith("Pods"))?.type).toBe("table");
  });

  it("ship Grafana file provisioning and GrafanaDashboard resources carrying the same JSON", () => {
    const provisioning = parse(readFileSync(`${DIR}/provisioning/dashboards.yaml`, "utf8")) as { apiVersion: number; providers: Array<{ type: string; options: { path: string } }> };
    expect(provisioning.apiVersion).toBe(1);
    expect(provisioning.providers[0]?.type).toBe("file");
    const cr = parse(readFileSync(`${DIR}/operator/spot.yaml`, "utf8")) as { apiVersion: string; kind: string; spec: { json: string } };
    expect(cr).toMatchObject({ apiVersion: "grafana.integreatly.org/v1beta1", kind: "GrafanaDashboard" });
    expect(JSON.parse(cr.spec.json)).toEqual(JSON.parse(readFileSync(`${DIR}/dashboards/spot.json`, "utf8")));
  });
});
