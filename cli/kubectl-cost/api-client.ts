import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { HttpMethod, KubeConfig, RequestContext } from "@kubernetes/client-node";
import { fetch, type Dispatcher } from "undici";

/** The query API could not be reached or answered with an error. */
export class ApiUnreachableError extends Error {
  override readonly name = "ApiUnreachableError";
}

/** The query API refused the request (HTTP 4xx): the message names the parameter. */
export class ApiRequestError extends Error {
  override readonly name = "ApiRequestError";
}

export interface Endpoint {
  /** Human description for errors: "http://… (--server)" or "service kce/kube-cost-exporter:9003 via context X". */
  describe: string;
  get(path: string, params: URLSearchParams, timeoutMs: number): Promise<unknown>;
}

export interface EndpointOptions {
  /** The cost API's URL, used directly (--api-url / KCE_API_URL). */
  apiUrl: string | undefined;
  kubeconfig: string | undefined;
  context: string | undefined;
  /** kubectl's connection flags, with kubectl's meaning. */
  cluster?: string | undefined;
  user?: string | undefined;
  server?: string | undefined;
  token?: string | undefined;
  insecureSkipTlsVerify?: boolean;
  serviceName: string;
  serviceNamespace: string;
  servicePort: number;
}

async function request(url: string, init: { headers: Record<string, string>; dispatcher?: Dispatcher | undefined }, timeoutMs: number, where: string, raw = false): Promise<unknown> {
  let res;
  try {
    const signal = AbortSignal.timeout(timeoutMs);
    res = await fetch(url, init.dispatcher === undefined ? { headers: init.headers, signal } : { headers: init.headers, dispatcher: init.dispatcher, signal });
  } catch (error) {
    const reason = error instanceof Error && error.name === "TimeoutError" ? `no answer within ${timeoutMs / 1000} s (--request-timeout)` : (error as Error).message;
    throw new ApiUnreachableError(`cannot reach the kube-cost-exporter API (${where}): ${reason}`, { cause: error });
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ApiUnreachableError(`the kube-cost-exporter API (${where}) answered HTTP ${res.status} with something that is not JSON: ${text.slice(0, 200)}`);
  }
  if (raw) {
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw new ApiUnreachableError(`${where} answered HTTP ${res.status}: ${(body as { message?: string }).message ?? text.slice(0, 200)}`);
    return body;
  }
  if (res.status >= 400 && res.status < 500 && (body as { parameter?: string }).parameter !== undefined) {
    throw new ApiRequestError((body as { message: string }).message);
  }
  if (res.status !== 200) {
    const message = (body as { message?: string }).message ?? text.slice(0, 200);
    throw new ApiUnreachableError(`the kube-cost-exporter API (${where}) answered HTTP ${res.status}: ${message}`);
  }
  return (body as { data: unknown }).data;
}

function kubeConfig(options: EndpointOptions): KubeConfig {
  const kc = new KubeConfig();
  const path = options.kubeconfig ?? process.env["KUBECONFIG"]?.split(":")[0] ?? join(homedir(), ".kube", "config");
  if (options.kubeconfig === undefined && !existsSync(path)) {
    if (options.server === undefined) throw new ApiUnreachableError(`no kubeconfig at ${path}: pass --kubeconfig or --server (the Kubernetes API), or --api-url URL (or KCE_API_URL) to talk to the cost API directly`);
  } else {
    kc.loadFromFile(path);
  }
  // client-node refuses plain-http servers unless TLS verification is "skipped"; kubectl does not
  // (a local or test API server): there is no TLS to verify, so allow it.
  if (kc.clusters.some((c) => c.server.startsWith("http://"))) {
    kc.loadFromOptions({
      clusters: kc.clusters.map((c) => (c.server.startsWith("http://") ? { ...c, skipTLSVerify: true } : c)),
      users: kc.users,
      contexts: kc.contexts,
      currentContext: kc.currentContext,
    });
  }
  if (options.context !== undefined) {
    if (kc.getContextObject(options.context) === null) throw new ApiUnreachableError(`kubeconfig ${path} has no context ${options.context}`);
    kc.setCurrentContext(options.context);
  }
  withOverrides(kc, options);
  return kc;
}

