/**
 * The main job: the gammapy.cube documentation's combined reduction chain as a graph
 * (graphs/combined-chain.json) on the bundled H.E.S.S. Crab runs — cutouts of 6°,
 * MapDatasetMaker, SafeMaskMaker(aeff-default, offset-max 3°), stacking — printing the stacked
 * dataset and writing out/stacked.fits.gz. The same as `gammaflow run graphs/combined-chain.json
 * --out out`, with the same signal handling and exit codes; `npm start -- --report` also writes
 * out/report.html (`gammaflow run --report`).
 */
import path from "node:path";
import { Interrupts } from "./interrupts.js";

const interrupts = new Interrupts().install();
const { REPO_ROOT } = await import("./run-graph.js");
const { runCommand } = await import("./run-command.js");
let code: number;
try {
  code = await runCommand(
    path.join(REPO_ROOT, "graphs", "combined-chain.json"),
    { outDir: path.join(REPO_ROOT, "out"), report: process.argv.includes("--report") },
    interrupts,
  );
} catch (e) {
  console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
  code = 1;
}
process.exit(code);
