import type { KubeObject } from "./objects.ts";
import type { ResourceInfo } from "./discovery.ts";

interface Column {
  name: string;
  type: "string" | "integer" | "date";
  priority: 0 | 1;
  cell: (o: KubeObject, nowMs: number) => string | number;
}

/** kubectl's age format (k8s.io/apimachinery duration.HumanDuration, simplified). */
export function humanAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const m = Math.floor(s / 60);
  const h = Math.floor(m / 60);
  const d = Math.floor(h / 24);
  if (s < 120) return `${s}s`;
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  if (h < 24 * 8) return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`;
  return `${d}d`;
}

const age: Column = {
  name: "Age",
  type: "string",
  priority: 0,
  cell: (o, now) => humanAge(now - Date.parse(o.metadata.creationTimestamp)),
};
const name: Column = { name: "Name", type: "string", priority: 0, cell: (o) => o.metadata.name };
const field = (o: KubeObject, path: string[]): unknown => path.reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], o);
const str = (v: unknown): string =>
  typeof v === "string" ? (v === "" ? "<none>" : v) : typeof v === "number" || typeof v === "boolean" ? String(v) : "<none>";

type ContainerStatus = { ready: boolean; restartCount: number };
const statuses = (o: KubeObject): ContainerStatus[] => (o.status?.["containerStatuses"] ?? []) as ContainerStatus[];

const COLUMNS: Partial<Record<string, Column[]>> = {
  pods: [
    name,
    { name: "Ready", type: "string", priority: 0, cell: (o) => `${statuses(o).filter((c) => c.ready).length}/${statuses(o).length}` },
    { name: "Status", type: "string", priority: 0, cell: (o) => (o.status?.["phase"] === "Succeeded" ? "Completed" : str(o.status?.["phase"])) },
    { name: "Restarts", type: "string", priority: 0, cell: (o) => String(statuses(o).reduce((s, c) => s + c.restartCount, 0)) },
    age,
    { name: "IP", type: "string", priority: 1, cell: (o) => str(o.status?.["podIP"]) },
    { name: "Node", type: "string", priority: 1, cell: (o) => str(o.spec?.["nodeName"]) },
    { name: "Nominated Node", type: "string", priority: 1, cell: () => "<none>" },
    { name: "Readiness Gates", type: "string", priority: 1, cell: () => "<none>" },
  ],
  nodes: [
    name,
    { name: "Status", type: "string", priority: 0, cell: () => "Ready" },
    { name: "Roles", type: "string", priority: 0, cell: () => "<none>" },
    age,
    { name: "Version", type: "string", priority: 0, cell: (o) => str(field(o, ["status", "nodeInfo", "kubeletVersion"])) },
    {
      name: "Internal-IP",
      type: "string",
      priority: 1,
      cell: (o) => str(((o.status?.["addresses"] ?? []) as Array<{ type: string; address: string }>).find((a) => a.type === "InternalIP")?.address),
    },
    { name: "External-IP", type: "string", priority: 1, cell: () => "<none>" },
    { name: "OS-Image", type: "string", priority: 1, cell: (o) => str(field(o, ["status", "nodeInfo", "osImage"])) },
    { name: "Container-Runtime", type: "string", priority: 1, cell: (o) => str(field(o, ["status", "nodeInfo", "containerRuntimeVersion"])) },
  ],
  namespaces: [name, { name: "Status", type: "string", priority: 0, cell: (o) => str(o.status?.["phase"]) }, age],
  persistentvolumes: [
    name,
    { name: "Capacity", type: "string", priority: 0, cell: (o) => str(field(o, ["spec", "capacity", "storage"])) },
    { name: "Access Modes", type: "string", priority: 0, cell: () => "RWO" },
    { name: "Reclaim Policy", type: "string", priority: 0, cell: (o) => str(o.spec?.["persistentVolumeReclaimPolicy"]) },
    { name: "Status", type: "string", priority: 0, cell: (o) => str(o.status?.["phase"]) },
    { name: "Claim", type: "string", priority: 0, cell: (o) => `${str(field(o, ["spec", "claimRef", "namespace"]))}/${str(field(o, ["spec", "claimRef", "name"]))}` },
    { name: "StorageClass", type: "string", priority: 0, cell: (o) => str(o.spec?.["storageClassName"]) },
    age,
  ],
  persistentvolumeclaims: [
    name,
    { name: "Status", type: "string", priority: 0, cell: (o) => str(o.status?.["phase"]) },
    { name: "Volume", type: "string", priority: 0, cell: (o) => str(o.spec?.["volumeName"]) },
    { name: "Capacity", type: "string", priority: 0, cell: (o) => str(field(o, ["status", "capacity", "storage"])) },
    { name: "Access Modes", type: "string", priority: 0, cell: () => "RWO" },
    { name: "StorageClass", type: "string", priority: 0, cell: (o) => str(o.spec?.["storageClassName"]) },
    age,
  ],
  deployments: [
    name,
    { name: "Ready", type: "string", priority: 0, cell: (o) => `${str(field(o, ["status", "readyReplicas"]))}/${str(o.spec?.["replicas"])}` },
    { name: "Up-to-date", type: "integer", priority: 0, cell: (o) => Number(o.spec?.["replicas"] ?? 0) },
    { name: "Available", type: "integer", priority: 0, cell: (o) => Number(field(o, ["status", "availableReplicas"]) ?? 0) },
    age,
  ],
};

/** A server-side `meta.k8s.io/v1` Table of objects, as kubectl asks for with `as=Table`. */
export function toTable(info: ResourceInfo, objects: KubeObject[], resourceVersion: string, nowMs: number): object {
  const columns = COLUMNS[info.resource] ?? [name, age];
  return {
    kind: "Table",
    apiVersion: "meta.k8s.io/v1",
    metadata: { resourceVersion },
    columnDefinitions: columns.map((c) => ({
      name: c.name,
      type: c.type,
      format: c.name === "Name" ? "name" : "",
      description: c.name,
      priority: c.priority,
    })),
    rows: objects.map((o) => ({
      cells: columns.map((c) => c.cell(o, nowMs)),
      object: { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: o.metadata },
    })),
  };
}
