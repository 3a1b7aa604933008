import { integral, valueAt, type Curve } from "./curves.ts";
import { iso, nodeObject, podObject, workloadObject, type KubeObject } from "./objects.ts";
import { parseQuantity } from "../model/quantity.ts";
import { SeededRandom } from "./random.ts";
import type { Scenario, ScenarioContainer, ScenarioWorkload } from "./scenario.ts";
import { buildSummary } from "./summary.ts";

export type Resource =
  | "nodes" | "pods" | "persistentvolumes" | "persistentvolumeclaims" | "namespaces"
  | "deployments" | "statefulsets" | "daemonsets" | "replicasets" | "jobs" | "cronjobs";

export type EventType = "ADDED" | "MODIFIED" | "DELETED";

export interface WorldEvent {
  type: EventType;
  resource: Resource;
  object: KubeObject;
  rv: number;
}

/** A running (or completed, not yet deleted) simulated pod, with what its usage is made of. */
export interface SimPod {
  object: KubeObject;
  nodeName: string;
  startMs: number;
  completeMs: number | undefined;
  containers: ScenarioContainer[];
  claim: { name: string; capacityBytes: number } | undefined;
  phaseSeconds: number;
  podIP: string;
  hostIP: string;
}

interface Slot {
  workload: ScenarioWorkload;
  index: number;
  nodeName: string;
  claimName: string | undefined;
  pod: SimPod | undefined;
  nextReplaceMs: number;
}

const EVENT_HISTORY = 20_000;
const JOB_TTL_MS = 30_000;

const key = (o: KubeObject): string => `${o.metadata.namespace ?? ""}/${o.metadata.name}`;

/**
 * The simulated cluster: Kubernetes objects with resource versions and an event history for
 * watches, plus pod lifecycles over time (churn, cron jobs, container restarts) and usage
 * curves from which kubelet Summary counters are computed exactly.
 */
export class World {
  readonly scenario: Scenario;
  private rv = 1;
  private readonly store = new Map<Resource, Map<string, KubeObject>>();
  private readonly events: WorldEvent[] = [];
  private readonly listeners = new Set<(event: WorldEvent) => void>();
  private readonly random: SeededRandom;
  private readonly slots: Slot[] = [];
  private readonly pods = new Map<string, SimPod>();
  private readonly cron: Array<{ workload: ScenarioWorkload; nextRunMs: number; runs: number }> = [];
  /** Scheduled replica changes: extra slots started at `atMs`, stopped at `untilMs`. */
  private readonly scales: Array<{ workload: ScenarioWorkload; atMs: number; untilMs: number; replicas: number; added: Slot[]; state: "pending" | "scaled" | "done" }> = [];
  private readonly nodeIndex = new Map<string, number>();
  private podCounter = 0;

  constructor(scenario: Scenario, nowMs: number) {
    this.scenario = scenario;
    this.random = new SeededRandom(scenario.seed);
    scenario.nodes.forEach((n, i) => {
      this.nodeIndex.set(n.name, i);
      this.put("nodes", nodeObject(scenario.provider, n, i, this.random.uuid(), nowMs), "ADDED");
    });
    const namespaces = new Set(["default", "kube-system", ...scenario.workloads.map((w) => w.namespace), ...scenario.volumes.flatMap((v) => (v.claim === undefined ? [] : [v.claim.namespace]))]);
    for (const ns of namespaces) {
      this.put("namespaces", {
        apiVersion: "v1",
        kind: "Namespace",
        metadata: { name: ns, uid: this.random.uuid(), resourceVersion: "0", creationTimestamp: iso(nowMs), labels: { "kubernetes.io/metadata.name": ns } },
        spec: { finalizers: ["kubernetes"] },
        status: { phase: "Active" },
      }, "ADDED");
    }
    for (const v of scenario.volumes) {
      this.createVolume({ pvName: v.name, namespace: v.claim?.namespace ?? "", claimName: v.claim?.name ?? "", storageClass: v.storageClass, size: v.size, accessMode: "ReadWriteOnce", phase: v.phase, labels: {} }, nowMs);
    }
    let roundRobin = 0;
    for (const w of scenario.workloads) {
      const owner = this.createController(w, nowMs);
      if (w.kind === "CronJob") {
        this.cron.push({ workload: w, nextRunMs: nowMs, runs: 0 });
        continue;
      }
      const targets = w.nodes ?? scenario.nodes.map((n) => n.name);
      const count = w.kind === "DaemonSet" ? targets.length : w.kind === "Job" || w.kind === "Pod" ? Math.max(1, w.replicas) : w.replicas;
      const shared = w.kind === "Deployment" && w.volumeClaim !== undefined ? this.createClaim(w, `${w.name}-data`, nowMs) : undefined;
      for (let i = 0; i < count; i++) {
        const nodeName = w.kind === "DaemonSet" ? targets[i] : w.nodes !== undefined ? targets[i % targets.length] : targets[roundRobin++ % targets.length];
        const claimName = w.kind === "StatefulSet" && w.volumeClaim !== undefined ? this.createClaim(w, `data-${w.name}-${i}`, nowMs) : shared;
        const period = w.replaceEverySeconds * 1000;
        const slot: Slot = {
          workload: w,
          index: i,
          nodeName: nodeName ?? "",
          claimName,
          pod: undefined,
          nextReplaceMs: period > 0 ? nowMs + period * ((i + 1) / count) : Infinity,
        };
        slot.pod = this.startPod(slot, owner, nowMs);
        this.slots.push(slot);
      }
      if (w.scale !== undefined) {
        const atMs = nowMs + w.scale.afterSeconds * 1000;
        this.scales.push({ workload: w, atMs, untilMs: w.scale.forSeconds === undefined ? Infinity : atMs + w.scale.forSeconds * 1000, replicas: w.scale.replicas, added: [], state: "pending" });
      }
    }
  }

