import { HOURS_PER_MONTH } from "../../../pricing/defaults.ts";
import { bytesToGiB, type EstimateRates } from "./rates.ts";
import type { Workload } from "./manifests.ts";

export interface WorkloadCost {
  kind: string;
  namespace: string;
  name: string;
  replicas: number;
  cpuCores: number;
  memoryGiB: number;
  gpus: number;
  storageGiB: number;
  /** Per month, the claimed storage alone (included in hourlyCost and monthlyCost). */
  storageMonthlyCost: number;
  hourlyCost: number;
  monthlyCost: number;
  baselineMonthlyCost: number | undefined;
  changeMonthlyCost: number | undefined;
  notes: string[];
}

/** What a finance reader should know about pricing this workload on the chosen node: GPUs it lacks, pods that do not fit, unknown classes. */
function warnings(w: Workload, rates: EstimateRates): string[] {
  const out: string[] = [];
  const node = rates.node;
  if (node !== undefined) {
    if (w.gpus > 0 && node.gpus === 0) out.push(`requests ${w.gpus} GPU(s) per pod but ${node.instanceType} has none: GPUs priced at the default rate $${rates.gpuHour}/h`);
    else if (w.gpus > node.gpus) out.push(`requests ${w.gpus} GPUs per pod but ${node.instanceType} has ${node.gpus}: it cannot be scheduled there`);
    if (w.cpuCores > node.vcpu) out.push(`requests ${w.cpuCores} cores per pod but ${node.instanceType} has ${node.vcpu}: it cannot be scheduled there`);
    if (bytesToGiB(w.memoryBytes) > node.memoryGiB) out.push(`requests ${bytesToGiB(w.memoryBytes).toFixed(2)} GiB per pod but ${node.instanceType} has ${node.memoryGiB} GiB: it cannot be scheduled there`);
  }
  for (const v of w.volumes) {
    const type = rates.volumeType(v.storageClass);
    if (type === "") out.push(`storage class ${v.storageClass === "" ? "(none named: the cluster default)" : JSON.stringify(v.storageClass)} has no known price: priced at the default $${rates.storageGiBMonth(v.storageClass)}/GiB-month`);
  }
  return out;
}

/** What a workload asks for, per month, at the given rates: requests × replicas, plus claimed storage. */
export function priceWorkload(w: Workload, rates: EstimateRates): WorkloadCost {
  const cpu = w.cpuCores * w.replicas;
  const memoryGiB = bytesToGiB(w.memoryBytes) * w.replicas;
  const gpus = w.gpus * w.replicas;
  const storageMonthly = w.volumes.reduce((s, v) => s + rates.billedGiB(v.storageClass, bytesToGiB(v.bytes)) * rates.storageGiBMonth(v.storageClass), 0) * w.replicas;
  const hourly = cpu * rates.cpuCoreHour + memoryGiB * rates.ramGiBHour + gpus * rates.gpuHour + storageMonthly / HOURS_PER_MONTH;
  return {
    kind: w.kind,
    namespace: w.namespace,
    name: w.name,
    replicas: w.replicas,
    cpuCores: cpu,
    memoryGiB,
    gpus,
    storageGiB: w.volumes.reduce((s, v) => s + bytesToGiB(v.bytes), 0) * w.replicas,
    storageMonthlyCost: storageMonthly,
    hourlyCost: hourly,
    monthlyCost: hourly * HOURS_PER_MONTH,
    baselineMonthlyCost: undefined,
    changeMonthlyCost: undefined,
    notes: [...w.notes, ...warnings(w, rates)],
  };
}

export const workloadKey = (w: { kind: string; namespace: string; name: string }): string => `${w.kind}/${w.namespace}/${w.name}`;

/** Joins a baseline (monthly cost by workload key) in: workloads only in the baseline appear as removed. */
export function withBaseline(costs: WorkloadCost[], baseline: Map<string, { kind: string; namespace: string; name: string; monthlyCost: number }>): WorkloadCost[] {
  const out = costs.map((c) => {
    const b = baseline.get(workloadKey(c))?.monthlyCost ?? 0;
    return { ...c, baselineMonthlyCost: b, changeMonthlyCost: c.monthlyCost - b };
  });
  const present = new Set(costs.map(workloadKey));
  for (const [key, b] of baseline) {
    if (present.has(key)) continue;
    out.push({
      kind: b.kind, namespace: b.namespace, name: b.name, replicas: 0, cpuCores: 0, memoryGiB: 0, gpus: 0, storageGiB: 0, storageMonthlyCost: 0,
      hourlyCost: 0, monthlyCost: 0, baselineMonthlyCost: b.monthlyCost, changeMonthlyCost: -b.monthlyCost, notes: ["removed"],
    });
  }
  return out;
}

export interface CostCheck {
  monthlyCost: number;
  baselineMonthlyCost: number | undefined;
  increaseUsd: number;
  increasePct: number | undefined;
  failOverUsd: number | undefined;
  failOverPct: number | undefined;
  failed: boolean;
  reasons: string[];
}

/** The CI gate: fails when the monthly increase is over `failOverUsd` dollars or `failOverPct` percent. */
export function checkCost(costs: WorkloadCost[], hasBaseline: boolean, failOverUsd: number | undefined, failOverPct: number | undefined): CostCheck {
  const monthly = costs.reduce((s, c) => s + c.monthlyCost, 0);
  const baseline = hasBaseline ? costs.reduce((s, c) => s + (c.baselineMonthlyCost ?? 0), 0) : undefined;
  const increase = monthly - (baseline ?? 0);
  const pct = baseline === undefined ? undefined : baseline > 0 ? (increase / baseline) * 100 : increase > 0 ? Infinity : 0;
  const reasons: string[] = [];
  if (failOverUsd !== undefined && increase > failOverUsd) reasons.push(`monthly cost rises by $${increase.toFixed(2)}, over --fail-over-usd ${failOverUsd}`);
  if (failOverPct !== undefined && pct !== undefined && pct > failOverPct) reasons.push(`monthly cost rises by ${Number.isFinite(pct) ? pct.toFixed(1) : "∞"} %, over --fail-over-pct ${failOverPct}`);
  return { monthlyCost: monthly, baselineMonthlyCost: baseline, increaseUsd: increase, increasePct: pct, failOverUsd, failOverPct, failed: reasons.length > 0, reasons };
}
