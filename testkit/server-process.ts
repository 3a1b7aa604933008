import { spawn, type ChildProcess } from "node:child_process";

/** A server process a test started: stopped by its PID, killed if the test process exits first. */
export interface ServerProcess {
  readonly child: ChildProcess;
  /** Why it is no longer running (could not start, exited), or undefined while it runs. */
  failure(): string | undefined;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

export function spawnServer(bin: string, args: string[], cwd: string): ServerProcess {
  const child = spawn(bin, args, { stdio: "ignore", cwd });
  let spawnError: Error | undefined;
  child.once("error", (error) => (spawnError = error));
  const reap = () => child.kill("SIGKILL");
  process.once("exit", reap);
  child.once("exit", () => process.off("exit", reap));
  return {
    child,
    failure: () => {
      if (spawnError !== undefined) return `could not start ${bin}: ${spawnError.message}`;
      if (child.exitCode !== null || child.signalCode !== null) return `${bin} exited (${child.exitCode ?? child.signalCode})`;
      return undefined;
    },
    stop: async (graceMs = 10_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((r) => child.once("exit", () => r()));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Polls `url` until it answers 2xx, failing early when the process exits. */
export async function waitHttpReady(name: string, url: string, server: ServerProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const failure = server.failure();
    if (failure !== undefined) throw new Error(`${name}: ${failure}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${name} not ready after ${timeoutMs} ms (${url})`);
}
