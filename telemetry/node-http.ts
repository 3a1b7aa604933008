/**
 * `node:http`, loaded as CommonJS. An ES import of `node:http` builds a namespace of every export, which runs the
 * module's lazy getters for the WebSocket classes and so loads Node's bundled undici (with http2, web streams and
 * worker threads): +11 MB of RSS in a bare Node 24 (`--lite-mode`: 44.5 → 55.7 MB), for a client nobody here
 * uses. `require` reads only the properties asked for. Import the values from here; types from `node:http`.
 */
import { createRequire } from "node:module";

const http = createRequire(import.meta.url)("node:http") as typeof import("node:http");

export const createServer = http.createServer;
export const request = http.request;
export const Agent = http.Agent;
export type Agent = import("node:http").Agent;
