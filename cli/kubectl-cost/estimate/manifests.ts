import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import { parseQuantity, QuantityError } from "../../../model/quantity.ts";
import { claimClass, storageClassOf, type InputStorageClass } from "./storage.ts";

/** A manifest cannot be read or is not a valid workload: names the file, document and field. */
export class ManifestError extends Error {
  override readonly name = "ManifestError";
}

export interface Workload {
  kind: string;
  namespace: string;
  name: string;
  replicas: number;
  /** Per replica: Σ containers' requests (a limit without a request counts as the request). */
  cpuCores: number;
  memoryBytes: number;
  gpus: number;
  /** Per replica: claims from volumeClaimTemplates. */
  volumes: Array<{ storageClass: string; bytes: number }>;
  notes: string[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const at = (o: unknown, ...path: string[]): unknown => path.reduce<unknown>((v, k) => (isObj(v) ? v[k] : undefined), o);

const WORKLOADS = ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod"];

export interface ParseOptions {
  defaultNamespace: string;
  /** Nodes a DaemonSet runs on. */
  daemonSetNodes: number;
}

function quantity(where: string, value: unknown): number {
  if (typeof value !== "string" && typeof value !== "number") throw new ManifestError(`${where}: expected a quantity, got ${JSON.stringify(value)}`);
  try {
    return parseQuantity(value);
  } catch (error) {
    throw new ManifestError(`${where}: ${(error as QuantityError).message}`);
  }
}

function podSpecOf(kind: string, doc: Obj): unknown {
  if (kind === "Pod") return doc["spec"];
  if (kind === "CronJob") return at(doc, "spec", "jobTemplate", "spec", "template", "spec");
  return at(doc, "spec", "template", "spec");
}

function replicasOf(kind: string, doc: Obj, options: ParseOptions, notes: string[]): number {
  switch (kind) {
    case "Pod":
      return 1;
    case "DaemonSet":
      notes.push(`one pod on each of ${options.daemonSetNodes} node(s)`);
      return options.daemonSetNodes;
    case "Job":
    case "CronJob": {
      const spec = kind === "Job" ? at(doc, "spec") : at(doc, "spec", "jobTemplate", "spec");
      notes.push("priced as if it ran all month (upper bound)");
      const p = at(spec, "parallelism");
      return typeof p === "number" ? p : 1;
    }
    default: {
      const r = at(doc, "spec", "replicas");
      if (r === undefined) return 1;
      if (typeof r !== "number" || !Number.isInteger(r) || r < 0) throw new ManifestError(`spec.replicas must be a whole number, got ${JSON.stringify(r)}`);
      return r;
    }
  }
}

function workloadOf(doc: Obj, where: string, options: ParseOptions): Workload {
  const kind = String(doc["kind"]);
  const name = at(doc, "metadata", "name");
  if (typeof name !== "string" || name === "") throw new ManifestError(`${where}: ${kind} has no metadata.name`);
  const label = `${where} (${kind} ${name})`;
  const ns = at(doc, "metadata", "namespace");
  const notes: string[] = [];
  let replicas: number;
  try {
    replicas = replicasOf(kind, doc, options, notes);
  } catch (error) {
    throw new ManifestError(`${label}: ${(error as Error).message}`);
  }
  const spec = podSpecOf(kind, doc);
  const containers = at(spec, "containers");
  if (!Array.isArray(containers) || containers.length === 0) throw new ManifestError(`${label}: the pod template has no containers`);
  let cpuCores = 0;
  let memoryBytes = 0;
  let gpus = 0;
  let unrequested = 0;
  containers.forEach((c, i) => {
    const cname = typeof at(c, "name") === "string" ? String(at(c, "name")) : `#${i}`;
    const read = (resource: string): number => {
      const v = at(c, "resources", "requests", resource) ?? at(c, "resources", "limits", resource);
      return v === undefined ? 0 : quantity(`${label}: container ${cname}: resources ${resource}`, v);
    };
    const cpu = read("cpu");
    const memory = read("memory");
    if (cpu === 0 && memory === 0) unrequested += 1;
    cpuCores += cpu;
    memoryBytes += memory;
    gpus += read("nvidia.com/gpu") + read("amd.com/gpu");
  });
  if (unrequested > 0) notes.push(`${unrequested} container(s) request nothing: they cost nothing here but their usage will be charged`);
  const volumes: Workload["volumes"] = [];
  const templates = kind === "StatefulSet" ? at(doc, "spec", "volumeClaimTemplates") : undefined;
  if (Array.isArray(templates)) {
    for (const t of templates) {
      const size = at(t, "spec", "resources", "requests", "storage");
      if (size === undefined) continue;
      volumes.push({ storageClass: claimClass(t), bytes: quantity(`${label}: volumeClaimTemplates storage`, size) });
    }
  }
  return { kind, namespace: typeof ns === "string" && ns !== "" ? ns : options.defaultNamespace, name, replicas, cpuCores, memoryBytes, gpus, volumes, notes };
}

/**
 * The workloads, claims and StorageClasses in a YAML text (several documents, `kind: List` too).
 * Other objects (Services, ConfigMaps, …) are skipped and reported; malformed ones are errors naming the document.
 */
/** A standalone PersistentVolumeClaim: storage only, one "replica". */
function claimOf(doc: Obj, where: string, options: ParseOptions): Workload {
  const name = at(doc, "metadata", "name");
  if (typeof name !== "string" || name === "") throw new ManifestError(`${where}: PersistentVolumeClaim has no metadata.name`);
  const size = at(doc, "spec", "resources", "requests", "storage");
  if (size === undefined) throw new ManifestError(`${where} (PersistentVolumeClaim ${name}): no spec.resources.requests.storage`);
  const ns = at(doc, "metadata", "namespace");
  return {
    kind: "PersistentVolumeClaim",
    namespace: typeof ns === "string" && ns !== "" ? ns : options.defaultNamespace,
    name,
    replicas: 1,
    cpuCores: 0,
    memoryBytes: 0,
    gpus: 0,
    volumes: [{ storageClass: claimClass(doc), bytes: quantity(`${where} (PersistentVolumeClaim ${name}): storage`, size) }],
    notes: [],
  };
}

export interface ParsedManifests {
  workloads: Workload[];
  /** StorageClasses defined in the input (their parameters name the volume type to price). */
  storageClasses: InputStorageClass[];
  skipped: string[];
}

export function parseManifests(text: string, source: string, options: ParseOptions): ParsedManifests {
  const workloads: Workload[] = [];
  const storageClasses: InputStorageClass[] = [];
  const skipped: string[] = [];
  const docs = parseAllDocuments(text, { prettyErrors: true });
  if (!Array.isArray(docs)) throw new ManifestError(`${source}: not a YAML stream`);
  docs.forEach((doc, i) => {
    const error = doc.errors[0];
    if (error !== undefined) {
      const line = error.linePos?.[0]?.line;
      throw new ManifestError(`${source}${line === undefined ? "" : `:${line}`}: invalid YAML: ${error.message.split("\n")[0] ?? ""}`);
    }
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) return;
    const visit = (obj: unknown, where: string): void => {
      if (!isObj(obj)) throw new ManifestError(`${where}: expected a Kubernetes object, got ${JSON.stringify(obj)?.slice(0, 60)}`);
      const kind = obj["kind"];
      if (typeof kind !== "string") throw new ManifestError(`${where}: has no kind`);
      if (kind === "List" || kind.endsWith("List")) {
        const items = obj["items"];
        if (!Array.isArray(items)) throw new ManifestError(`${where}: ${kind} has no items`);
        items.forEach((item, j) => visit(item, `${where} item ${j + 1}`));
      } else if (WORKLOADS.includes(kind)) {
        workloads.push(workloadOf(obj, where, options));
      } else if (kind === "PersistentVolumeClaim") {
        workloads.push(claimOf(obj, where, options));
      } else if (kind === "StorageClass") {
        const sc = storageClassOf(obj);
        if (sc === undefined) throw new ManifestError(`${where}: StorageClass has no metadata.name`);
        storageClasses.push(sc);
      } else {
        const name = at(obj, "metadata", "name");
        skipped.push(`${kind} ${typeof name === "string" ? name : ""}`.trim());
      }
    };
    visit(value, `${source} document ${i + 1}`);
  });
  return { workloads, storageClasses, skipped };
}

/** Reads `-f` sources: files, or `-` for standard input. */
export function readSource(path: string): string {
  try {
    return readFileSync(path === "-" ? 0 : path, "utf8");
  } catch (error) {
    throw new ManifestError(`${path === "-" ? "standard input" : path}: cannot be read (${(error as Error).message})`);
  }
}
