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
  server: string | undefined;
  kubeconfig: string | undefined;
  context: string | undefined;
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
    throw new ApiUnreachableError(`no kubeconfig at ${path}: pass --kubeconfig, or --server URL (or KCE_API_URL) to talk to the API directly`);
  }
  kc.loadFromFile(path);
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
  return kc;
}

/**
 * Where the API is: `--server` or `KCE_API_URL` directly; otherwise the current kubeconfig
 * context, through the Kubernetes API server's service proxy to the in-cluster service — the way
 * `kubectl` users reach cluster services without port-forwarding.
 */
function bearer(token: string | undefined): Record<string, string> {
  return token === undefined || token === "" ? {} : { authorization: `Bearer ${token}` };
}

export function resolveEndpoint(options: EndpointOptions): Endpoint {
  const direct = options.server ?? process.env["KCE_API_URL"];
  if (direct !== undefined && direct !== "") {
    const base = direct.replace(/\/$/, "");
    return {
      describe: `${base}${options.server === undefined ? " (KCE_API_URL)" : " (--server)"}`,
      // With the API behind `http.auth.bearerTokenFile`, KCE_API_TOKEN carries the token.
      get: (path, params, timeoutMs) => request(`${base}${path}?${params.toString()}`, { headers: bearer(process.env["KCE_API_TOKEN"]) }, timeoutMs, base),
    };
  }
  const kc = kubeConfig(options);
  const cluster = kc.getCurrentCluster();
  if (cluster === null) throw new ApiUnreachableError("the kubeconfig has no current cluster; pass --context or --server");
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
