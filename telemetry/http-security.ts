/**
 * Optional protection of /metrics and the query API: bearer-token or basic auth, and TLS with the
 * certificate and key re-read when their files change (cert-manager renewals need no restart).
 * /healthz stays open so kubelet probes work.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { readFileSync, unwatchFile, watchFile } from "node:fs";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { createServer as createHttpServer } from "./node-http.ts";
import { createServer as createHttpsServer } from "node:https";
import { handleLogin, LOGIN_PATH, sendLoginPage, sessionFor, sessionOf, wantsLoginPage } from "./browser-login.ts";

export interface HttpSecurity {
  tls?: { certFile: string; keyFile: string } | undefined;
  auth?: { bearerTokenFile?: string | undefined; basicAuthFile?: string | undefined } | undefined;
}

/** A security file cannot be read at start; the message names it. */
export class SecurityFileError extends Error {
  override readonly name = "SecurityFileError";
}

function read(path: string, what: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (cause) {
    throw new SecurityFileError(`${what} ${path} cannot be read: ${(cause as Error).message}`, { cause });
  }
}

const sha256 = (s: string) => createHash("sha256").update(s).digest();
/** Constant-time comparison of two secrets (hashed first so lengths never leak). */
const same = (a: string, b: string) => timingSafeEqual(sha256(a), sha256(b));

/** `user:password` or `user:sha256:<hex of the password's SHA-256>` per line; # comments. */
function parseUsers(text: string): Map<string, { plain?: string; sha256?: string }> {
  const users = new Map<string, { plain?: string; sha256?: string }>();
  for (const line of text.split(/\r?\n/)) {
    const t = line.trim();
    if (t === "" || t.startsWith("#")) continue;
    const i = t.indexOf(":");
    if (i <= 0) continue;
    const user = t.slice(0, i);
    const rest = t.slice(i + 1);
    users.set(user, rest.startsWith("sha256:") ? { sha256: rest.slice(7).toLowerCase() } : { plain: rest });
  }
  return users;
}

export interface SecuredServer {
  server: Server;
  /** Stops watching the files. */
  dispose: () => void;
}

export interface SecureServerOptions {
  /** How often the token, users and TLS files are checked for changes, ms. */
  reloadIntervalMs?: number;
  /** With a bearer token: sign browsers in at /ui/login (a form, then a session cookie), for the web app. */
  browserLogin?: boolean;
}

/** An http or https server whose handler runs only for authorised requests (and /healthz). */
export function secureServer(security: HttpSecurity | undefined, handler: (req: IncomingMessage, res: ServerResponse) => void, options: SecureServerOptions = {}): SecuredServer {
  const reloadIntervalMs = options.reloadIntervalMs ?? 5000;
  const auth = security?.auth;
  let token = auth?.bearerTokenFile === undefined ? undefined : read(auth.bearerTokenFile, "bearer token file").trim();
  let users = auth?.basicAuthFile === undefined ? undefined : parseUsers(read(auth.basicAuthFile, "basic auth file"));
  const watched: string[] = [];
  const watch = (path: string, reload: () => void) => {
    watched.push(path);
    watchFile(path, { interval: reloadIntervalMs, persistent: false }, () => {
      try {
        reload();
      } catch {
        // keep the previous secret until the file is readable again
      }
    });
  };
  if (auth?.bearerTokenFile !== undefined) {
    const f = auth.bearerTokenFile;
    watch(f, () => (token = readFileSync(f, "utf8").trim()));
  }
  if (auth?.basicAuthFile !== undefined) {
    const f = auth.basicAuthFile;
    watch(f, () => (users = parseUsers(readFileSync(f, "utf8"))));
  }
  const authorised = (req: IncomingMessage): boolean => {
    if (token === undefined && users === undefined) return true;
    const header = req.headers.authorization ?? "";
    if (token !== undefined && header.startsWith("Bearer ") && same(header.slice(7).trim(), token)) return true;
    const session = options.browserLogin === true ? sessionOf(req) : undefined;
    if (token !== undefined && session !== undefined && same(session, sessionFor(token))) return true;
    if (users !== undefined && header.startsWith("Basic ")) {
      const [user = "", ...pw] = Buffer.from(header.slice(6).trim(), "base64").toString("utf8").split(":");
      const entry = users.get(user);
      const password = pw.join(":");
      if (entry?.plain !== undefined) return same(password, entry.plain);
      if (entry?.sha256 !== undefined) return same(createHash("sha256").update(password).digest("hex"), entry.sha256);
    }
    return false;
  };
  const login = options.browserLogin === true;
  const guarded = (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    if (login && token !== undefined && path === LOGIN_PATH) {
      const current = token;
      if (req.method === "POST") return handleLogin(req, res, (given) => (same(given, current) ? sessionFor(current) : undefined), security?.tls !== undefined);
      return sendLoginPage(res, 200);
    }
    if (path !== "/healthz" && !authorised(req)) {
      if (login && token !== undefined && wantsLoginPage(req, path)) return sendLoginPage(res, 401);
      res.writeHead(401, { "content-type": "text/plain", "www-authenticate": users !== undefined ? 'Basic realm="kube-cost-exporter"' : 'Bearer realm="kube-cost-exporter"' }).end("unauthorized\n");
      return;
    }
    handler(req, res);
  };
  const tls = security?.tls;
  if (tls === undefined) return { server: createHttpServer(guarded), dispose: () => watched.forEach((f) => unwatchFile(f)) };
  const load = () => ({ cert: read(tls.certFile, "TLS certificate"), key: read(tls.keyFile, "TLS key") });
  const server = createHttpsServer(load(), guarded);
  const reloadTls = () => server.setSecureContext({ cert: readFileSync(tls.certFile, "utf8"), key: readFileSync(tls.keyFile, "utf8") });
  watch(tls.certFile, reloadTls);
  watch(tls.keyFile, reloadTls);
  return { server, dispose: () => watched.forEach((f) => unwatchFile(f)) };
}
