/**
 * Signing a browser in where the API wants a bearer token: a browser cannot add an Authorization header to the pages,
 * scripts and event streams of the web app, so the token is typed once into a form and exchanged for a session cookie.
 * The cookie holds an HMAC of the token, not the token (which Prometheus and scripts may share), so it is worthless
 * anywhere else and stops working when the token file changes. HttpOnly and SameSite=Strict; the API answers GETs only.
 */
import { createHmac } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

export const LOGIN_PATH = "/ui/login";
const COOKIE = "kce_session";
const SESSION_SECONDS = 12 * 3600;
const MAX_FORM_BYTES = 8192;

/** The session cookie's value for a token. */
export const sessionFor = (token: string): string => createHmac("sha256", token).update("kce-ui-session").digest("hex");

/** The session cookie a request carries, if any. */
export function sessionOf(req: IncomingMessage): string | undefined {
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const [name, ...value] = part.trim().split("=");
    if (name === COOKIE) return value.join("=");
  }
  return undefined;
}

/** Whether an unauthorised request is a browser asking for a page of the web app (it gets the form, not a bare 401). */
export function wantsLoginPage(req: IncomingMessage, path: string): boolean {
  return (req.method === "GET" || req.method === "HEAD") && (path === "/ui" || path.startsWith("/ui/")) && (req.headers.accept ?? "").includes("text/html");
}

export function sendLoginPage(res: ServerResponse, status: number, message = ""): void {
  const note = message === "" ? "" : `<p role="alert">${message}</p>`;
  res
    .writeHead(status, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", "www-authenticate": 'Bearer realm="kube-cost-exporter"' })
    .end(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in — kube-cost-exporter</title>` +
        `<meta name="viewport" content="width=device-width,initial-scale=1"><style>body{font:15px system-ui,sans-serif;max-width:26rem;margin:12vh auto;padding:0 1rem}` +
        `input,button{font:inherit;padding:.4rem;width:100%;box-sizing:border-box;margin:.3rem 0}[role=alert]{color:#b00020}</style></head><body>` +
        `<h1>kube-cost-exporter</h1><p>This API wants the bearer token from <code>http.auth.bearerTokenFile</code>.</p>${note}` +
        `<form method="post" action="${LOGIN_PATH}"><label>Token <input name="token" type="password" autocomplete="current-password" required autofocus></label>` +
        `<button type="submit">Sign in</button></form></body></html>`,
    );
}

/**
 * POST /ui/login with `token=…` (a form): the right token sets the session cookie and goes to the web app; a wrong one
 * shows the form again (401). `check` compares in constant time; `secure` marks the cookie for HTTPS only.
 */
export function handleLogin(req: IncomingMessage, res: ServerResponse, check: (token: string) => string | undefined, secure: boolean): void {
  let body = "";
  let tooLong = false;
  req.setEncoding("utf8");
  req.on("data", (chunk: string) => {
    body += chunk;
    if (body.length > MAX_FORM_BYTES && !tooLong) {
      tooLong = true;
      res.writeHead(413, { "content-type": "text/plain", connection: "close" }).end(`a sign-in form is at most ${MAX_FORM_BYTES} bytes\n`);
    }
  });
  req.on("end", () => {
    if (tooLong) return;
    const session = check(new URLSearchParams(body).get("token")?.trim() ?? "");
    if (session === undefined) return sendLoginPage(res, 401, "That token is not the one this API was given.");
    const cookie = `${COOKIE}=${session}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${SESSION_SECONDS}${secure ? "; Secure" : ""}`;
    res.writeHead(303, { location: "/ui/", "set-cookie": cookie, "cache-control": "no-store" }).end();
  });
}
