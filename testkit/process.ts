import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

const SOURCES = fileURLToPath(new URL("../cli/main.ts", import.meta.url));

export interface KceProcess {
  readonly pid: number;
  readonly output: () => string;
  /** SIGKILL: no shutdown hooks, no final flush. */
  kill9(): Promise<void>;
  /** SIGTERM and wait for a clean exit. */
  stop(): Promise<number | null>;
}

/** Runs `kce <args>` as a child process with this Node; output is kept for diagnostics. */
/** Runs `kce` (from its sources, or `main`: the built dist/main.js) as a child process. */
export function spawnKce(args: string[], env: Record<string, string> = {}, nodeArgs: string[] = [], main: string = SOURCES): KceProcess {
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, main, ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr?.on("data", (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const reap = () => child.kill("SIGKILL");
  process.once("exit", reap);
  void exited.then(() => process.off("exit", reap));
  return {
    pid: child.pid ?? -1,
    output: () => output,
    kill9: async () => {
      child.kill("SIGKILL");
      await exited;
    },
    stop: async () => {
      child.kill("SIGTERM");
      return exited;
    },
  };
}
