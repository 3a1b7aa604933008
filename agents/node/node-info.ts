import type { V1Node } from "@kubernetes/client-node";
import type { CapacityType, NodeInfo } from "../../model/events.ts";
import { parseQuantity } from "../../model/quantity.ts";

const first = (labels: Record<string, string>, keys: string[]): string => {
  for (const k of keys) {
    const v = labels[k];
    if (v !== undefined && v !== "") return v;
  }
  return "";
};

/** aws, gcp, azure or unknown, from `spec.providerID` (then from provider-specific labels). */
export function providerOf(providerId: string, labels: Record<string, string>): string {
  if (providerId.startsWith("aws://")) return "aws";
  if (providerId.startsWith("gce://")) return "gcp";
  if (providerId.startsWith("azure://")) return "azure";
  const keys = Object.keys(labels);
  if (keys.some((k) => k.startsWith("eks.amazonaws.com/") || k.startsWith("karpenter.k8s.aws/"))) return "aws";
  if (keys.some((k) => k.startsWith("cloud.google.com/"))) return "gcp";
  if (keys.some((k) => k.startsWith("kubernetes.azure.com/"))) return "azure";
  return "unknown";
}

/**
 * Spot or on-demand, from the well-known labels: Karpenter `karpenter.sh/capacity-type`, EKS
 * `eks.amazonaws.com/capacityType`, GKE `cloud.google.com/gke-spot` / `gke-preemptible`, AKS
 * `kubernetes.azure.com/scalesetpriority`. A cloud node without any is on-demand (GKE and AKS
 * label only spot nodes); a node of unknown provider is UNKNOWN. `spotLabels` (`name=value`, from
 * `agent.spotLabels`) mark spot nodes of other tools (kops instance groups, Spot.io, on-prem pools).
 */
export function capacityTypeOf(labels: Record<string, string>, provider: string, spotLabels: readonly string[] = []): CapacityType {
  for (const l of spotLabels) {
    const at = l.indexOf("=");
    if (at > 0 && labels[l.slice(0, at)] === l.slice(at + 1)) return "SPOT";
  }
  const karpenter = labels["karpenter.sh/capacity-type"];
  if (karpenter !== undefined) return karpenter === "spot" ? "SPOT" : "ON_DEMAND";
  const eks = labels["eks.amazonaws.com/capacityType"];
  if (eks !== undefined) return eks === "SPOT" ? "SPOT" : "ON_DEMAND";
  if (labels["cloud.google.com/gke-spot"] === "true" || labels["cloud.google.com/gke-preemptible"] === "true") return "SPOT";
  const azure = labels["kubernetes.azure.com/scalesetpriority"];
  if (azure !== undefined) return azure === "spot" ? "SPOT" : "ON_DEMAND";
  return provider === "unknown" ? "UNKNOWN" : "ON_DEMAND";
}

/** What the pricer needs to know about a node, from its Node object. */
export function nodeInfoOf(node: V1Node, spotLabels: readonly string[] = []): NodeInfo {
  const labels = node.metadata?.labels ?? {};
  const providerId = node.spec?.providerID ?? "";
  const provider = providerOf(providerId, labels);
  const capacity = node.status?.capacity ?? {};
  const gpus = capacity["nvidia.com/gpu"] ?? capacity["amd.com/gpu"];
  return {
    provider,
    providerId,
    instanceType: first(labels, ["node.kubernetes.io/instance-type", "beta.kubernetes.io/instance-type"]),
    region: first(labels, ["topology.kubernetes.io/region", "failure-domain.beta.kubernetes.io/region"]),
    zone: first(labels, ["topology.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/zone"]),
    capacityType: capacityTypeOf(labels, provider, spotLabels),
    nodePool: first(labels, ["karpenter.sh/nodepool", "eks.amazonaws.com/nodegroup", "cloud.google.com/gke-nodepool", "kubernetes.azure.com/agentpool"]),
    cpuCores: capacity["cpu"] === undefined ? 0 : parseQuantity(capacity["cpu"]),
    memoryBytes: capacity["memory"] === undefined ? 0 : Math.round(parseQuantity(capacity["memory"])),
    gpus: gpus === undefined ? 0 : Math.round(parseQuantity(gpus)),
    gpuType: gpus === undefined ? "" : first(labels, ["cloud.google.com/gke-accelerator"]),
  };
}
