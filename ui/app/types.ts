/** The parts of the API's answers the pages read (api/*.ts defines them in full). */

export interface ClusterSummary {
  cluster: string;
  nodes: number;
  hourlyCost: number;
  runRateMonthly: number;
  today: number;
  monthToDate: number;
  forecastMonthly: number;
  idleMonthToDate: number;
  idleShare: number;
  realisedSavings: number;
  potentialSavings: number;
  efficiency: number;
}

export interface Summary {
  currencyCode: string;
  asOf: string | null;
  now: string;
  labelKeys: string[];
  total: ClusterSummary;
  clusters: ClusterSummary[];
  /** The costliest namespaces this month, with __idle__. */
  topNamespaces: Array<{ namespace: string; monthToDate: number }>;
}

export interface Allocation {
  name: string;
  properties: Record<string, string | Record<string, string>>;
  window: { start: string; end: string };
  start: string;
  end: string;
  minutes: number;
  podCount: number;
  cpuCost: number;
  ramCost: number;
  gpuCost: number;
  pvCost: number;
  networkCost: number;
  sharedCost: number;
  cpuCostIdle: number;
  ramCostIdle: number;
  gpuCostIdle: number;
  totalCost: number;
  cpuEfficiency: number;
  ramEfficiency: number;
  totalEfficiency: number;
  realisedSavings: number;
  potentialSavings: number;
}

export type AllocationSets = Array<Record<string, Allocation>>;

export interface NodeRate {
  cluster: string;
  node: string;
  provider: string;
  instanceType: string;
  capacityType: string;
  region: string;
  cpuCores: number;
  memoryGiB: number;
  gpus: number;
  hourlyCost: number;
  cpuCoreHourlyRate: number;
  ramGiBHourlyRate: number;
  gpuHourlyRate: number;
  priceSource: string;
  priceAsOfMs: number;
  seenAtMs: number;
  cpuRequestedCores: number;
  memoryRequestedGiB: number;
  idleHourlyCost: number;
}

export interface Rates {
  nodes: NodeRate[];
}

export interface SavingsItem {
  name: string;
  totalCost: number;
  realisedSavings: number;
  potentialSavings: number;
}

export interface Savings {
  window: { start: string; end: string };
  realisedSavings: number;
  potentialSavings: number;
  items: SavingsItem[];
}

export interface Recommendation {
  namespace: string;
  controllerKind: string;
  controller: string;
  status: string;
  reason: string;
  pods: number;
  current: { cpuCores: number; memoryBytes: number };
  recommended: { cpuCores: number; memoryBytes: number };
  monthlySavingsUsd: number;
}

export interface Recommendations {
  monthlySavingsUsd: number;
  items: Recommendation[];
}

export interface BudgetStatus {
  name: string;
  scope: string;
  monthlyUsd: number;
  thresholdsPct: number[];
  monthToDate: number;
  hourlyCost: number;
  runRateMonthly: number;
  forecastMonthly: number;
  burnPct: number;
  forecastPct: number;
  monthElapsedPct: number;
}

export interface BudgetAlert {
  id: string;
  rule: string;
  status: string;
  basis: string;
  thresholdPct: number;
  scopeDescription: string;
  monthlyBudgetUsd: number;
  observedMonthlyUsd: number;
  overBudgetUsd: number;
  evaluatedAtMs: number;
}

export interface Budgets {
  budgets: BudgetStatus[];
  alerts: BudgetAlert[];
}

export interface NodeDayAccuracy {
  cluster: string;
  day: string;
  node: string;
  providerId: string;
  instanceType: string;
  capacityType: string;
  estimated: number;
  billed: number;
  ratio: number;
  errorPct: number;
}

export interface Reconciliation {
  enabled: boolean;
  totals: { nodeDays: number; estimated: number; billed: number; ratio: number; errorPct: number };
  rows: NodeDayAccuracy[];
}

export interface TimeSeries {
  x: string[];
  series: Array<{ name: string; values: number[] }>;
  other: { count: number; values: number[] } | null;
  total: number[];
}
