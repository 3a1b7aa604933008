import { useLayoutEffect, useState } from "preact/hooks";

/** The API answered with an error (its message says which parameter or what went wrong). */
export class ApiError extends Error {
  override readonly name = "ApiError";
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

interface Envelope<T> {
  code: number;
  data?: T;
  message?: string;
  warning?: string;
}

/** GET a JSON endpoint of the API (same origin, so the browser's credentials go with it). */
export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const res = await fetch(path, { headers: { accept: "application/json" }, credentials: "same-origin", ...(signal === undefined ? {} : { signal }) });
  const text = await res.text();
  let body: Envelope<T>;
  try {
    body = JSON.parse(text) as Envelope<T>;
  } catch {
    throw new ApiError(res.status, `${path}: HTTP ${res.status}: ${text.slice(0, 200)}`);
  }
  if (!res.ok || body.data === undefined) throw new ApiError(res.status, body.message ?? `${path}: HTTP ${res.status}`);
  return body.data;
}

export interface Loaded<T> {
  data: T | undefined;
  error: string | undefined;
  loading: boolean;
}

/**
 * Fetches `path` (null = nothing to fetch) and again whenever `version` changes (a live update). On a
 * live update the previous answer stays on screen while the next one loads, so figures change in place;
 * a different `path` (another window, aggregate or filter) shows nothing until its own answer arrives,
 * never the previous query's rows under the new query's headings.
 */
export function useApi<T>(path: string | null, version: number): Loaded<T> {
  const [state, setState] = useState<Loaded<T> & { path: string | null }>({ data: undefined, error: undefined, loading: path !== null, path });
  // A layout effect starts the request right after render; a plain effect waits for the next paint
  // (Preact schedules those after requestAnimationFrame), 100–300 ms later on a cold page.
  useLayoutEffect(() => {
    if (path === null) return;
    const abort = new AbortController();
    setState((s) => (s.path === path ? { ...s, loading: true } : { data: undefined, error: undefined, loading: true, path }));
    getJson<T>(path, abort.signal).then(
      (data) => setState({ data, error: undefined, loading: false, path }),
      (error: unknown) => {
        if (abort.signal.aborted) return;
        setState((s) => ({ data: s.path === path ? s.data : undefined, error: error instanceof Error ? error.message : String(error), loading: false, path }));
      },
    );
    return () => abort.abort();
  }, [path, version]);
  // Until the effect has run for a new path, the state still holds the old path's answer.
  return state.path === path ? state : { data: undefined, error: undefined, loading: true };
}
