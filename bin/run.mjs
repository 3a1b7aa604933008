// Entry used by launch.mjs when it re-runs under the pinned Node: run.mjs <entry> [args...].
import { launch } from "./launch.mjs";

const [entry] = process.argv.splice(2, 1);
await launch(entry);
