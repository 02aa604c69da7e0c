// Run every benchmark in this folder, one after the other (they compare against the reference
// implementation run in the same session, so ratios are meaningful on this machine).
import { readdirSync } from "node:fs";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const skip = new Set(["run.mjs", "common.mjs", "matrix-cases.mjs"]);
for (const file of readdirSync(here)
  .filter((f) => f.endsWith(".mjs") && !skip.has(f))
  .sort()) {
  console.log(`\n== ${file}`);
  const r = spawnSync(process.execPath, [path.join(here, file)], { stdio: "inherit" });
  if (r.status !== 0) process.exitCode = 1;
}