  /** Starts (or stops) the extra replicas of scheduled scale changes that are due. */
  private applyScales(nowMs: number): void {
    for (const sc of this.scales) {
      if (sc.state === "pending" && nowMs >= sc.atMs) {
        const mine = this.slots.filter((s) => s.workload === sc.workload);
        const targets = sc.workload.nodes ?? this.scenario.nodes.map((n) => n.name);
        for (let i = mine.length; i < sc.replicas; i++) {
          const slot: Slot = { workload: sc.workload, index: i, nodeName: targets[i % targets.length] ?? "", claimName: mine[0]?.claimName, pod: undefined, nextReplaceMs: Infinity };
          slot.pod = this.startPod(slot, this.controllerRef(sc.workload), nowMs);
          this.slots.push(slot);
          sc.added.push(slot);
        }
        sc.state = "scaled";
      }
      if (sc.state === "scaled" && nowMs >= sc.untilMs) {
        for (const slot of sc.added) {
          if (slot.pod !== undefined) this.deletePod(slot.pod);
          this.slots.splice(this.slots.indexOf(slot), 1);
        }
        sc.state = "done";
      }
    }
  }

  get resourceVersion(): number {
    return this.rv;
  }

  /** Advances the simulation to `nowMs`: replacements, cron runs, completions, restarts. */
  tick(nowMs: number): void {
    this.applyScales(nowMs);
    for (const slot of this.slots) {
      if (nowMs < slot.nextReplaceMs) continue;
      if (slot.pod !== undefined) this.deletePod(slot.pod);
      slot.pod = this.startPod(slot, this.controllerRef(slot.workload), nowMs);
      slot.nextReplaceMs += slot.workload.replaceEverySeconds * 1000;
    }
    for (const job of this.cron) {
      if (nowMs < job.nextRunMs) continue;
      job.runs += 1;
      const jobName = `${job.workload.name}-${Math.floor(job.nextRunMs / 1000)}`;
      const jobObj = workloadObject(job.workload, "batch/v1", "Job", jobName, this.random.uuid(), nowMs);
      this.put("jobs", jobObj, "ADDED");
      const slot: Slot = { workload: job.workload, index: 0, nodeName: this.pickNode(job.workload, job.runs), claimName: undefined, pod: undefined, nextReplaceMs: Infinity };
      this.startPod(slot, { apiVersion: "batch/v1", kind: "Job", name: jobName, uid: jobObj.metadata.uid }, nowMs);
      job.nextRunMs += job.workload.everySeconds * 1000;
    }
    for (const pod of [...this.pods.values()]) this.advancePod(pod, nowMs);
  }

  private pickNode(w: ScenarioWorkload, n: number): string {
    const targets = w.nodes ?? this.scenario.nodes.map((x) => x.name);
    return targets[n % targets.length] ?? "";
  }

