import type { Resource } from "./world.ts";

export interface ResourceInfo {
  resource: Resource;
  group: string;
  version: string;
  kind: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
}

/** The resources the simulator serves, read-only (get, list, watch). */
export const RESOURCES: ResourceInfo[] = [
  { resource: "nodes", group: "", version: "v1", kind: "Node", singular: "node", namespaced: false, shortNames: ["no"] },
  { resource: "pods", group: "", version: "v1", kind: "Pod", singular: "pod", namespaced: true, shortNames: ["po"] },
  { resource: "persistentvolumes", group: "", version: "v1", kind: "PersistentVolume", singular: "persistentvolume", namespaced: false, shortNames: ["pv"] },
  { resource: "persistentvolumeclaims", group: "", version: "v1", kind: "PersistentVolumeClaim", singular: "persistentvolumeclaim", namespaced: true, shortNames: ["pvc"] },
  { resource: "namespaces", group: "", version: "v1", kind: "Namespace", singular: "namespace", namespaced: false, shortNames: ["ns"] },
  { resource: "deployments", group: "apps", version: "v1", kind: "Deployment", singular: "deployment", namespaced: true, shortNames: ["deploy"] },
  { resource: "statefulsets", group: "apps", version: "v1", kind: "StatefulSet", singular: "statefulset", namespaced: true, shortNames: ["sts"] },
  { resource: "daemonsets", group: "apps", version: "v1", kind: "DaemonSet", singular: "daemonset", namespaced: true, shortNames: ["ds"] },
  { resource: "replicasets", group: "apps", version: "v1", kind: "ReplicaSet", singular: "replicaset", namespaced: true, shortNames: ["rs"] },
  { resource: "jobs", group: "batch", version: "v1", kind: "Job", singular: "job", namespaced: true, shortNames: [] },
  { resource: "cronjobs", group: "batch", version: "v1", kind: "CronJob", singular: "cronjob", namespaced: true, shortNames: ["cj"] },
];

const VERBS = ["get", "list", "watch"];

export function findResource(group: string, version: string, resource: string): ResourceInfo | undefined {
  return RESOURCES.find((r) => r.group === group && r.version === version && r.resource === resource);
}

/** `/api`: the legacy core group versions. */
export function apiVersions(serverAddress: string): object {
  return { kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress }] };
}

/** `/apis`: the named groups. */
export function apiGroupList(): object {
  const groups = [...new Set(RESOURCES.filter((r) => r.group !== "").map((r) => r.group))];
  return {
    kind: "APIGroupList",
    apiVersion: "v1",
    groups: groups.map((name) => ({
      name,
      versions: [{ groupVersion: `${name}/v1`, version: "v1" }],
      preferredVersion: { groupVersion: `${name}/v1`, version: "v1" },
    })),
  };
}

/** `/api/v1`, `/apis/<group>/v1`: the resources of one group version. */
export function apiResourceList(group: string, version: string): object | undefined {
  const resources = RESOURCES.filter((r) => r.group === group && r.version === version);
  if (resources.length === 0) return undefined;
  const list: object[] = resources.map((r) => ({
    name: r.resource,
    singularName: r.singular,
    namespaced: r.namespaced,
    kind: r.kind,
    verbs: VERBS,
    ...(r.shortNames.length > 0 ? { shortNames: r.shortNames } : {}),
    ...(r.resource === "pods" || r.group === "apps" ? { categories: ["all"] } : {}),
  }));
  if (group === "") list.push({ name: "nodes/proxy", singularName: "", namespaced: false, kind: "NodeProxyOptions", verbs: ["get"] });
  return { kind: "APIResourceList", apiVersion: "v1", groupVersion: group === "" ? version : `${group}/${version}`, resources: list };
}
