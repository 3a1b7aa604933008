/**
 * GCE machine-type shapes from their names, by the rules Google documents for its predefined types
 * (cloud.google.com/compute/docs/general-purpose-machines, compute-optimized-machines,
 * memory-optimized-machines and accelerator-optimized-machines, 2026):
 * `<family>-<class>-<vCPUs>` with GiB per vCPU fixed per family and class, `<family>-custom-<vCPUs>-<MiB>`,
 * the accelerator-optimized A2, A3 and G2 types (GPUs included in the machine price), and the
 * shared-core types, whose `vcpu` is the fraction of a vCPU they are billed for (an e2-micro
 * bursts on 2 vCPUs but is billed 0.25). Undefined for anything else (the node's capacity is used).
 */
export interface MachineShape {
  /** Billed vCPUs (fractional for shared-core types). */
  vcpu: number;
  memoryGiB: number;
  /** GPUs included in the machine type (A2, A3, G2); absent when none. */
  gpus?: number;
}

const GIB_PER_VCPU: Record<string, Record<string, number>> = {
  n1: { standard: 3.75, highmem: 6.5, highcpu: 0.9 },
  n2: { standard: 4, highmem: 8, highcpu: 1 },
  n2d: { standard: 4, highmem: 8, highcpu: 1 },
  n4: { standard: 4, highmem: 8, highcpu: 2 },
  n4a: { standard: 4, highmem: 8, highcpu: 2 },
  n4d: { standard: 4, highmem: 8, highcpu: 2 },
  e2: { standard: 4, highmem: 8, highcpu: 1 },
  t2d: { standard: 4 },
  t2a: { standard: 4 },
  c2: { standard: 4 },
  c2d: { standard: 4, highmem: 8, highcpu: 2 },
  c3: { standard: 4, highmem: 8, highcpu: 2 },
  c3d: { standard: 4, highmem: 8, highcpu: 2 },
  c4: { standard: 3.75, highmem: 7.75, highcpu: 2 },
  c4a: { standard: 4, highmem: 8, highcpu: 2 },
  z3: { highmem: 8 },
};

const FIXED: Record<string, MachineShape> = {
  "e2-micro": { vcpu: 0.25, memoryGiB: 1 },
  "e2-small": { vcpu: 0.5, memoryGiB: 2 },
  "e2-medium": { vcpu: 1, memoryGiB: 4 },
  "f1-micro": { vcpu: 0.2, memoryGiB: 0.6 },
  "g1-small": { vcpu: 0.5, memoryGiB: 1.7 },
  "h3-standard-88": { vcpu: 88, memoryGiB: 352 },
  "a2-megagpu-16g": { vcpu: 96, memoryGiB: 1360, gpus: 16 },
  "a3-megagpu-8g": { vcpu: 208, memoryGiB: 1872, gpus: 8 },
  "m1-megamem-96": { vcpu: 96, memoryGiB: 1433.6 },
  "m1-ultramem-40": { vcpu: 40, memoryGiB: 961 },
  "m1-ultramem-80": { vcpu: 80, memoryGiB: 1922 },
  "m1-ultramem-160": { vcpu: 160, memoryGiB: 3844 },
  "m2-ultramem-208": { vcpu: 208, memoryGiB: 5888 },
  "m2-ultramem-416": { vcpu: 416, memoryGiB: 11776 },
  "m2-megamem-416": { vcpu: 416, memoryGiB: 5888 },
  "m2-hypermem-416": { vcpu: 416, memoryGiB: 8832 },
  "m3-ultramem-32": { vcpu: 32, memoryGiB: 976 },
  "m3-ultramem-64": { vcpu: 64, memoryGiB: 1952 },
  "m3-ultramem-128": { vcpu: 128, memoryGiB: 3904 },
  "m3-megamem-64": { vcpu: 64, memoryGiB: 976 },
  "m3-megamem-128": { vcpu: 128, memoryGiB: 1952 },
};

/** vCPUs and GiB per GPU of the accelerator-optimized `<family>-<class>-<N>g` types. */
const PER_GPU: Record<string, { vcpu: number; memoryGiB: number }> = {
  "a2-highgpu": { vcpu: 12, memoryGiB: 85 },
  "a2-ultragpu": { vcpu: 12, memoryGiB: 170 },
  "a3-highgpu": { vcpu: 26, memoryGiB: 234 },
};

/** L4 GPUs of the g2-standard sizes. */
const G2_GPUS: Record<number, number> = { 4: 1, 8: 1, 12: 1, 16: 1, 24: 2, 32: 1, 48: 4, 96: 8 };

export function machineShape(machineType: string): MachineShape | undefined {
  // Local-SSD and bare-metal variants have the shape of their base type.
  const t = machineType.toLowerCase().replace(/(-(?:standard|high)?lssd)?(-metal)?$/, "");
  const fixed = FIXED[t];
  if (fixed !== undefined) return fixed;
  const custom = /^([a-z0-9]+)-custom-(\d+)-(\d+)(?:-ext)?$/.exec(t);
  if (custom !== null) return { vcpu: Number(custom[2]), memoryGiB: Number(custom[3]) / 1024 };
  const accelerator = /^([a-z0-9]+-[a-z]+)-(\d+)g$/.exec(t);
  if (accelerator !== null) {
    const per = PER_GPU[accelerator[1] ?? ""];
    const gpus = Number(accelerator[2]);
    return per === undefined ? undefined : { vcpu: per.vcpu * gpus, memoryGiB: per.memoryGiB * gpus, gpus };
  }
  const g2 = /^g2-standard-(\d+)$/.exec(t);
  if (g2 !== null) {
    const vcpu = Number(g2[1]);
    const gpus = G2_GPUS[vcpu];
    return gpus === undefined ? undefined : { vcpu, memoryGiB: vcpu * 4, gpus };
  }
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
