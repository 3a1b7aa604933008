// Regenerates the config tables in README.md and the component READMEs from the config schema
// (`npm run docs`). A test fails when a README's table is out of date.
import { readFileSync, writeFileSync } from "node:fs";
import { renderConfigBlocks } from "../config/docs.ts";
import { DOCUMENTED_FILES } from "./documented-files.ts";

let changed = 0;
for (const file of DOCUMENTED_FILES) {
  const before = readFileSync(file, "utf8");
  const after = renderConfigBlocks(before);
  if (after !== before) {
    writeFileSync(file, after);
    changed += 1;
    console.log(`updated ${file}`);
  }
}
console.log(changed === 0 ? "config tables are up to date" : `${changed} file(s) updated`);
