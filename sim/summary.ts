import { iso } from "./objects.ts";
import type { SimPod, World } from "./world.ts";

const NODE_SYSTEM_CORES = 0.05;
const NODE_SYSTEM_BYTES = 512 * 2 ** 20;

interface CpuStats {
  time: string;
  usageNanoCores: number;
  usageCoreNanoSeconds: number;
}

interface MemoryStats {
  time: string;
  usageBytes: number;
  workingSetBytes: number;
  rssBytes: number;
  pageFaults: number;
  majorPageFaults: number;
}

function memoryStats(time: string, workingSet: number): MemoryStats {
  return { time, usageBytes: Math.round(workingSet * 1.1), workingSetBytes: workingSet, rssBytes: Math.round(workingSet * 0.9), pageFaults: 0, majorPageFaults: 0 };
}

/**
 * A kubelet `/stats/summary` document (the shape of k8s.io/kubelet/pkg/apis/stats/v1alpha1) for
 * one node at `tMs`. CPU counters are cumulative core-nanoseconds since each container started;
 * network counters are cumulative bytes since the pod started.
 */
export function buildSummary(world: World, nodeName: string, pods: SimPod[], tMs: number): object {
  const time = iso(tMs);
  let nodeCores = NODE_SYSTEM_CORES;
  let nodeMemory = NODE_SYSTEM_BYTES;
  let nodeRx = 0;
  let nodeTx = 0;
  const podStats = pods.map((pod) => {
    const running = Math.max(0, (tMs - pod.startMs) / 1000);
    let podCores = 0;
    let podCoreNs = 0;
    let podMemory = 0;
    const containers = pod.containers.map((c) => {
      const cpu = world.cpuOf(pod, c, tMs);
      const memory = world.memoryOf(pod, c, tMs);
      podCores += cpu.cores;
      podCoreNs += cpu.coreSeconds * 1e9;
      podMemory += memory;
      const cpuStats: CpuStats = { time, usageNanoCores: Math.round(cpu.cores * 1e9), usageCoreNanoSeconds: Math.round(cpu.coreSeconds * 1e9) };
      return {
        name: c.name,
        startTime: iso(world.containerStartMs(pod, c, tMs)),
        cpu: cpuStats,
        memory: memoryStats(time, memory),
        rootfs: { time, availableBytes: 50 * 2 ** 30, capacityBytes: 100 * 2 ** 30, usedBytes: 64 * 2 ** 20 },
        logs: { time, availableBytes: 50 * 2 ** 30, capacityBytes: 100 * 2 ** 30, usedBytes: 2 ** 20 },
      };
    });
    const rx = Math.round(pod.containers.reduce((s, c) => s + c.network.rxBytesPerSecond, 0) * running);
    const tx = Math.round(pod.containers.reduce((s, c) => s + c.network.txBytesPerSecond, 0) * running);
    nodeCores += podCores;
    nodeMemory += podMemory;
    nodeRx += rx;
    nodeTx += tx;
    const meta = pod.object.metadata;
    return {
      podRef: { name: meta.name, namespace: meta.namespace ?? "default", uid: meta.uid },
      startTime: iso(pod.startMs),
      containers,
      cpu: { time, usageNanoCores: Math.round(podCores * 1e9), usageCoreNanoSeconds: Math.round(podCoreNs) },
      memory: memoryStats(time, podMemory),
      network: { time, name: "eth0", rxBytes: rx, rxErrors: 0, txBytes: tx, txErrors: 0, interfaces: [{ name: "eth0", rxBytes: rx, rxErrors: 0, txBytes: tx, txErrors: 0 }] },
      volume:
        pod.claim === undefined
          ? []
          : [{
              time,
              name: "data",
              pvcRef: { name: pod.claim.name, namespace: meta.namespace ?? "default" },
              capacityBytes: pod.claim.capacityBytes,
              usedBytes: Math.round(pod.claim.capacityBytes * 0.4),
              availableBytes: Math.round(pod.claim.capacityBytes * 0.6),
            }],
      ephemeral_storage: { time, availableBytes: 50 * 2 ** 30, capacityBytes: 100 * 2 ** 30, usedBytes: 64 * 2 ** 20 },
    };
  });
  const node = world.get("nodes", undefined, nodeName);
  return {
    node: {
      nodeName,
      startTime: node?.metadata.creationTimestamp ?? time,
      cpu: { time, usageNanoCores: Math.round(nodeCores * 1e9), usageCoreNanoSeconds: 0 },
      memory: { ...memoryStats(time, nodeMemory), availableBytes: 0 },
      network: { time, name: "eth0", rxBytes: nodeRx, rxErrors: 0, txBytes: nodeTx, txErrors: 0 },
      fs: { time, availableBytes: 50 * 2 ** 30, capacityBytes: 100 * 2 ** 30, usedBytes: 50 * 2 ** 30 },
      systemContainers: [],
    },
    pods: podStats,
  };
}
