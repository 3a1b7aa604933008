import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { packagePath } from "../model/paths.ts";

/** Raised when a scenario file is unreadable or invalid; names the file and the key. */
export class ScenarioError extends Error {
  override readonly name = "ScenarioError";
}

const quantity = z.union([z.string(), z.number()]);

const usage = z
  .strictObject({
    cpu: quantity.default(0),
    memory: quantity.default(0),
    /** Relative amplitude of a sine wave around the base usage (0 = constant). */
    amplitude: z.number().min(0).max(1).default(0),
    periodSeconds: z.number().positive().default(600),
    /** Container restarts every N seconds (its CPU counter resets); 0 = never. */
    restartEverySeconds: z.number().min(0).default(0),
  })
  .prefault({});

const container = z.strictObject({
  name: z.string().min(1),
  requests: z.strictObject({ cpu: quantity.optional(), memory: quantity.optional(), gpu: z.number().int().min(0).optional() }).prefault({}),
  limits: z.strictObject({ cpu: quantity.optional(), memory: quantity.optional(), gpu: z.number().int().min(0).optional() }).prefault({}),
  usage,
  network: z.strictObject({ rxBytesPerSecond: z.number().min(0).default(0), txBytesPerSecond: z.number().min(0).default(0) }).prefault({}),
});

const workload = z.strictObject({
  kind: z.enum(["Deployment", "StatefulSet", "DaemonSet", "CronJob", "Job", "Pod"]),
  name: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "must be a DNS label"),
  namespace: z.string().min(1).default("default"),
  replicas: z.number().int().min(0).default(1),
  labels: z.record(z.string(), z.string()).default({}),
  /** Pin pods to these nodes (round-robin); default: all nodes, round-robin across the cluster. */
  nodes: z.array(z.string()).optional(),
  containers: z.array(container).min(1),
  volumeClaim: z.strictObject({ storageClass: z.string(), size: quantity }).optional(),
  /** Pod churn: each replica is replaced by a new pod every N seconds (staggered); 0 = never. */
  replaceEverySeconds: z.number().min(0).default(0),
  /** A one-time change of replicas (a scale-up to watch the anomaly detector): at start + afterSeconds, for forSeconds (default: for good). */
  scale: z.strictObject({ afterSeconds: z.number().min(0), replicas: z.number().int().min(0), forSeconds: z.number().positive().optional() }).optional(),
  /** CronJob: a new job every N seconds; each pod runs runSeconds, then completes. */
  everySeconds: z.number().positive().default(300),
  runSeconds: z.number().positive().default(60),
});

const node = z.strictObject({
  name: z.string().min(1),
  instanceType: z.string().min(1),
  region: z.string().min(1),
  zone: z.string().min(1),
  capacityType: z.enum(["on-demand", "spot"]).default("on-demand"),
  pool: z.string().default("default"),
  cpu: quantity.optional(),
  memory: quantity.optional(),
  gpus: z.number().int().min(0).optional(),
});

/** A PersistentVolume no workload creates: a claim nobody mounts, a Released volume, a pre-provisioned one. */
const volume = z.strictObject({
  name: z.string().min(1),
  storageClass: z.string(),
  size: quantity,
  phase: z.enum(["Bound", "Released", "Available"]).default("Bound"),
  claim: z.strictObject({ namespace: z.string().min(1), name: z.string().min(1) }).optional().describe("Bound: a claim is created; Released: the claim is gone, its ref stays"),
});

export const scenarioSchema = z.strictObject({
  cluster: z.string().min(1).default("sim"),
  provider: z.enum(["aws", "gcp", "azure", "none"]).default("aws"),
  seed: z.number().int().default(1),
  nodes: z.array(node).min(1),
  workloads: z.array(workload).default([]),
  volumes: z.array(volume).default([]),
});

export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioNode = z.infer<typeof node>;
export type ScenarioWorkload = z.infer<typeof workload>;
export type ScenarioContainer = z.infer<typeof container>;
export type ScenarioVolume = z.infer<typeof volume>;

/** Validates a scenario object; node names referenced by workloads must exist. */
export function parseScenario(raw: unknown, source = "scenario"): Scenario {
  const parsed = scenarioSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ScenarioError(`${source}: ${issue?.path.join(".") ?? ""}: ${issue?.message ?? "invalid"}`);
  }
  const names = new Set(parsed.data.nodes.map((n) => n.name));
  if (names.size !== parsed.data.nodes.length) throw new ScenarioError(`${source}: node names must be unique`);
  for (const w of parsed.data.workloads) {
    for (const n of w.nodes ?? []) {
      if (!names.has(n)) throw new ScenarioError(`${source}: workloads.${w.name}.nodes: no node named ${n}`);
    }
  }
  return parsed.data;
}

/** Loads a scenario YAML file. */
export function loadScenario(path: string): Scenario {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, "utf8"));
  } catch (cause) {
    throw new ScenarioError(`${path}: cannot be read as YAML: ${(cause as Error).message}`, { cause });
  }
  return parseScenario(raw, path);
}

/** Path of a scenario shipped in sim/scenarios. */
export function builtinScenario(name: string): string {
  return packagePath("sim", "scenarios", `${name}.yaml`);
}
