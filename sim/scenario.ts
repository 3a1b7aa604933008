import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import * as z from "../model/zod.ts";
import { packagePath } from "../model/paths.ts";

/** Raised when a scenario file is unreadable or invalid; names the file and the key. */
export class ScenarioError extends Error {
  override readonly name = "ScenarioError";
}

const quantity = z.union([z.string(), z.number()]);

const usage = z.prefault(z.strictObject({
  cpu: z._default(quantity, 0),
  memory: z._default(quantity, 0),
  /** Relative amplitude of a sine wave around the base usage (0 = constant). */
  amplitude: z._default(z.number().check(z.minimum(0), z.maximum(1)), 0),
  periodSeconds: z._default(z.number().check(z.positive()), 600),
  /** Container restarts every N seconds (its CPU counter resets); 0 = never. */
  restartEverySeconds: z._default(z.number().check(z.minimum(0)), 0),
}), {});

const container = z.strictObject({
  name: z.string().check(z.minLength(1)),
  requests: z.prefault(z.strictObject({ cpu: z.optional(quantity), memory: z.optional(quantity), gpu: z.optional(z.int().check(z.minimum(0))) }), {}),
  limits: z.prefault(z.strictObject({ cpu: z.optional(quantity), memory: z.optional(quantity), gpu: z.optional(z.int().check(z.minimum(0))) }), {}),
  usage,
  network: z.prefault(z.strictObject({ rxBytesPerSecond: z._default(z.number().check(z.minimum(0)), 0), txBytesPerSecond: z._default(z.number().check(z.minimum(0)), 0) }), {}),
});

const workload = z.strictObject({
  kind: z.enum(["Deployment", "StatefulSet", "DaemonSet", "CronJob", "Job", "Pod"]),
  name: z.string().check(z.regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "must be a DNS label")),
  namespace: z._default(z.string().check(z.minLength(1)), "default"),
  replicas: z._default(z.int().check(z.minimum(0)), 1),
  labels: z._default(z.record(z.string(), z.string()), {}),
  /** Pin pods to these nodes (round-robin); default: all nodes, round-robin across the cluster. */
  nodes: z.optional(z.array(z.string())),
  containers: z.array(container).check(z.minLength(1)),
  volumeClaim: z.optional(z.strictObject({ storageClass: z.string(), size: quantity })),
  /** Pod churn: each replica is replaced by a new pod every N seconds (staggered); 0 = never. */
  replaceEverySeconds: z._default(z.number().check(z.minimum(0)), 0),
  /** A one-time change of replicas (a scale-up to watch the anomaly detector): at start + afterSeconds, for forSeconds (default: for good). */
  scale: z.optional(z.strictObject({ afterSeconds: z.number().check(z.minimum(0)), replicas: z.int().check(z.minimum(0)), forSeconds: z.optional(z.number().check(z.positive())) })),
  /** CronJob: a new job every N seconds; each pod runs runSeconds, then completes. */
  everySeconds: z._default(z.number().check(z.positive()), 300),
  runSeconds: z._default(z.number().check(z.positive()), 60),
});

const node = z.strictObject({
  name: z.string().check(z.minLength(1)),
  instanceType: z.string().check(z.minLength(1)),
  region: z.string().check(z.minLength(1)),
  zone: z.string().check(z.minLength(1)),
  capacityType: z._default(z.enum(["on-demand", "spot"]), "on-demand"),
  pool: z._default(z.string(), "default"),
  cpu: z.optional(quantity),
  memory: z.optional(quantity),
  gpus: z.optional(z.int().check(z.minimum(0))),
});

/** A PersistentVolume no workload creates: a claim nobody mounts, a Released volume, a pre-provisioned one. */
const volume = z.strictObject({
  name: z.string().check(z.minLength(1)),
  storageClass: z.string(),
  size: quantity,
  phase: z._default(z.enum(["Bound", "Released", "Available"]), "Bound"),
  claim: z.optional(z.strictObject({ namespace: z.string().check(z.minLength(1)), name: z.string().check(z.minLength(1)) })).check(z.describe("Bound: a claim is created; Released: the claim is gone, its ref stays")),
});

export const scenarioSchema = z.strictObject({
  cluster: z._default(z.string().check(z.minLength(1)), "sim"),
  provider: z._default(z.enum(["aws", "gcp", "azure", "none"]), "aws"),
  seed: z._default(z.int(), 1),
  nodes: z.array(node).check(z.minLength(1)),
  workloads: z._default(z.array(workload), []),
  volumes: z._default(z.array(volume), []),
});

export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioNode = z.infer<typeof node>;
export type ScenarioWorkload = z.infer<typeof workload>;
export type ScenarioContainer = z.infer<typeof container>;
export type ScenarioVolume = z.infer<typeof volume>;

/** Validates a scenario object; node names referenced by workloads must exist. */
export function parseScenario(raw: unknown, source = "scenario"): Scenario {
  const parsed = z.safeParse(scenarioSchema, raw);
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
