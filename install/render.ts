import { stringify } from "yaml";
import { deepMerge, validateConfig } from "../config/load.ts";
import { VERSION } from "../model/version.ts";
import * as o from "./objects.ts";
import type { K8sObject } from "./objects.ts";
import { ValuesError, type InstallValues } from "./values.ts";

/**
 * The kce config the pods get: cluster, NATS, ports and the cloud's price source from the values,
 * then `values.config` on top. Validated here, so a bad key fails `kce install`, not the pods.
 */
export function podConfig(v: InstallValues): Record<string, unknown> {
  const base: Record<string, unknown> = {
    cluster: v.cluster,
    nats: {
      servers: [v.nats.url],
      ...(v.nats.credentialsSecret === undefined ? {} : { credsFile: "/etc/kce-nats/creds" }),
      ...(v.nats.tlsSecret === undefined ? {} : { tls: { caFile: "/etc/kce-nats-tls/ca.crt" } }),
    },
    sinks: { prometheus: { port: v.metricsPort } },
    // Windows older than api.memoryHours go to the emptyDir the central and api pods mount (BENCHMARKS.md: 24 h at 10k pods).
    api: { port: v.apiPort, spillDir: o.API_SPILL_DIR },
    ...(v.cloudProvider === "none" ? {} : { pricing: { provider: v.cloudProvider, ...(v.cloudProvider === "azure" && v.azure.subscriptionId !== undefined ? { azure: { subscriptionId: v.azure.subscriptionId } } : {}) } }),
    ...(v.role === "single" ? {} : { federation: { role: v.role === "hub" ? "hub" : "leaf" } }),
    ...(v.http.tls || v.http.bearerToken
      ? {
          http: {
            ...(v.http.tls ? { tls: { certFile: "/etc/kce-http/tls.crt", keyFile: "/etc/kce-http/tls.key" } } : {}),
            ...(v.http.bearerToken ? { auth: { bearerTokenFile: "/etc/kce-http/token" } } : {}),
          },
        }
      : {}),
  };
  if ((v.http.tls || v.http.bearerToken) && v.http.secret === undefined) throw new ValuesError("values: http.secret is required when http.tls or http.bearerToken is true");
  const merged = deepMerge(base, v.config);
  validateConfig(merged);
  return merged;
}

/** Every object of an install for the values' role, in apply order. */
export function renderObjects(v: InstallValues): K8sObject[] {
  const withAgent = v.role !== "hub";
  const withCentral = v.role !== "leaf";
  const objects: K8sObject[] = [o.namespace(v), ...o.serviceAccounts(v, withAgent, withCentral)];
  if (withAgent) objects.push(...o.rbac(v));
  objects.push(o.configMap(v, podConfig(v)));
  if (withAgent) objects.push(o.agentDaemonSet(v));
  if (withCentral) {
    objects.push(...o.centralDeployments(v), ...o.services(v), ...o.disruptionBudgets(v));
    if (v.prometheus.serviceMonitor) objects.push(o.serviceMonitor(v));
    if (v.prometheus.prometheusRule) objects.push(o.prometheusRule(v));
  }
  if (v.networkPolicy) objects.push(...o.networkPolicies(v, withAgent, withCentral));
  return objects.map((obj) => ({ ...obj, metadata: { ...obj.metadata, labels: { ...(obj.metadata.labels ?? {}), "app.kubernetes.io/version": VERSION } } }));
}

export function toYaml(objects: readonly K8sObject[]): string {
  return objects.map((obj) => stringify(obj)).join("---\n");
}
