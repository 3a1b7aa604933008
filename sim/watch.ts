import type { ServerResponse } from "node:http";
import type { ResourceInfo } from "./discovery.ts";
import type { Predicate } from "./selectors.ts";
import type { World, WorldEvent } from "./world.ts";

const BOOKMARK_EVERY_MS = 10_000;

/**
 * Streams watch events as newline-delimited JSON. With `resourceVersion` N the stream resumes
 * after N (or answers 410 Gone if N has left the history); without it (or with 0) it first sends
 * the current objects as ADDED. Honors `timeoutSeconds` and `allowWatchBookmarks`.
 */
export function watchStream(world: World, info: ResourceInfo, matches: Predicate, params: URLSearchParams, res: ServerResponse): void {
  res.writeHead(200, { "content-type": "application/json", "transfer-encoding": "chunked", "cache-control": "no-cache" });
  res.flushHeaders();
  const write = (type: string, object: unknown): void => {
    res.write(JSON.stringify({ type, object }) + "\n");
  };
  const rvParam = params.get("resourceVersion");
  const from = rvParam === null || rvParam === "" || rvParam === "0" ? undefined : Number(rvParam);
  if (from === undefined) {
    for (const o of world.list(info.resource).filter(matches)) write("ADDED", o);
  } else {
    const backlog = world.eventsSince(from);
    if (backlog === "gone") {
      write("ERROR", { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: `too old resource version: ${from}`, reason: "Expired", code: 410 });
      res.end();
      return;
    }
    for (const e of backlog) if (e.resource === info.resource && matches(e.object)) write(e.type, e.object);
  }
  const unsubscribe = world.onEvent((e: WorldEvent) => {
    if (e.resource === info.resource && matches(e.object)) write(e.type, e.object);
  });
  const timers: NodeJS.Timeout[] = [];
  if (params.get("allowWatchBookmarks") === "true") {
    timers.push(
      setInterval(() => {
        write("BOOKMARK", { kind: info.kind, apiVersion: info.group === "" ? info.version : `${info.group}/${info.version}`, metadata: { resourceVersion: String(world.resourceVersion) } });
      }, BOOKMARK_EVERY_MS),
    );
  }
  const timeout = Number(params.get("timeoutSeconds") ?? "0");
  if (timeout > 0) timers.push(setTimeout(() => res.end(), timeout * 1000));
  res.on("close", () => {
    unsubscribe();
    for (const t of timers) clearTimeout(t);
  });
}
