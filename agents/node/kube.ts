import {
  CoreV1Api,
  KubeConfig,
  ListWatch,
  Watch,
  type KubernetesObject,
  type V1Node,
  type V1PersistentVolume,
  type V1Pod,
} from "@kubernetes/client-node";
import type { Config } from "../../config/schema.ts";
import type { Summary } from "./summary-types.ts";

/** A Kubernetes API call failed (unreachable, forbidden, not found). */
export class KubeApiError extends Error {
  override readonly name = "KubeApiError";
}

/**
 * Kubernetes access from config: an explicit `server` URL, else a kubeconfig file (and context),
 * else in-cluster service-account credentials, else the default kubeconfig.
 */
export function kubeConfigFrom(cfg: Config["agent"]["kubernetes"]): KubeConfig {
  const kc = new KubeConfig();
  if (cfg.server !== undefined) {
    kc.loadFromOptions({
      // client-node refuses plain http unless TLS verification is "skipped"; there is no TLS to verify.
      clusters: [{ name: "target", server: cfg.server, skipTLSVerify: cfg.server.startsWith("http://") }],
      users: [{ name: "agent" }],
      contexts: [{ name: "target", cluster: "target", user: "agent" }],
      currentContext: "target",
    });
  } else if (cfg.kubeconfig !== undefined) {
    kc.loadFromFile(cfg.kubeconfig);
  } else if (process.env["KUBERNETES_SERVICE_HOST"] !== undefined) {
    kc.loadFromCluster();
  } else {
    kc.loadFromDefault();
  }
  if (cfg.context !== undefined) kc.setCurrentContext(cfg.context);
  return kc;
}

/** client-node errors carry the whole response in the message; keep the first line. */
function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split("\n")[0]?.slice(0, 300) ?? text;
}

export type Informer<T extends KubernetesObject> = ListWatch<T>;

/** The agent's read-only view of the API: its Node, its pods, PVs and its kubelet's Summary. */
export class KubeSource {
  private readonly kc: KubeConfig;
  private readonly core: CoreV1Api;

  constructor(kc: KubeConfig) {
    this.kc = kc;
    this.core = kc.makeApiClient(CoreV1Api);
  }

  get server(): string {
    return this.kc.getCurrentCluster()?.server ?? "(none)";
  }

  async readNode(name: string): Promise<V1Node> {
    try {
      return await this.core.readNode({ name });
    } catch (cause) {
      throw new KubeApiError(`cannot read node ${name} from ${this.server}: ${firstLine(cause)}`, { cause });
    }
  }

  /** The kubelet Summary API through the API server's node proxy. */
  async summary(nodeName: string, timeoutMs: number): Promise<Summary> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new KubeApiError(`stats/summary of ${nodeName} timed out after ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      const text = await Promise.race([this.core.connectGetNodeProxyWithPath({ name: nodeName, path: "stats/summary" }), timeout]);
      return (typeof text === "string" ? JSON.parse(text) : text) as Summary;
    } catch (cause) {
      if (cause instanceof KubeApiError) throw cause;
      throw new KubeApiError(`cannot read stats/summary of ${nodeName}: ${firstLine(cause)}`, { cause });
    } finally {
      clearTimeout(timer);
    }
  }

  /** Lists and watches the pods bound to one node (`fieldSelector=spec.nodeName=<node>`). */
  podInformer(nodeName: string): Informer<V1Pod> {
    const fieldSelector = `spec.nodeName=${nodeName}`;
    return new ListWatch<V1Pod>(
      "/api/v1/pods",
      new Watch(this.kc),
      () => this.core.listPodForAllNamespaces({ fieldSelector }),
      false,
      undefined,
      fieldSelector,
    );
  }

  /** Lists and watches PersistentVolumes (to price the claims the node's pods mount). */
  volumeInformer(): Informer<V1PersistentVolume> {
    return new ListWatch<V1PersistentVolume>("/api/v1/persistentvolumes", new Watch(this.kc), () => this.core.listPersistentVolume(), false);
  }
}
