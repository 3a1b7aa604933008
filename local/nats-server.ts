import { spawn, type ChildProcess } from "node:child_process";
import { accessSync, constants, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { freePort } from "./ports.ts";

/** nats-server is not installed (or not where we were told). */
export class NatsServerMissingError extends Error {
  override readonly name = "NatsServerMissingError";
  constructor(tried: string[]) {
    super(
      `nats-server not found (looked in ${tried.join(", ")}). Install it with\n` +
        "  sudo apt-get update && sudo apt-get install -y nats-server\n" +
        "or pass its path with --nats-server-bin / KCE_NATS_SERVER_BIN.",
    );
  }
}

/** nats-server exited or did not become ready. */
export class NatsServerStartError extends Error {
  override readonly name = "NatsServerStartError";
}

/** Finds the nats-server binary: explicit path, $KCE_NATS_SERVER_BIN, $PATH, then /usr/sbin (Debian). */
export function findNatsServer(explicit?: string): string {
  const candidates = [explicit, process.env["KCE_NATS_SERVER_BIN"]].filter((c): c is string => c !== undefined && c !== "");
  const dirs = [...(process.env["PATH"] ?? "").split(delimiter), "/usr/sbin", "/usr/local/sbin", "/usr/local/bin"];
  const tried = candidates.length > 0 ? candidates : dirs.map((d) => join(d, "nats-server"));
  for (const path of tried) {
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      continue;
    }
  }
  throw new NatsServerMissingError(candidates.length > 0 ? candidates : ["$PATH", "/usr/sbin", "/usr/local/sbin"]);
}

export interface NatsServerOptions {
  bin?: string;
  port?: number;
  /** JetStream store directory; a new temp dir (removed on stop) when absent. */
  storeDir?: string;
  /** Extra command-line arguments, or a config file via ["-c", path]. */
  args?: string[];
  readyTimeoutMs?: number;
}

export interface NatsServerHandle {
  readonly url: string;
  readonly port: number;
  readonly storeDir: string;
  pid(): number | undefined;
  /** Graceful stop (SIGTERM, then SIGKILL after 5 s). Removes a temp store unless keepStore. */
  stop(options?: { keepStore?: boolean }): Promise<void>;
  /** Starts it again on the same port and store (after stop({ keepStore: true })). */
  restart(): Promise<void>;
}

function waitReady(child: ChildProcess, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let log = "";
    const timer = setTimeout(() => reject(new NatsServerStartError(`nats-server not ready after ${timeoutMs} ms:\n${log.slice(-2000)}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes("Server is ready")) {
        clearTimeout(timer);
        child.stderr?.off("data", onData);
        child.stderr?.resume();
        resolve();
      }
    };
    child.stderr?.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new NatsServerStartError(`nats-server exited with code ${code}:\n${log.slice(-2000)}`));
    });
  });
}

/** Starts a JetStream-enabled nats-server child on 127.0.0.1 (a free port unless given). */
export async function startNatsServer(options: NatsServerOptions = {}): Promise<NatsServerHandle> {
  const bin = findNatsServer(options.bin);
  const port = options.port ?? (await freePort());
  const ownStore = options.storeDir === undefined;
  const storeDir = options.storeDir ?? mkdtempSync(join(tmpdir(), "kce-nats-"));
  let child: ChildProcess | undefined;
  const launch = async () => {
    const args = options.args?.includes("-c") === true ? options.args : ["-a", "127.0.0.1", "-p", String(port), "-js", "-sd", storeDir, ...(options.args ?? [])];
    const proc = spawn(bin, args, { stdio: ["ignore", "ignore", "pipe"] });
    child = proc;
    // Never leave a server behind if this process exits without stopping it.
    const reap = () => proc.kill("SIGKILL");
    process.once("exit", reap);
    proc.once("exit", () => process.off("exit", reap));
    await waitReady(proc, options.readyTimeoutMs ?? 15_000);
  };
  const stopChild = async () => {
    const proc = child;
    if (proc === undefined || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
    proc.kill("SIGTERM");
    const timer = setTimeout(() => proc.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
  };
  await launch();
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    storeDir,
    pid: () => child?.pid,
    stop: async ({ keepStore = false } = {}) => {
      await stopChild();
      if (ownStore && !keepStore) rmSync(storeDir, { recursive: true, force: true });
    },
    restart: async () => {
      await stopChild();
      await launch();
    },
  };
}
