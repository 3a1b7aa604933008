/**
 * GCE machine-type shapes from their names, by the rules Google documents for its predefined types
 * (cloud.google.com/compute/docs/general-purpose-machines and compute-optimized-machines, 2026):
 * `<family>-<class>-<vCPUs>` with GiB per vCPU fixed per family and class, `<family>-custom-<vCPUs>-<MiB>`,
 * and the shared-core e2-micro/small/medium. Undefined for anything else (the node's capacity is used).
 */
export interface MachineShape {
  vcpu: number;
  memoryGiB: number;
}

const GIB_PER_VCPU: Record<string, Record<string, number>> = {
  n1: { standard: 3.75, highmem: 6.5, highcpu: 0.9 },
  n2: { standard: 4, highmem: 8, highcpu: 1 },
  n2d: { standard: 4, highmem: 8, highcpu: 1 },
  n4: { standard: 4, highmem: 8, highcpu: 2 },
  e2: { standard: 4, highmem: 8, highcpu: 1 },
  t2d: { standard: 4 },
  t2a: { standard: 4 },
  c2: { standard: 4 },
  c2d: { standard: 4, highmem: 8, highcpu: 2 },
  c3: { standard: 4, highmem: 8, highcpu: 2 },
  c3d: { standard: 4, highmem: 8, highcpu: 2 },
};

const SHARED_CORE: Record<string, MachineShape> = {
  "e2-micro": { vcpu: 2, memoryGiB: 1 },
  "e2-small": { vcpu: 2, memoryGiB: 2 },
  "e2-medium": { vcpu: 2, memoryGiB: 4 },
};

export function machineShape(machineType: string): MachineShape | undefined {
  const t = machineType.toLowerCase();
  const shared = SHARED_CORE[t];
  if (shared !== undefined) return shared;
  const custom = /^([a-z0-9]+)-custom-(\d+)-(\d+)(?:-ext)?$/.exec(t);
  if (custom !== null) return { vcpu: Number(custom[2]), memoryGiB: Number(custom[3]) / 1024 };
  const predefined = /^([a-z0-9]+)-(standard|highmem|highcpu)-(\d+)$/.exec(t);
  if (predefined === null) return undefined;
  const perVcpu = GIB_PER_VCPU[predefined[1] ?? ""]?.[predefined[2] ?? ""];
  if (perVcpu === undefined) return undefined;
  const vcpu = Number(predefined[3]);
  return { vcpu, memoryGiB: vcpu * perVcpu };
}

/** The SKU family of a machine type: "n2-standard-4" → "N2", "t2d-standard-8" → "T2D". */
export function machineFamily(machineType: string): string {
  return (machineType.split("-")[0] ?? "").toUpperCase();
}
