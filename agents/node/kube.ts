import type { V1Node, V1PersistentVolume, V1Pod } from "@kubernetes/client-node";
import { getJson, Informer } from "./informer.ts";
import { KubeApiError, type KubeAccess } from "./kube-access.ts";
import type { Summary } from "./summary-types.ts";

export { Informer } from "./informer.ts";
export { KubeApiError, KubeCredentialsError, kubeAccessFrom, type KubeAccess } from "./kube-access.ts";

const READ_TIMEOUT_MS = 30_000;

/**
 * The agent's read-only view of the API: its Node, its pods, PVs and its kubelet's Summary. Only
 * `import type` from @kubernetes/client-node: its object types, none of its code (see kube-access.ts).
 */
export class KubeSource {
  private readonly access: KubeAccess;

  constructor(access: KubeAccess) {
    this.access = access;
  }

  get server(): string {
    return this.access.server;
  }

  async readNode(name: string): Promise<V1Node> {
    try {
      return await getJson<V1Node>(this.access, `/api/v1/nodes/${encodeURIComponent(name)}`, READ_TIMEOUT_MS);
    } catch (cause) {
      throw new KubeApiError(`cannot read node ${name} from ${this.server}: ${(cause as Error).message}`, { cause });
    }
  }

  /** The kubelet Summary API through the API server's node proxy. */
  async summary(nodeName: string, timeoutMs: number): Promise<Summary> {
    try {
      return await getJson<Summary>(this.access, `/api/v1/nodes/${encodeURIComponent(nodeName)}/proxy/stats/summary`, timeoutMs);
    } catch (cause) {
      const message = (cause as Error).message;
      throw new KubeApiError(/no answer within/.test(message) ? `stats/summary of ${nodeName} timed out after ${timeoutMs} ms` : `cannot read stats/summary of ${nodeName}: ${message}`, { cause });
    }
  }

  /** Lists and watches the pods bound to one node (`fieldSelector=spec.nodeName=<node>`). */
  podInformer(nodeName: string): Informer<V1Pod> {
    return new Informer<V1Pod>(this.access, "/api/v1/pods", { fieldSelector: `spec.nodeName=${nodeName}` });
  }

  /** Lists and watches PersistentVolumes (to price the claims the node's pods mount, and the cluster's inventory). */
  volumeInformer(): Informer<V1PersistentVolume> {
    return new Informer<V1PersistentVolume>(this.access, "/api/v1/persistentvolumes");
  }
}
