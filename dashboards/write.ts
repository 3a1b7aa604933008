import { staleFiles, writeFiles } from "../local/generated-files.ts";
import { stringify } from "yaml";
import { DASHBOARDS } from "./definitions.ts";
import { dashboard } from "./panels.ts";

const slug = (uid: string) => uid.replace(/^kce-/, "");

/** Every file deploy/grafana holds, by path relative to it. */
export function dashboardFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const spec of DASHBOARDS) {
    const json = JSON.stringify(dashboard(spec, DASHBOARDS), null, 2) + "\n";
    files[`dashboards/${slug(spec.uid)}.json`] = json;
    files[`operator/${slug(spec.uid)}.yaml`] = stringify({
      apiVersion: "grafana.integreatly.org/v1beta1",
      kind: "GrafanaDashboard",
      metadata: { name: spec.uid, labels: { "app.kubernetes.io/part-of": "kube-cost-exporter" } },
      spec: { instanceSelector: { matchLabels: { dashboards: "grafana" } }, folder: "Kube Cost", json },
    });
  }
  files["provisioning/dashboards.yaml"] = stringify({
    apiVersion: 1,
    providers: [{ name: "kube-cost-exporter", folder: "Kube Cost", type: "file", disableDeletion: false, allowUiUpdates: true, options: { path: "/var/lib/grafana/dashboards/kube-cost", foldersFromFilesStructure: false } }],
  });
  files["provisioning/datasource.yaml"] = stringify({
    apiVersion: 1,
    datasources: [{ name: "Prometheus", type: "prometheus", access: "proxy", url: "http://prometheus-operated.monitoring.svc:9090", isDefault: true }],
  });
  return files;
}

export function writeDashboards(dir: string): string[] {
  return writeFiles(dir, dashboardFiles());
}

/** Files of deploy/grafana that differ from what the generator writes now. */
export function staleDashboards(dir: string): string[] {
  return staleFiles(dir, dashboardFiles());
}
