import { accessSync, constants, existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "../local/ports.ts";
import { tempDir } from "./tempdir.ts";
import { spawnServer, waitHttpReady, type ServerProcess } from "./server-process.ts";

const BINARIES = ["/usr/bin/clickhouse-server", "/usr/sbin/clickhouse-server", "/usr/bin/clickhouse"];
const CONFIG = "/etc/clickhouse-server/config.xml";

/** clickhouse-server is missing: the test kit installs nothing itself (.ci/run does). */
export class ClickHouseMissingError extends Error {
  override readonly name = "ClickHouseMissingError";
}

export interface ClickHouseHandle {
  readonly url: string;
  readonly httpPort: number;
  stop(): Promise<void>;
  /** Starts it again on the same ports and data directory. */
  start(): Promise<void>;
}

function findBinary(): string {
  for (const path of BINARIES) {
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      continue;
    }
  }
  throw new ClickHouseMissingError("clickhouse-server not found; install it with: sudo apt-get install -y clickhouse-server (scripts/setup.sh does)");
}

/** Starts a private clickhouse-server (Debian's package config, our ports, a temp data dir). */
export async function startClickHouse(): Promise<ClickHouseHandle> {
  const bin = findBinary();
  if (!existsSync(CONFIG)) throw new ClickHouseMissingError(`${CONFIG} not found; install clickhouse-server`);
  const dir = tempDir("kce-clickhouse-");
  for (const sub of ["data", "tmp", "user_files", "format_schemas"]) mkdirSync(join(dir, sub), { recursive: true });
  const [httpPort, tcpPort, interPort] = [await freePort(), await freePort(), await freePort()];
  const url = `http://127.0.0.1:${httpPort}`;
  let server: ServerProcess | undefined;
  const start = async () => {
    server = spawnServer(bin, [
      `--config-file=${CONFIG}`, "--",
      `--http_port=${httpPort}`, `--tcp_port=${tcpPort}`, `--interserver_http_port=${interPort}`, "--listen_host=127.0.0.1",
      `--path=${dir}/data/`, `--tmp_path=${dir}/tmp/`, `--user_files_path=${dir}/user_files/`, `--format_schema_path=${dir}/format_schemas/`,
      `--logger.log=${dir}/server.log`, `--logger.errorlog=${dir}/error.log`, "--logger.console=0",
    ], dir);
    await waitHttpReady("clickhouse-server", `${url}/ping`, server, 30_000);
  };
  const stop = async () => {
    await server?.stop();
  };
  await start();
  return { url, httpPort, stop, start };
}
