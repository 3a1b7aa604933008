import type { ComputeManagementClient } from "@azure/arm-compute";
import type { TokenCredential } from "@azure/core-auth";
import type { PricingCaller } from "../engine/call.ts";

export interface VmSize {
  vcpu: number;
  memoryGiB: number;
  gpus: number;
}

export interface ArmOptions {
  subscriptionId: string;
  /** ARM endpoint override (sovereign clouds; plain-http stand-ins in tests). */
  endpoint?: string | undefined;
}

/**
 * A compute client with the default Azure credential chain (AKS Workload Identity, managed identity,
 * environment). A plain-http endpoint (a local stand-in) gets no credential: the SDK never sends a
 * bearer token over http.
 */
export async function armComputeClient(options: ArmOptions): Promise<ComputeManagementClient> {
  const { ComputeManagementClient } = await import("@azure/arm-compute");
  const common = { retryOptions: { maxRetries: 0 }, ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }) };
  if (options.endpoint?.startsWith("http://") === true) {
    const none = undefined as unknown as TokenCredential;
    return new ComputeManagementClient(none, options.subscriptionId, { ...common, allowInsecureConnection: true });
  }
  const { DefaultAzureCredential } = await import("@azure/identity");
  return new ComputeManagementClient(new DefaultAzureCredential(), options.subscriptionId, common);
}

/** VM sizes of a region (vCPUs, memory, GPUs) from the Resource SKUs API, page by page through the caller. */
export async function listVmSizes(client: ComputeManagementClient, region: string, caller: PricingCaller): Promise<Map<string, VmSize>> {
  const out = new Map<string, VmSize>();
  const pages = client.resourceSkus.list({ filter: `location eq '${region.replace(/'/g, "''")}'` }).byPage();
  for (;;) {
    const page = await caller.call("ResourceSkus", () => pages.next());
    if (page.done === true) break;
    for (const sku of page.value) {
      if (sku.resourceType !== "virtualMachines" || sku.name === undefined) continue;
      const cap = new Map((sku.capabilities ?? []).map((c) => [c.name ?? "", c.value ?? ""]));
      const vcpu = Number(cap.get("vCPUs"));
      const memoryGiB = Number(cap.get("MemoryGB"));
      const gpus = Number(cap.get("GPUs") ?? 0);
      if (Number.isFinite(vcpu) && Number.isFinite(memoryGiB)) out.set(sku.name, { vcpu, memoryGiB, gpus: Number.isFinite(gpus) ? gpus : 0 });
    }
  }
  return out;
}
