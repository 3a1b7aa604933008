import { builtinScenario, loadScenario } from "../../sim/scenario.ts";
import { startSim } from "../../sim/server.ts";
import { numberOption, stringOption } from "../args.ts";
import type { Command } from "../command.ts";
import { waitForSignal } from "../lifecycle.ts";

export const simCommand: Command = {
  name: "sim",
  summary: "serve a simulated cluster's Kubernetes API (nodes, pods, PVs, kubelet stats) from a scenario",
  usage: "kce sim [--scenario FILE] [--port PORT]",
  details: "kubectl works against it:  kubectl --server http://127.0.0.1:PORT get pods -A -o wide",
  options: [
    { name: "scenario", value: "FILE", description: "scenario YAML (default: the built-in demo cluster)" },
    { name: "host", value: "HOST", description: "listen address (default 127.0.0.1)" },
    { name: "port", value: "PORT", description: "listen port (default 8001; 0 = any free port)" },
    { name: "help", short: "h", description: "show this help" },
  ],
  run: async (args) => {
    const scenario = loadScenario(stringOption(args, "scenario") ?? builtinScenario("demo"));
    const sim = await startSim({ scenario, host: stringOption(args, "host") ?? "127.0.0.1", port: numberOption(args, "port", 0, 65535) ?? 8001 });
    process.stdout.write(`simulated cluster "${scenario.cluster}" at ${sim.url}\n  kubectl --server ${sim.url} get nodes\n`);
    await waitForSignal();
    await sim.close();
    return 0;
  },
};