/** kubectl's --cluster, --user, --server, --token and --insecure-skip-tls-verify applied over the kubeconfig. */
function withOverrides(kc: KubeConfig, o: EndpointOptions): void {
  if (o.cluster === undefined && o.user === undefined && o.server === undefined && o.token === undefined && o.insecureSkipTlsVerify !== true) return;
  const ctx = kc.getContextObject(kc.getCurrentContext());
  const clusterName = o.cluster ?? ctx?.cluster;
  const base = clusterName === undefined ? null : kc.getCluster(clusterName);
  if (o.cluster !== undefined && base === null) throw new ApiUnreachableError(`the kubeconfig has no cluster ${o.cluster} (--cluster)`);
  const userName = o.user ?? ctx?.user;
  const user = userName === undefined ? null : kc.getUser(userName);
  if (o.user !== undefined && user === null) throw new ApiUnreachableError(`the kubeconfig has no user ${o.user} (--user)`);
  const server = o.server ?? base?.server;
  if (server === undefined) throw new ApiUnreachableError("no Kubernetes API server: pass --server or a kubeconfig");
  const cluster = { ...(base ?? {}), name: "kubectl-cost", server, skipTLSVerify: o.insecureSkipTlsVerify === true || server.startsWith("http://") || base?.skipTLSVerify === true };
  const chosenUser = o.token !== undefined ? { name: "kubectl-cost", token: o.token } : { ...(user ?? {}), name: "kubectl-cost" };
  kc.loadFromOptions({
    clusters: [...kc.clusters.filter((c) => c.name !== "kubectl-cost"), cluster],
    users: [...kc.users.filter((u) => u.name !== "kubectl-cost"), chosenUser],
    contexts: [...kc.contexts.filter((c) => c.name !== "kubectl-cost"), { name: "kubectl-cost", cluster: "kubectl-cost", user: "kubectl-cost", ...(ctx?.namespace === undefined ? {} : { namespace: ctx.namespace }) }],
    currentContext: "kubectl-cost",
  });
}

/**
 * Where the API is: `--api-url` or `KCE_API_URL` directly; otherwise the current kubeconfig
 * context, through the Kubernetes API server's service proxy to the in-cluster service — the way
 * `kubectl` users reach cluster services without port-forwarding.
 */
function bearer(token: string | undefined): Record<string, string> {
  return token === undefined || token === "" ? {} : { authorization: `Bearer ${token}` };
}

export function resolveEndpoint(options: EndpointOptions): Endpoint {
  const direct = options.apiUrl ?? process.env["KCE_API_URL"];
  if (direct !== undefined && direct !== "") {
    const base = direct.replace(/\/$/, "");
    return {
      describe: `${base}${options.apiUrl === undefined ? " (KCE_API_URL)" : " (--api-url)"}`,
      // With the API behind `http.auth.bearerTokenFile`, KCE_API_TOKEN carries the token.
      get: (path, params, timeoutMs) => request(`${base}${path}?${params.toString()}`, { headers: bearer(process.env["KCE_API_TOKEN"]) }, timeoutMs, base),
    };
  }
  const kc = kubeConfig(options);
  const cluster = kc.getCurrentCluster();
  if (cluster === null) throw new ApiUnreachableError("the kubeconfig has no current cluster; pass --context, --server, or --api-url");
  const where = `service ${options.serviceNamespace}/${options.serviceName}:${options.servicePort} via context ${kc.getCurrentContext()}`;
  const base = `${cluster.server.replace(/\/$/, "")}/api/v1/namespaces/${encodeURIComponent(options.serviceNamespace)}/services/${encodeURIComponent(options.serviceName)}:${options.servicePort}/proxy`;
  return {
    describe: where,
    get: async (path, params, timeoutMs) => {
      const url = `${base}${path}?${params.toString()}`;
      const ctx = new RequestContext(url, HttpMethod.GET);
      await kc.applySecurityAuthentication(ctx);
      return request(url, { headers: ctx.getHeaders(), dispatcher: ctx.getDispatcher() }, timeoutMs, where);
    },
  };
}

/**
 * GET of a Kubernetes API path with the kubeconfig's credentials; undefined when the object does
 * not exist (404). Used to read what is deployed now (`estimate --baseline live`).
 */
export async function kubeGet(options: EndpointOptions, path: string, timeoutMs: number): Promise<unknown> {
  const kc = kubeConfig(options);
  const cluster = kc.getCurrentCluster();
  if (cluster === null) throw new ApiUnreachableError("the kubeconfig has no current cluster; pass --context");
  const url = `${cluster.server.replace(/\/$/, "")}${path}`;
  const ctx = new RequestContext(url, HttpMethod.GET);
  await kc.applySecurityAuthentication(ctx);
  return request(url, { headers: ctx.getHeaders(), dispatcher: ctx.getDispatcher() }, timeoutMs, `the Kubernetes API of context ${kc.getCurrentContext()}`, true);
}
