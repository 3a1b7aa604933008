import { useEffect, useState } from "preact/hooks";

export interface LiveState {
  /** Bumped when the API holds newer data; pages refetch on it. */
  version: number;
  /** When the API last received data (ms), shown as "as of". */
  asOfMs: number;
  connected: boolean;
}

/** Least time between two refetches, however often windows arrive. */
const MIN_REFRESH_MS = 2000;

/** Follows the API's server-sent events (`/events`): a new rollup revision or new prices. */
export function useLive(): LiveState {
  const [state, setState] = useState<LiveState>({ version: 0, asOfMs: 0, connected: false });
  useEffect(() => {
    const source = new EventSource("/events");
    let last = 0;
    let timer: number | undefined;
    let asOf = 0;
    const bump = () => {
      timer = undefined;
      last = Date.now();
      setState((s) => ({ version: s.version + 1, asOfMs: asOf, connected: true }));
    };
    const onData = (e: MessageEvent<string>) => {
      const data = JSON.parse(e.data) as { asOfMs?: number };
      asOf = Math.max(asOf, data.asOfMs ?? 0);
      if (e.type === "hello") return setState((s) => ({ ...s, asOfMs: asOf, connected: true }));
      if (timer !== undefined) return;
      timer = window.setTimeout(bump, Math.max(0, last + MIN_REFRESH_MS - Date.now()));
    };
    source.addEventListener("hello", onData);
    source.addEventListener("rollup", onData);
    source.addEventListener("prices", onData);
    source.onerror = () => setState((s) => ({ ...s, connected: false }));
    return () => {
      source.close();
      if (timer !== undefined) clearTimeout(timer);
    };
  }, []);
  return state;
}