  private advancePod(pod: SimPod, nowMs: number): void {
    const w = pod.containers;
    const isJob = pod.object.metadata.ownerReferences?.[0]?.kind === "Job";
    if (isJob && pod.completeMs === undefined) {
      const runMs = this.workloadOf(pod)?.runSeconds ?? 60;
      if (nowMs >= pod.startMs + runMs * 1000) {
        pod.completeMs = pod.startMs + runMs * 1000;
        this.setPodStatus(pod, nowMs);
        this.put("pods", pod.object, "MODIFIED");
      }
      return;
    }
    if (pod.completeMs !== undefined) {
      const cronOwned = this.workloadOf(pod)?.kind === "CronJob";
      if (cronOwned && nowMs >= pod.completeMs + JOB_TTL_MS) this.deletePod(pod);
      return;
    }
    const statuses = (pod.object.status?.["containerStatuses"] ?? []) as Array<{ restartCount: number }>;
    const restarts = w.map((c) => this.restartsAt(pod, c, nowMs));
    if (restarts.some((r, i) => r !== statuses[i]?.restartCount)) {
      this.setPodStatus(pod, nowMs);
      this.put("pods", pod.object, "MODIFIED");
    }
  }

  private workloadOf(pod: SimPod): ScenarioWorkload | undefined {
    return this.scenario.workloads.find((w) => w.namespace === pod.object.metadata.namespace && pod.object.metadata.labels?.["app"] === w.name);
  }

  private restartsAt(pod: SimPod, c: ScenarioContainer, nowMs: number): number {
    const every = c.usage.restartEverySeconds * 1000;
    return every > 0 ? Math.floor(Math.max(0, nowMs - pod.startMs) / every) : 0;
  }

  /** Start time (ms) of a container's current incarnation. */
  containerStartMs(pod: SimPod, c: ScenarioContainer, nowMs: number): number {
    return pod.startMs + this.restartsAt(pod, c, nowMs) * c.usage.restartEverySeconds * 1000;
  }

  private createController(w: ScenarioWorkload, nowMs: number): { apiVersion: string; kind: string; name: string; uid: string } | undefined {
    const uid = this.random.uuid();
    switch (w.kind) {
      case "Deployment": {
        this.put("deployments", workloadObject(w, "apps/v1", "Deployment", w.name, uid, nowMs), "ADDED");
        const hash = this.random.suffix(10);
        const rsName = `${w.name}-${hash}`;
        const rs = workloadObject(w, "apps/v1", "ReplicaSet", rsName, this.random.uuid(), nowMs);
        rs.metadata.ownerReferences = [{ apiVersion: "apps/v1", kind: "Deployment", name: w.name, uid, controller: true, blockOwnerDeletion: true }];
        rs.metadata.labels = { ...w.labels, "pod-template-hash": hash };
        this.put("replicasets", rs, "ADDED");
        return { apiVersion: "apps/v1", kind: "ReplicaSet", name: rsName, uid: rs.metadata.uid };
      }
      case "StatefulSet":
        this.put("statefulsets", workloadObject(w, "apps/v1", "StatefulSet", w.name, uid, nowMs), "ADDED");
        return { apiVersion: "apps/v1", kind: "StatefulSet", name: w.name, uid };
      case "DaemonSet":
        this.put("daemonsets", workloadObject(w, "apps/v1", "DaemonSet", w.name, uid, nowMs), "ADDED");
        return { apiVersion: "apps/v1", kind: "DaemonSet", name: w.name, uid };
      case "Job":
        this.put("jobs", workloadObject(w, "batch/v1", "Job", w.name, uid, nowMs), "ADDED");
        return { apiVersion: "batch/v1", kind: "Job", name: w.name, uid };
      case "CronJob":
        this.put("cronjobs", workloadObject(w, "batch/v1", "CronJob", w.name, uid, nowMs), "ADDED");
        return undefined;
      case "Pod":
        return undefined;
    }
  }

  private controllerRef(w: ScenarioWorkload): { apiVersion: string; kind: string; name: string; uid: string } | undefined {
    const resource: Resource | undefined =
      w.kind === "Deployment" ? "replicasets" : w.kind === "StatefulSet" ? "statefulsets" : w.kind === "DaemonSet" ? "daemonsets" : w.kind === "Job" ? "jobs" : undefined;
    if (resource === undefined) return undefined;
    for (const o of this.store.get(resource)?.values() ?? []) {
      if (o.metadata.namespace !== w.namespace) continue;
      const matches = resource === "replicasets" ? o.metadata.ownerReferences?.[0]?.name === w.name : o.metadata.name === w.name;
      if (matches) return { apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, uid: o.metadata.uid };
    }
    return undefined;
  }

