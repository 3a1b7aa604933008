/** Builders of Kubernetes API objects (JSON as the API server returns them). */
import { readPriceSnapshot } from "../pricing/snapshot/snapshot.ts";
import { formatBytes, formatCpu, parseQuantity } from "../model/quantity.ts";
import type { ScenarioContainer, ScenarioNode, ScenarioWorkload } from "./scenario.ts";

export type KubeObject = {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    uid: string;
    resourceVersion: string;
    creationTimestamp: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: Array<{ apiVersion: string; kind: string; name: string; uid: string; controller: boolean; blockOwnerDeletion: boolean }>;
    deletionTimestamp?: string;
  };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
};

export const iso = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");

let shapes: Map<string, { vcpu: number; memoryGiB: number; gpus: number }> | undefined;
function shapeOf(instanceType: string): { vcpu: number; memoryGiB: number; gpus: number } | undefined {
  if (shapes === undefined) {
    shapes = new Map(readPriceSnapshot().nodes.map((n) => [n.instanceType, { vcpu: n.vcpu, memoryGiB: n.memoryGiB, gpus: n.gpus }]));
  }
  return shapes.get(instanceType);
}

/** CPU cores, memory bytes and GPUs of a scenario node (from the scenario, else the shipped shapes). */
export function nodeCapacity(node: ScenarioNode): { cpu: number; memory: number; gpus: number } {
  const shape = shapeOf(node.instanceType);
  const cpu = node.cpu === undefined ? shape?.vcpu : parseQuantity(node.cpu);
  const memory = node.memory === undefined ? (shape === undefined ? undefined : shape.memoryGiB * 2 ** 30) : parseQuantity(node.memory);
  if (cpu === undefined || memory === undefined) {
    throw new Error(`node ${node.name}: instance type ${node.instanceType} is not in the shipped shapes; set cpu and memory`);
  }
  return { cpu, memory, gpus: node.gpus ?? shape?.gpus ?? 0 };
}

function capacityLabels(provider: string, node: ScenarioNode): Record<string, string> {
  const spot = node.capacityType === "spot";
  switch (provider) {
    case "aws":
      return {
        "eks.amazonaws.com/capacityType": spot ? "SPOT" : "ON_DEMAND",
        "karpenter.sh/capacity-type": spot ? "spot" : "on-demand",
        "eks.amazonaws.com/nodegroup": node.pool,
      };
    case "gcp":
      return { "cloud.google.com/gke-nodepool": node.pool, ...(spot ? { "cloud.google.com/gke-spot": "true" } : {}) };
    case "azure":
      return { "kubernetes.azure.com/agentpool": node.pool, ...(spot ? { "kubernetes.azure.com/scalesetpriority": "spot" } : {}) };
    default:
      return {};
  }
}

function providerId(provider: string, node: ScenarioNode, index: number): string {
  const id = (index + 1).toString(16).padStart(17, "0");
  switch (provider) {
    case "aws":
      return `aws:///${node.zone}/i-${id}`;
    case "gcp":
      return `gce://sim-project/${node.zone}/${node.name}`;
    case "azure":
      return `azure:///subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/mc_sim/providers/Microsoft.Compute/virtualMachineScaleSets/aks-${node.pool}/virtualMachines/${index}`;
    default:
      return "";
  }
}

