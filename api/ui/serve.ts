import type { IncomingMessage, ServerResponse } from "node:http";
import { gzipSync } from "node:zlib";
import { PAGES } from "../../ui/app/pages.ts";
import { uiBundle, type Asset, type UiBundle } from "./bundle.ts";

/** The app's pages; each is /ui/<page>, its state in the query string (deep links). */
const PAGE_IDS: readonly string[] = PAGES.map((p) => p.id);

function page(bundle: UiBundle): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>kube-cost-exporter</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/ui/assets/${bundle.css.name}">
<script type="module" src="/ui/assets/${bundle.js.name}"></script>
</head>
<body><div id="app"><p class="boot">Loading costs…</p></div></body>
</html>
`;
}

function sendAsset(req: IncomingMessage, res: ServerResponse, a: Asset, cache: string): void {
  const gzip = /\bgzip\b/.test(String(req.headers["accept-encoding"] ?? ""));
  res.writeHead(200, {
    "content-type": a.contentType,
    "cache-control": cache,
    "x-content-type-options": "nosniff",
    vary: "accept-encoding",
    ...(gzip ? { "content-encoding": "gzip" } : {}),
  });
  res.end(req.method === "HEAD" ? undefined : gzip ? a.gzip : a.body);
}

const pages = new WeakMap<UiBundle, Asset>();

function htmlAsset(bundle: UiBundle): Asset {
  let a = pages.get(bundle);
  if (a === undefined) {
    const body = Buffer.from(page(bundle));
    a = { name: "index.html", contentType: "text/html; charset=utf-8", body, gzip: gzipSync(body) };
    pages.set(bundle, a);
  }
  return a;
}

/**
 * Serves the web app: `/` and `/ui` redirect to `/ui/overview`, `/ui/<page>` is the app's one HTML
 * page, `/ui/assets/*` the bundle (content-hashed names, cached immutably). Returns false for other paths.
 */
export function serveUi(req: IncomingMessage, res: ServerResponse, pathname: string): boolean {
  if (pathname === "/" || pathname === "/ui" || pathname === "/ui/") {
    res.writeHead(302, { location: "/ui/overview" }).end();
    return true;
  }
  if (!pathname.startsWith("/ui/")) return false;
  uiBundle().then(
    (bundle) => {
      if (pathname.startsWith("/ui/assets/")) {
        const name = pathname.slice("/ui/assets/".length);
        const a = bundle.files.get(name);
        if (a === undefined) return void res.writeHead(404, { "content-type": "text/plain" }).end(`no asset ${name}\n`);
        return sendAsset(req, res, a, "public, max-age=31536000, immutable");
      }
      const name = pathname.slice("/ui/".length);
      if (!PAGE_IDS.includes(name)) return void res.writeHead(404, { "content-type": "text/plain" }).end(`no page ${name}; pages: ${PAGE_IDS.join(", ")}\n`);
      sendAsset(req, res, htmlAsset(bundle), "no-cache");
    },
    (error: unknown) => {
      res.writeHead(503, { "content-type": "text/plain" }).end(`the web app is not available: ${error instanceof Error ? error.message : String(error)}\n`);
    },
  );
  return true;
}
