import { readFileSync, writeFileSync } from "node:fs";
import { parse } from "yaml";
import { writeKustomize } from "../../install/kustomize.ts";
import { renderObjects, toYaml } from "../../install/render.ts";
import { ValuesError, valuesSchema, type InstallValues } from "../../install/values.ts";
import { stringOption, UsageError } from "../args.ts";
import type { Command } from "../command.ts";

export { ValuesError };

export function loadValues(path: string | undefined, overrides: Partial<InstallValues> = {}): InstallValues {
  let raw: unknown = {};
  if (path !== undefined) {
    try {
      raw = parse(readFileSync(path, "utf8")) ?? {};
    } catch (cause) {
      throw new ValuesError(`values file ${path}: ${(cause as Error).message}`, { cause });
    }
  }
  const result = valuesSchema.safeParse({ ...(raw as Record<string, unknown>), ...overrides });
  if (!result.success) {
    const issue = result.error.issues[0];
    const what = issue?.code === "unrecognized_keys" ? `unknown key ${issue.keys.join(", ")}` : (issue?.message ?? "invalid");
    throw new ValuesError(`values${path === undefined ? "" : ` ${path}`}: ${issue?.path.join(".") || "(top level)"}: ${what}`);
  }
  return result.data;
}

export const installCommand: Command = {
  name: "install",
  summary: "render the Kubernetes manifests for a cluster (agents, central stages, RBAC, monitoring) from a values file",
  usage: "kce install [--values FILE] [--role single|hub|leaf] [--out FILE] | kce install --kustomize DIR [--values FILE]",
  details: [
    "Prints YAML for `kubectl apply -f -`: Namespace, ServiceAccounts (with IRSA / GKE / Azure Workload",
    "Identity annotations from the values), a read-only ClusterRole, the config as a ConfigMap (validated",
    "here), the agent DaemonSet, the central Deployment(s), Services, NetworkPolicies, PodDisruptionBudgets,",
    "a ServiceMonitor and a PrometheusRule. Values: deploy/install/values.example.yaml.",
    "--kustomize DIR writes a kustomize base and overlays (single, hub, leaf) instead.",
    "",
    "Examples:",
    "  kce install --values my-values.yaml | kubectl apply -f -",
    "  kce install --values hub.yaml --role hub --out hub.yaml",
  ].join("\n"),
  options: [
    { name: "values", short: "f", value: "FILE", description: "values YAML (default: built-in defaults)" },
    { name: "role", value: "ROLE", description: "single (default), hub or leaf; overrides the values' role" },
    { name: "out", short: "o", value: "FILE", description: "write here instead of stdout" },
    { name: "kustomize", value: "DIR", description: "write a kustomize base and overlays into DIR" },
    { name: "help", short: "h", description: "show this help" },
  ],
  run: (args) => {
    const role = stringOption(args, "role");
    if (role !== undefined && role !== "single" && role !== "hub" && role !== "leaf") throw new UsageError(`--role must be single, hub or leaf, not ${JSON.stringify(role)}`);
    const values = loadValues(stringOption(args, "values"), role === undefined ? {} : { role });
    const kustomize = stringOption(args, "kustomize");
    if (kustomize !== undefined) {
      const written = writeKustomize(kustomize, values);
      process.stdout.write(`wrote ${written.length} files under ${kustomize}\n`);
      return Promise.resolve(0);
    }
    const yaml = toYaml(renderObjects(values));
    const out = stringOption(args, "out");
    if (out === undefined) process.stdout.write(yaml);
    else writeFileSync(out, yaml);
    return Promise.resolve(0);
  },
};
