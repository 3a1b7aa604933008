import type { V1Node, V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { capacityTypeOf, nodeInfoOf, providerOf } from "./node-info.ts";
import { controllerOf, podMetaOf } from "./pod-meta.ts";

describe("node info from well-known labels", () => {
  it("recognises spot on every provider's labels", () => {
    expect(capacityTypeOf({ "karpenter.sh/capacity-type": "spot" }, "aws")).toBe("SPOT");
    expect(capacityTypeOf({ "eks.amazonaws.com/capacityType": "ON_DEMAND" }, "aws")).toBe("ON_DEMAND");
    expect(capacityTypeOf({ "cloud.google.com/gke-spot": "true" }, "gcp")).toBe("SPOT");
    expect(capacityTypeOf({ "cloud.google.com/gke-preemptible": "true" }, "gcp")).toBe("SPOT");
    expect(capacityTypeOf({ "kubernetes.azure.com/scalesetpriority": "spot" }, "azure")).toBe("SPOT");
    expect(capacityTypeOf({}, "gcp")).toBe("ON_DEMAND");
    expect(capacityTypeOf({}, "unknown")).toBe("UNKNOWN");
    // OpenCost's spotLabel/spotLabelValue (configs/aws.json: kops instance groups), configured per cluster
    const kops = ["kops.k8s.io/instancegroup=spotinstance-nodes"];
    expect(capacityTypeOf({ "kops.k8s.io/instancegroup": "spotinstance-nodes" }, "aws", kops)).toBe("SPOT");
    expect(capacityTypeOf({ "kops.k8s.io/instancegroup": "nodes" }, "aws", kops)).toBe("ON_DEMAND");
  });

  it("reads the provider from providerID", () => {
    expect(providerOf("aws:///us-east-1a/i-0abc", {})).toBe("aws");
    expect(providerOf("gce://proj/us-central1-a/n1", {})).toBe("gcp");
    expect(providerOf("azure:///subscriptions/x/resourceGroups/y", {})).toBe("azure");
    expect(providerOf("kind://docker/kind/kind-control-plane", {})).toBe("unknown");
  });

  it("builds NodeInfo from a Node", () => {
    const node: V1Node = {
      metadata: { name: "n", labels: { "node.kubernetes.io/instance-type": "m5.large", "topology.kubernetes.io/region": "us-east-1", "topology.kubernetes.io/zone": "us-east-1b", "karpenter.sh/capacity-type": "spot", "karpenter.sh/nodepool": "default" } },
      spec: { providerID: "aws:///us-east-1b/i-1" },
      status: { capacity: { cpu: "2", memory: "7935348Ki", "nvidia.com/gpu": "1" } },
    };
    expect(nodeInfoOf(node)).toEqual({
      provider: "aws", providerId: "aws:///us-east-1b/i-1", instanceType: "m5.large", region: "us-east-1", zone: "us-east-1b",
      capacityType: "SPOT", nodePool: "default", cpuCores: 2, memoryBytes: 7935348 * 1024, gpus: 1, gpuType: "",
    });
  });

  it("reports the accelerator type of GPUs attached to a GKE node (priced by their own SKU)", () => {
    const node: V1Node = {
      metadata: { name: "g", labels: { "node.kubernetes.io/instance-type": "n1-standard-4", "cloud.google.com/gke-accelerator": "nvidia-tesla-t4", "cloud.google.com/gke-nodepool": "gpu" } },
      spec: { providerID: "gce://p/us-central1-a/g" },
      status: { capacity: { cpu: "4", memory: "15Gi", "nvidia.com/gpu": "2" } },
    };
    expect(nodeInfoOf(node)).toMatchObject({ provider: "gcp", instanceType: "n1-standard-4", gpus: 2, gpuType: "nvidia-tesla-t4" });
  });
});

describe("pod metadata", () => {
  const pod = (owner: { kind: string; name: string } | undefined, labels: Record<string, string> = {}): V1Pod => ({
    metadata: { name: "p", namespace: "ns", uid: "u", labels, ownerReferences: owner === undefined ? [] : [{ apiVersion: "v1", kind: owner.kind, name: owner.name, uid: "o", controller: true }] },
    spec: { containers: [{ name: "a", resources: { requests: { cpu: "250m", memory: "1Gi" } } }, { name: "b", resources: { requests: { cpu: "1" }, limits: { "nvidia.com/gpu": "1" } } }], volumes: [{ name: "d", persistentVolumeClaim: { claimName: "data" } }] },
    status: { phase: "Running", startTime: new Date(1000) },
  });

  it("resolves controllers without extra API reads", () => {
    expect(controllerOf(pod({ kind: "ReplicaSet", name: "api-7d9f8b6c5d" }, { "pod-template-hash": "7d9f8b6c5d" }))).toEqual({ kind: "Deployment", name: "api" });
    expect(controllerOf(pod({ kind: "ReplicaSet", name: "lonely" }))).toEqual({ kind: "ReplicaSet", name: "lonely" });
    expect(controllerOf(pod({ kind: "Job", name: "nightly-28930240" }))).toEqual({ kind: "CronJob", name: "nightly" });
    expect(controllerOf(pod({ kind: "Job", name: "migrate" }))).toEqual({ kind: "Job", name: "migrate" });
    expect(controllerOf(pod(undefined))).toEqual({ kind: "", name: "" });
  });

  it("sums container requests (a limit without a request counts as the request) and reads claims and times", () => {
    expect(podMetaOf(pod(undefined))).toMatchObject({ cpuRequestCores: 1.25, memoryRequestBytes: 2 ** 30, gpuRequest: 1, claims: ["data"], startMs: 1000, endMs: undefined });
    const done = pod(undefined);
    done.status = { phase: "Succeeded", startTime: new Date(1000), containerStatuses: [{ name: "a", image: "", imageID: "", ready: false, restartCount: 2, state: { terminated: { exitCode: 0, finishedAt: new Date(5000) } } }] };
    expect(podMetaOf(done)).toMatchObject({ endMs: 5000, restarts: 2 });
    expect(podMetaOf(pod(undefined), 9000).endMs).toBe(9000);
  });
});
