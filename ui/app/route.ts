/** Where the app is: its page and the page's state, all in the URL (so links can be shared). */
export interface Route {
  page: string;
  params: URLSearchParams;
}

export function currentRoute(): Route {
  const page = location.pathname.replace(/^\/ui\/?/, "").split("/")[0] || "overview";
  return { page, params: new URLSearchParams(location.search) };
}

export function href(page: string, params?: Record<string, string | undefined> | URLSearchParams): string {
  const q = new URLSearchParams();
  if (params instanceof URLSearchParams) params.forEach((v, k) => q.set(k, v));
  else for (const [k, v] of Object.entries(params ?? {})) if (v !== undefined && v !== "") q.set(k, v);
  const s = q.toString();
  return `/ui/${page}${s === "" ? "" : `?${s}`}`;
}

let listener: (() => void) | undefined;

export function onNavigate(f: () => void): void {
  listener = f;
  addEventListener("popstate", f);
}

/** Moves to a URL of the app without reloading the page (history entry added, or replaced). */
export function navigate(url: string, replace = false): void {
  if (replace) history.replaceState(null, "", url);
  else history.pushState(null, "", url);
  listener?.();
}

/** Click handler for in-app links: plain clicks navigate in place; modified clicks open as the browser does. */
export function linkClick(e: MouseEvent): void {
  const a = (e.target as Element | null)?.closest("a");
  if (a === null || a === undefined || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey || a.target !== "" || a.hasAttribute("download")) return;
  const url = new URL(a.href);
  if (url.origin !== location.origin || !url.pathname.startsWith("/ui/")) return;
  e.preventDefault();
  navigate(url.pathname + url.search);
}
