// Shared launcher of the package's executables: the code is TypeScript run by Node's type
// stripping (Node >= 22.18 / 23.6). On an older Node (e.g. Debian's Node 20) it re-runs itself under
// the Node 24 this package pins as a devDependency, so the commands work from any shell.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Runs `entry` (relative to the package root), whose module exports main(argv) → exit code. */
export async function launch(entry) {
  const file = join(root, entry);
  const [major, minor] = process.versions.node.split(".").map(Number);
  const canStrip = major > 23 || (major === 23 && minor >= 6) || (major === 22 && minor >= 18);
  if (canStrip) {
    const { main } = await import(pathToFileURL(file).href);
    process.exit(await main(process.argv.slice(2)));
  }
  const pinned = join(root, "node_modules", "node", "bin", "node");
  if (!existsSync(pinned)) {
    process.stderr.write(`this command needs Node >= 22.18 (this is ${process.version}); run 'npm install' in ${root} to get the pinned Node 24.\n`);
    process.exit(1);
  }
  const result = spawnSync(pinned, [join(root, "bin", "run.mjs"), entry, ...process.argv.slice(2)], { stdio: "inherit" });
  process.exit(result.status ?? 1);
}
