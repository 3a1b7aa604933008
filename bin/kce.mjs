#!/usr/bin/env node
// `kce`: the kube-cost-exporter command (see cli/main.ts).
import { launch } from "./launch.mjs";

await launch("cli/main.ts");
