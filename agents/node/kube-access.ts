import { readFileSync } from "node:fs";
import { Agent as HttpAgent } from "../../telemetry/node-http.ts";
import { Agent as HttpsAgent } from "node:https";
import { homedir } from "node:os";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import type { Config } from "../../config/schema.ts";

/** A Kubernetes API call failed (unreachable, forbidden, not found). */
export class KubeApiError extends Error {
  override readonly name = "KubeApiError";
}

/** The agent's credentials could not be set up (bad kubeconfig, unsupported auth, missing files). */
export class KubeCredentialsError extends Error {
  override readonly name = "KubeCredentialsError";
}

/** Where the API server is and how to authenticate: what every request needs. */
export interface KubeAccess {
  server: string;
  agent: HttpAgent | HttpsAgent;
  /** Authorization headers, read fresh per request (service-account tokens rotate). */
  headers(): Record<string, string>;
}

const SA_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

/** A file's text, or a KubeCredentialsError naming it. */
function readText(path: string, what: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (cause) {
    throw new KubeCredentialsError(`cannot read ${what} ${path}: ${(cause as Error).message}`, { cause });
  }
}

/** A token file re-read at most once a minute (bound service-account tokens are rotated by the kubelet). */
function tokenFile(path: string): () => Record<string, string> {
  let token = readText(path, "token file").trim();
  let readAtMs = Date.now();
  return () => {
    if (Date.now() - readAtMs > 60_000) {
      try {
        token = readFileSync(path, "utf8").trim();
        readAtMs = Date.now();
      } catch {
        // keep the last token; the API server will say if it expired
      }
    }
    return { authorization: `Bearer ${token}` };
  };
}

const decode = (data: string): Buffer => Buffer.from(data, "base64");

interface KubeconfigFile {
  "current-context"?: string;
  clusters?: Array<{ name: string; cluster: { server: string; "certificate-authority"?: string; "certificate-authority-data"?: string; "insecure-skip-tls-verify"?: boolean } }>;
  users?: Array<{ name: string; user: { token?: string; tokenFile?: string; "client-certificate"?: string; "client-certificate-data"?: string; "client-key"?: string; "client-key-data"?: string; exec?: unknown; "auth-provider"?: unknown; username?: string } }>;
  contexts?: Array<{ name: string; context: { cluster: string; user?: string } }>;
}

/** Token and client-certificate kubeconfigs; exec and auth-provider plugins are refused with a clear error. */
function fromKubeconfig(path: string, contextName: string | undefined): KubeAccess {
  const doc = parseYaml(readText(path, "kubeconfig")) as KubeconfigFile;
  const name = contextName ?? doc["current-context"];
  const context = doc.contexts?.find((c) => c.name === name)?.context;
  if (context === undefined) throw new KubeCredentialsError(`kubeconfig ${path} has no context ${JSON.stringify(name)}`);
  const cluster = doc.clusters?.find((c) => c.name === context.cluster)?.cluster;
  if (cluster === undefined) throw new KubeCredentialsError(`kubeconfig ${path}: context ${name} names cluster ${context.cluster}, which it does not define`);
  const user = doc.users?.find((u) => u.name === context.user)?.user ?? {};
  if (user.exec !== undefined || user["auth-provider"] !== undefined) {
    throw new KubeCredentialsError(`kubeconfig ${path}: user ${context.user ?? ""} authenticates with an exec or auth-provider plugin, which the agent does not run; run it in-cluster (its service account) or give it a token or client certificate`);
  }
  const file = (p: string | undefined, data: string | undefined, what: string): Buffer | undefined =>
    data !== undefined ? decode(data) : p === undefined ? undefined : Buffer.from(readText(p, what));
  const ca = file(cluster["certificate-authority"], cluster["certificate-authority-data"], "certificate authority");
  const cert = file(user["client-certificate"], user["client-certificate-data"], "client certificate");
  const key = file(user["client-key"], user["client-key-data"], "client key");
  const headers = user.token !== undefined ? () => ({ authorization: `Bearer ${user.token ?? ""}` }) : user.tokenFile !== undefined ? tokenFile(user.tokenFile) : () => ({});
  return {
    server: cluster.server.replace(/\/$/, ""),
    agent: cluster.server.startsWith("http://")
      ? new HttpAgent({ keepAlive: true })
      : new HttpsAgent({ keepAlive: true, ...(ca === undefined ? {} : { ca }), ...(cert === undefined ? {} : { cert }), ...(key === undefined ? {} : { key }), rejectUnauthorized: cluster["insecure-skip-tls-verify"] !== true }),
    headers,
  };
}

/**
 * Kubernetes access from config: an explicit `server` URL (no credentials: a local or test API), else a
 * kubeconfig file (and context), else in-cluster service-account credentials, else the default kubeconfig.
 * Written on node:http(s) rather than @kubernetes/client-node: the agent runs on every node, and that
 * library alone costs about 90 MB of memory (issue 16).
 */
export function kubeAccessFrom(cfg: Config["agent"]["kubernetes"]): KubeAccess {
  if (cfg.server !== undefined) {
    const server = cfg.server.replace(/\/$/, "");
    return { server, agent: server.startsWith("http://") ? new HttpAgent({ keepAlive: true }) : new HttpsAgent({ keepAlive: true }), headers: () => ({}) };
  }
  if (cfg.kubeconfig !== undefined) return fromKubeconfig(cfg.kubeconfig, cfg.context);
  const host = process.env["KUBERNETES_SERVICE_HOST"];
  if (host !== undefined) {
    const port = process.env["KUBERNETES_SERVICE_PORT"] ?? "443";
    return {
      server: `https://${host.includes(":") ? `[${host}]` : host}:${port}`,
      agent: new HttpsAgent({ keepAlive: true, ca: readText(join(SA_DIR, "ca.crt"), "service-account CA") }),
      headers: tokenFile(join(SA_DIR, "token")),
    };
  }
  const fallback = process.env["KUBECONFIG"]?.split(":")[0] ?? join(homedir(), ".kube", "config");
  return fromKubeconfig(fallback, cfg.context);
}