export function nodeObject(provider: string, node: ScenarioNode, index: number, uid: string, createdMs: number): KubeObject {
  const cap = nodeCapacity(node);
  const resources: Record<string, string> = { cpu: formatCpu(cap.cpu), memory: `${Math.round(cap.memory / 1024)}Ki`, pods: "110" };
  if (cap.gpus > 0) resources["nvidia.com/gpu"] = String(cap.gpus);
  const allocatable = { ...resources, cpu: formatCpu(Math.max(0, cap.cpu - 0.08)), memory: `${Math.round((cap.memory * 0.9) / 1024)}Ki` };
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name: node.name,
      uid,
      resourceVersion: "0",
      creationTimestamp: iso(createdMs),
      labels: {
        "kubernetes.io/hostname": node.name,
        "kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "node.kubernetes.io/instance-type": node.instanceType,
        "beta.kubernetes.io/instance-type": node.instanceType,
        "topology.kubernetes.io/region": node.region,
        "topology.kubernetes.io/zone": node.zone,
        ...capacityLabels(provider, node),
      },
    },
    spec: { providerID: providerId(provider, node, index) },
    status: {
      capacity: resources,
      allocatable,
      conditions: [{ type: "Ready", status: "True", reason: "KubeletReady", lastHeartbeatTime: iso(createdMs), lastTransitionTime: iso(createdMs) }],
      addresses: [
        { type: "InternalIP", address: `10.0.${Math.floor(index / 250)}.${(index % 250) + 10}` },
        { type: "Hostname", address: node.name },
      ],
      nodeInfo: { kubeletVersion: "v1.31.4", containerRuntimeVersion: "containerd://1.7.22", osImage: "Simulated Linux", architecture: "amd64", operatingSystem: "linux" },
    },
  };
}

function resourceList(r: { cpu?: string | number | undefined; memory?: string | number | undefined; gpu?: number | undefined }): Record<string, string> {
  const out: Record<string, string> = {};
  if (r.cpu !== undefined) out["cpu"] = formatCpu(parseQuantity(r.cpu));
  if (r.memory !== undefined) out["memory"] = formatBytes(parseQuantity(r.memory));
  if (r.gpu !== undefined && r.gpu > 0) out["nvidia.com/gpu"] = String(r.gpu);
  return out;
}

export interface PodSpecInput {
  name: string;
  namespace: string;
  uid: string;
  nodeName: string;
  labels: Record<string, string>;
  owner?: { apiVersion: string; kind: string; name: string; uid: string } | undefined;
  containers: ScenarioContainer[];
  claimName?: string | undefined;
  startMs: number;
}

export function podObject(input: PodSpecInput): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: input.name,
      namespace: input.namespace,
      uid: input.uid,
      resourceVersion: "0",
      creationTimestamp: iso(input.startMs),
      labels: input.labels,
      ...(input.owner === undefined ? {} : { ownerReferences: [{ ...input.owner, controller: true, blockOwnerDeletion: true }] }),
    },
    spec: {
      nodeName: input.nodeName,
      containers: input.containers.map((c) => ({
        name: c.name,
        image: `registry.example/${c.name}:1.0`,
        resources: { requests: resourceList(c.requests), limits: resourceList(c.limits) },
        ...(input.claimName === undefined ? {} : { volumeMounts: [{ name: "data", mountPath: "/data" }] }),
      })),
      volumes: input.claimName === undefined ? [] : [{ name: "data", persistentVolumeClaim: { claimName: input.claimName } }],
      restartPolicy: "Always",
    },
    status: {},
  };
}

/** The pod template of a workload, as a controller object carries it. */
function podTemplate(w: ScenarioWorkload): Record<string, unknown> {
  return {
    metadata: { labels: { app: w.name, ...w.labels } },
    spec: {
      containers: w.containers.map((c) => ({ name: c.name, image: `registry.example/${c.name}:1.0`, resources: { requests: resourceList(c.requests), limits: resourceList(c.limits) } })),
    },
  };
}

export function workloadObject(w: ScenarioWorkload, apiVersion: string, kind: string, name: string, uid: string, createdMs: number): KubeObject {
  const template = podTemplate(w);
  const spec: Record<string, unknown> =
    kind === "CronJob"
      ? { schedule: `*/${Math.max(1, Math.round(w.everySeconds / 60))} * * * *`, jobTemplate: { spec: { template } } }
      : kind === "Job"
        ? { parallelism: 1, template }
        : { replicas: w.replicas, selector: { matchLabels: { app: w.name } }, template };
  return {
    apiVersion,
    kind,
    metadata: { name, namespace: w.namespace, uid, resourceVersion: "0", creationTimestamp: iso(createdMs), labels: w.labels },
    spec,
    status: { replicas: w.replicas, readyReplicas: w.replicas, availableReplicas: w.replicas },
  };
}
