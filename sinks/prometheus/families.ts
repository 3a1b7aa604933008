import { Family } from "./text-format.ts";

/** Every cost metric family the Prometheus sink exposes, in exposition order. */
export function costFamilies() {
  return {
    podHourly: new Family("kube_cost_pod_hourly_usd", "Hourly cost of a pod in USD (CPU, RAM, GPU, PV and network; per running hour).", "gauge"),
    namespaceDaily: new Family(
      "kube_cost_namespace_daily_usd",
      "Cost of a namespace in USD over the last 24 hourly windows (the current hour included), from the 1h rollups.",
      "gauge",
    ),
    nodeHourly: new Family("kube_cost_node_hourly_usd", "Hourly price of a node in USD (spot price for spot nodes).", "gauge"),
    nodeIdleHourly: new Family("kube_cost_node_idle_hourly_usd", "Hourly cost of a node's capacity no pod is charged for, in USD.", "gauge"),
    nodePriceAsOf: new Family(
      "kube_cost_node_price_as_of_seconds",
      "Unix time of the price a node is charged at, labelled with where the price came from.",
      "gauge",
    ),
    namespaceResourceDaily: new Family(
      "kube_cost_namespace_resource_daily_usd",
      "Cost of a namespace in USD over the last 24 hourly windows, by resource (cpu, ram, gpu, pv, network).",
      "gauge",
    ),
    workloadCpuEfficiency: new Family("kube_cost_workload_cpu_efficiency", "CPU used ÷ CPU requested by a workload over the last 24 hourly windows (below 1: over-provisioned).", "gauge"),
    workloadMemoryEfficiency: new Family("kube_cost_workload_memory_efficiency", "Memory used ÷ memory requested by a workload over the last 24 hourly windows.", "gauge"),
    pvMonthly: new Family("kube_cost_pv_monthly_usd", "Monthly cost of a persistent volume in USD (730 hours).", "gauge"),
    spotSavings: new Family(
      "kube_cost_spot_savings_usd_total",
      "Savings realised by running on spot instead of on-demand, in USD, attributed to namespaces by cost share.",
      "counter",
    ),
    spotPotential: new Family(
      "kube_cost_spot_potential_savings_hourly_usd",
      "Hourly savings in USD an on-demand node would make at the current spot price.",
      "gauge",
    ),
    nodeTotal: new Family("node_total_hourly_cost", "OpenCost-compatible: total hourly cost of a node in USD.", "gauge"),
    nodeCpu: new Family("node_cpu_hourly_cost", "OpenCost-compatible: hourly cost of one CPU core of a node in USD.", "gauge"),
    nodeRam: new Family("node_ram_hourly_cost", "OpenCost-compatible: hourly cost of one GiB of RAM of a node in USD.", "gauge"),
    nodeGpu: new Family("node_gpu_hourly_cost", "OpenCost-compatible: hourly cost of one GPU of a node in USD.", "gauge"),
    nodeIsSpot: new Family("kubecost_node_is_spot", "OpenCost-compatible: 1 when the node is a spot/preemptible instance.", "gauge"),
    pvHourly: new Family("pv_hourly_cost", "OpenCost-compatible: hourly cost of one GiB of a persistent volume in USD.", "gauge"),
    // OpenCost's allocation and cluster-state families (pkg/costmodel/metrics.go), so its dashboards work.
    // We measure pods, not containers: the series are per pod (no container label).
    buildInfo: new Family("opencost_build_info", "OpenCost-compatible: 1, labelled with the exporter's version (what OpenCost dashboards list clusters and jobs by).", "gauge"),
    containerCpu: new Family("container_cpu_allocation", "OpenCost-compatible: CPU cores allocated to a pod over its last window, max(request, usage).", "gauge"),
    containerMemory: new Family("container_memory_allocation_bytes", "OpenCost-compatible: memory bytes allocated to a pod over its last window, max(request, usage).", "gauge"),
    containerGpu: new Family("container_gpu_allocation", "OpenCost-compatible: GPUs allocated to a pod over its last window.", "gauge"),
    podPvc: new Family("pod_pvc_allocation", "OpenCost-compatible: bytes of a persistent volume claim a pod mounts.", "gauge"),
    nodeCapacity: new Family("kube_node_status_capacity", "OpenCost-compatible (kube-state-metrics' name): a node's capacity by resource.", "gauge"),
    namespaceLabels: new Family("kube_namespace_labels", "OpenCost-compatible (kube-state-metrics' name): 1 per namespace with running pods.", "gauge"),
    pvCapacity: new Family("kube_persistentvolume_capacity_bytes", "OpenCost-compatible (kube-state-metrics' name): a persistent volume's capacity in bytes.", "gauge"),
    pvcInfo: new Family("kube_persistentvolumeclaim_info", "OpenCost-compatible (kube-state-metrics' name): 1 per persistent volume claim, with its volume and storage class.", "gauge"),
  };
}

export type CostFamilies = ReturnType<typeof costFamilies>;
