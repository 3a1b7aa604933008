/**
 * The parts of the kubelet Summary API (`/stats/summary`, k8s.io/kubelet/pkg/apis/stats/v1alpha1)
 * the agent reads. Every field is optional because kubelets omit what they do not have.
 */
export interface CpuStats {
  time?: string;
  usageNanoCores?: number;
  usageCoreNanoSeconds?: number;
}

export interface MemoryStats {
  time?: string;
  workingSetBytes?: number;
}

export interface NetworkStats {
  time?: string;
  rxBytes?: number;
  txBytes?: number;
}

export interface ContainerStats {
  name: string;
  startTime?: string;
  cpu?: CpuStats;
  memory?: MemoryStats;
}

export interface VolumeStats {
  name?: string;
  pvcRef?: { name: string; namespace: string };
  usedBytes?: number;
  capacityBytes?: number;
}

export interface PodStats {
  podRef: { name: string; namespace: string; uid: string };
  startTime?: string;
  containers?: ContainerStats[];
  memory?: MemoryStats;
  network?: NetworkStats;
  volume?: VolumeStats[];
}

export interface Summary {
  node?: { nodeName?: string };
  pods?: PodStats[];
}
