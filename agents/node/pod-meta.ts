import type { V1Pod } from "@kubernetes/client-node";
import { parseQuantity } from "../../model/quantity.ts";

/** What the agent keeps of a pod's spec and status. Times are epoch ms. */
export interface PodMeta {
  uid: string;
  namespace: string;
  name: string;
  controllerKind: string;
  controllerName: string;
  labels: Record<string, string>;
  cpuRequestCores: number;
  cpuLimitCores: number;
  memoryRequestBytes: number;
  memoryLimitBytes: number;
  gpuRequest: number;
  claims: string[];
  restarts: number;
  /** When the pod started running; undefined while it has not. */
  startMs: number | undefined;
  /** When it stopped running (completed, or deleted); undefined while running. */
  endMs: number | undefined;
  /** Each container's requests and limits (a limit without a request counts as the request, as for the pod). */
  containers?: Array<{ name: string; cpuRequestCores: number; cpuLimitCores: number; memoryRequestBytes: number; memoryLimitBytes: number }>;
}

const toMs = (t: Date | string | undefined): number | undefined => {
  if (t === undefined) return undefined;
  const ms = t instanceof Date ? t.getTime() : Date.parse(t);
  return Number.isNaN(ms) ? undefined : ms;
};

/**
 * The controller a pod belongs to. A ReplicaSet named `<deployment>-<pod-template-hash>` is
 * reported as its Deployment, and a Job named `<cronjob>-<scheduled time>` as its CronJob, so no
 * extra API reads (or RBAC) are needed. Bare pods have no controller ("", "").
 */
export function controllerOf(pod: V1Pod): { kind: string; name: string } {
  const owner = pod.metadata?.ownerReferences?.find((o) => o.controller === true) ?? pod.metadata?.ownerReferences?.[0];
  if (owner === undefined) return { kind: "", name: "" };
  const hash = pod.metadata?.labels?.["pod-template-hash"];
  if (owner.kind === "ReplicaSet" && hash !== undefined && owner.name.endsWith(`-${hash}`)) {
    return { kind: "Deployment", name: owner.name.slice(0, -hash.length - 1) };
  }
  const cron = /^(.+)-\d{8,}$/.exec(owner.name);
  if (owner.kind === "Job" && cron?.[1] !== undefined) return { kind: "CronJob", name: cron[1] };
  return { kind: owner.kind, name: owner.name };
}

type PodContainer = NonNullable<NonNullable<V1Pod["spec"]>["containers"]>[number];

/** A container's request or limit; a limit without a request counts as the request, as the API server defaults it. */
function resourceOf(c: PodContainer, field: "requests" | "limits", resource: string): number {
  const q = c.resources?.[field]?.[resource] ?? (field === "requests" ? c.resources?.limits?.[resource] : undefined);
  return q === undefined ? 0 : parseQuantity(q);
}

/** Sum over containers (that is how GPUs are usually asked for: a limit alone). */
function sumResource(pod: V1Pod, field: "requests" | "limits", resource: string): number {
  return (pod.spec?.containers ?? []).reduce((total, c) => total + resourceOf(c, field, resource), 0);
}

/** Extracts PodMeta from a Pod object; `deletedAtMs` is when the agent saw it deleted. */
export function podMetaOf(pod: V1Pod, deletedAtMs?: number): PodMeta {
  const controller = controllerOf(pod);
  const statuses = pod.status?.containerStatuses ?? [];
  const phase = pod.status?.phase;
  let endMs = deletedAtMs;
  if (phase === "Succeeded" || phase === "Failed") {
    const finished = statuses.map((s) => toMs(s.state?.terminated?.finishedAt)).filter((t): t is number => t !== undefined);
    const last = finished.length > 0 ? Math.max(...finished) : undefined;
    endMs = last === undefined ? endMs : Math.min(last, endMs ?? Infinity);
  }
  return {
    uid: pod.metadata?.uid ?? "",
    namespace: pod.metadata?.namespace ?? "default",
    name: pod.metadata?.name ?? "",
    controllerKind: controller.kind,
    controllerName: controller.name,
    labels: { ...(pod.metadata?.labels ?? {}) },
    cpuRequestCores: sumResource(pod, "requests", "cpu"),
    cpuLimitCores: sumResource(pod, "limits", "cpu"),
    memoryRequestBytes: Math.round(sumResource(pod, "requests", "memory")),
    memoryLimitBytes: Math.round(sumResource(pod, "limits", "memory")),
    gpuRequest: Math.round(sumResource(pod, "requests", "nvidia.com/gpu") + sumResource(pod, "requests", "amd.com/gpu")),
    claims: (pod.spec?.volumes ?? []).flatMap((v) => (v.persistentVolumeClaim === undefined ? [] : [v.persistentVolumeClaim.claimName])),
    restarts: statuses.reduce((s, c) => s + c.restartCount, 0),
    startMs: toMs(pod.status?.startTime),
    endMs,
    containers: (pod.spec?.containers ?? []).map((c) => ({
      name: c.name,
      cpuRequestCores: resourceOf(c, "requests", "cpu"),
      cpuLimitCores: resourceOf(c, "limits", "cpu"),
      memoryRequestBytes: Math.round(resourceOf(c, "requests", "memory")),
      memoryLimitBytes: Math.round(resourceOf(c, "limits", "memory")),
    })),
  };
}