  private createClaim(w: ScenarioWorkload, claimName: string, nowMs: number): string {
    const claim = w.volumeClaim;
    if (claim === undefined) return claimName;
    // A Deployment's replicas share one claim, on whichever nodes they run: ReadWriteMany.
    const accessMode = w.kind === "Deployment" ? "ReadWriteMany" : "ReadWriteOnce";
    this.createVolume({ pvName: undefined, namespace: w.namespace, claimName, storageClass: claim.storageClass, size: claim.size, accessMode, phase: "Bound", labels: { app: w.name } }, nowMs);
    return claimName;
  }

  /** A PV and (when bound) its claim, as a dynamic provisioner leaves them. */
  private createVolume(v: { pvName: string | undefined; namespace: string; claimName: string; storageClass: string; size: string | number; accessMode: string; phase: string; labels: Record<string, string> }, nowMs: number): void {
    const claimUid = this.random.uuid();
    const pvName = v.pvName ?? `pvc-${claimUid}`;
    if (v.phase === "Bound" && v.claimName !== "") {
      this.put("persistentvolumeclaims", {
        apiVersion: "v1",
        kind: "PersistentVolumeClaim",
        metadata: { name: v.claimName, namespace: v.namespace, uid: claimUid, resourceVersion: "0", creationTimestamp: iso(nowMs), labels: v.labels },
        spec: { storageClassName: v.storageClass, accessModes: [v.accessMode], resources: { requests: { storage: String(v.size) } }, volumeName: pvName },
        status: { phase: "Bound", capacity: { storage: String(v.size) }, accessModes: [v.accessMode] },
      }, "ADDED");
    }
    this.put("persistentvolumes", {
      apiVersion: "v1",
      kind: "PersistentVolume",
      metadata: { name: pvName, uid: this.random.uuid(), resourceVersion: "0", creationTimestamp: iso(nowMs) },
      spec: {
        capacity: { storage: String(v.size) },
        accessModes: [v.accessMode],
        storageClassName: v.storageClass,
        persistentVolumeReclaimPolicy: v.phase === "Bound" ? "Delete" : "Retain",
        ...(v.claimName === "" ? {} : { claimRef: { kind: "PersistentVolumeClaim", namespace: v.namespace, name: v.claimName, uid: claimUid } }),
        csi: { driver: "sim.csi.k8s.io", volumeHandle: `vol-${claimUid.slice(0, 8)}` },
      },
      status: { phase: v.phase },
    }, "ADDED");
  }

  private startPod(slot: Slot, owner: { apiVersion: string; kind: string; name: string; uid: string } | undefined, nowMs: number): SimPod {
    const w = slot.workload;
    const name =
      w.kind === "StatefulSet" ? `${w.name}-${slot.index}`
        : w.kind === "Pod" ? (w.replicas > 1 ? `${w.name}-${slot.index}` : w.name)
          : owner !== undefined ? `${owner.name}-${this.random.suffix(5)}` : `${w.name}-${this.random.suffix(5)}`;
    const labels: Record<string, string> = { app: w.name, ...w.labels };
    if (owner?.kind === "ReplicaSet") labels["pod-template-hash"] = owner.name.slice(w.name.length + 1);
    const nodeIdx = this.nodeIndex.get(slot.nodeName) ?? 0;
    this.podCounter += 1;
    const podIP = `10.244.${nodeIdx}.${(this.podCounter % 250) + 2}`;
    const hostIP = `10.0.${Math.floor(nodeIdx / 250)}.${(nodeIdx % 250) + 10}`;
    const object = podObject({
      name,
      namespace: w.namespace,
      uid: this.random.uuid(),
      nodeName: slot.nodeName,
      labels,
      owner,
      containers: w.containers,
      claimName: slot.claimName,
      startMs: nowMs,
    });
    const claimObj = slot.claimName === undefined ? undefined : this.store.get("persistentvolumeclaims")?.get(`${w.namespace}/${slot.claimName}`);
    const pod: SimPod = {
      object,
      nodeName: slot.nodeName,
      startMs: Math.floor(nowMs / 1000) * 1000,
      completeMs: undefined,
      containers: w.containers,
      claim: claimObj === undefined || slot.claimName === undefined ? undefined : { name: slot.claimName, capacityBytes: parseQuantity(String((claimObj.status?.["capacity"] as { storage: string }).storage)) },
      phaseSeconds: Math.floor(this.random.next() * 3600),
      podIP,
      hostIP,
    };
    this.setPodStatus(pod, nowMs);
    this.pods.set(object.metadata.uid, pod);
    this.put("pods", object, "ADDED");
    return pod;
  }

