import type { OptionSpec } from "../args.ts";

export const CONNECTION_OPTIONS: OptionSpec[] = [
  { name: "server", value: "URL", description: "query API URL, e.g. http://127.0.0.1:9003 (env KCE_API_URL); default: through the Kubernetes API service proxy" },
  { name: "service-name", value: "NAME", description: "in-cluster service of the API (default kube-cost-exporter)" },
  { name: "service-namespace", value: "NS", description: "namespace of that service (default kube-cost-exporter)" },
  { name: "service-port", value: "PORT", description: "port of that service (default 9003)" },
  { name: "kubeconfig", value: "FILE", description: "kubeconfig file (default $KUBECONFIG, then ~/.kube/config)" },
  { name: "context", value: "NAME", description: "kubeconfig context (default: the current one)" },
  { name: "request-timeout", value: "DURATION", description: "give up after this long, e.g. 30s or 2m (default 30s)" },
];

export const REPORT_OPTIONS: OptionSpec[] = [
  { name: "window", value: "WINDOW", description: "time window: 24h, 7d, today, yesterday, week, month, or start,end (default 24h)" },
  { name: "namespace", short: "n", value: "NS", description: "only this namespace" },
  { name: "cluster", value: "NAME", description: "only this cluster (multi-cluster deployments)" },
  { name: "label", short: "l", value: "KEY", description: "label key to group by (`kubectl cost label`)" },
  { name: "show-efficiency", description: "add CPU and memory efficiency (usage ÷ request) columns" },
  { name: "show-all-resources", description: "add CPU, RAM, GPU, PV and network cost columns" },
  { name: "include-idle", description: "add the cluster's unallocated (idle) cost as a row" },
  { name: "reconciled", description: "costs reconciled with the cloud bill (`kce reconcile --publish`; whole days only)" },
  { name: "output", short: "o", value: "FORMAT", description: "table (default), json, csv or yaml" },
  ...CONNECTION_OPTIONS,
  { name: "help", short: "h", description: "show this help" },
];
