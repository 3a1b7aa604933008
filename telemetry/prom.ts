/**
 * prom-client's metric classes without its index: `import "prom-client"` also loads its cluster aggregator
 * (node:cluster, and with it child_process and net), the Pushgateway client (http, https, url) and the default
 * process metrics — +10 MB of RSS in a bare Node 24 under `--lite-mode`, against +0.6 MB for these four files.
 * Every agent on every node pays for that, so the code imports the classes from here. Same classes, same API.
 */
import type * as Prom from "prom-client";
import counter from "prom-client/lib/counter.js";
import gauge from "prom-client/lib/gauge.js";
import registry from "prom-client/lib/registry.js";
import summary from "prom-client/lib/summary.js";

export const Registry: typeof Prom.Registry = registry;
export type Registry = Prom.Registry;
export const Counter: typeof Prom.Counter = counter;
export type Counter<T extends string = string> = Prom.Counter<T>;
export const Gauge: typeof Prom.Gauge = gauge;
export type Gauge<T extends string = string> = Prom.Gauge<T>;
export const Summary: typeof Prom.Summary = summary;
export type Summary<T extends string = string> = Prom.Summary<T>;