  private setPodStatus(pod: SimPod, nowMs: number): void {
    const o = pod.object;
    const done = pod.completeMs !== undefined;
    o.status = {
      phase: done ? "Succeeded" : "Running",
      hostIP: pod.hostIP,
      podIP: pod.podIP,
      podIPs: [{ ip: pod.podIP }],
      startTime: iso(pod.startMs),
      conditions: [{ type: "Ready", status: done ? "False" : "True", lastTransitionTime: iso(pod.startMs) }],
      containerStatuses: pod.containers.map((c) => ({
        name: c.name,
        ready: !done,
        started: !done,
        restartCount: this.restartsAt(pod, c, nowMs),
        image: `registry.example/${c.name}:1.0`,
        imageID: "",
        containerID: `containerd://${o.metadata.uid.replace(/-/g, "")}`,
        state: done
          ? { terminated: { exitCode: 0, reason: "Completed", startedAt: iso(pod.startMs), finishedAt: iso(pod.completeMs ?? nowMs) } }
          : { running: { startedAt: iso(this.containerStartMs(pod, c, nowMs)) } },
      })),
    };
  }

  private deletePod(pod: SimPod): void {
    this.pods.delete(pod.object.metadata.uid);
    this.remove("pods", pod.object);
  }

  private put(resource: Resource, object: KubeObject, type: EventType): void {
    this.rv += 1;
    object.metadata.resourceVersion = String(this.rv);
    let objects = this.store.get(resource);
    if (objects === undefined) {
      objects = new Map();
      this.store.set(resource, objects);
    }
    objects.set(key(object), object);
    this.emit({ type, resource, object: structuredClone(object), rv: this.rv });
  }

  private remove(resource: Resource, object: KubeObject): void {
    this.rv += 1;
    this.store.get(resource)?.delete(key(object));
    const gone = structuredClone(object);
    gone.metadata.resourceVersion = String(this.rv);
    this.emit({ type: "DELETED", resource, object: gone, rv: this.rv });
  }

  private emit(event: WorldEvent): void {
    this.events.push(event);
    if (this.events.length > EVENT_HISTORY) this.events.splice(0, this.events.length - EVENT_HISTORY);
    for (const listener of this.listeners) listener(event);
  }

  /** Current objects of a resource, optionally in one namespace. */
  list(resource: Resource, namespace?: string): KubeObject[] {
    const all = [...(this.store.get(resource)?.values() ?? [])];
    return namespace === undefined ? all : all.filter((o) => o.metadata.namespace === namespace);
  }

  get(resource: Resource, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.store.get(resource)?.get(`${namespace ?? ""}/${name}`);
  }

  /** Events after `rv`, or "gone" when they are older than the retained history (HTTP 410). */
  eventsSince(rv: number): WorldEvent[] | "gone" {
    const oldest = this.events[0]?.rv ?? this.rv + 1;
    if (rv + 1 < oldest && rv < this.rv) return "gone";
    return this.events.filter((e) => e.rv > rv);
  }

  onEvent(listener: (event: WorldEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The kubelet Summary API document of a node at `nowMs` (counters at whole seconds). */
  summary(nodeName: string, nowMs: number): object | undefined {
    if (this.get("nodes", undefined, nodeName) === undefined) return undefined;
    const pods = [...this.pods.values()].filter((p) => p.nodeName === nodeName && p.completeMs === undefined);
    return buildSummary(this, nodeName, pods, Math.floor(nowMs / 1000) * 1000);
  }

  /** CPU cores used by a container at `tSec` and its core-seconds since its current start. */
  cpuOf(pod: SimPod, c: ScenarioContainer, tMs: number): { cores: number; coreSeconds: number } {
    const curve: Curve = { base: parseQuantity(c.usage.cpu), amplitude: c.usage.amplitude, periodSeconds: c.usage.periodSeconds };
    const start = this.containerStartMs(pod, c, tMs) / 1000 + pod.phaseSeconds;
    const t = tMs / 1000 + pod.phaseSeconds;
    return { cores: valueAt(curve, t), coreSeconds: integral(curve, start, t) };
  }

  /** Working-set bytes of a container at `tMs`. */
  memoryOf(pod: SimPod, c: ScenarioContainer, tMs: number): number {
    const curve: Curve = { base: parseQuantity(c.usage.memory), amplitude: c.usage.amplitude, periodSeconds: c.usage.periodSeconds };
    return Math.round(valueAt(curve, tMs / 1000 + pod.phaseSeconds));
  }
}
