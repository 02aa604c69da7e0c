/**
 * The main job: the gammapy.cube documentation's combined reduction chain as a graph
 * (graphs/combined-chain.json) on the bundled H.E.S.S. Crab runs — cutouts of 6°,
 * MapDatasetMaker, SafeMaskMaker(aeff-default, offset-max 3°), stacking — printing the stacked
 * dataset and writing out/stacked.fits.gz. The same as `gammaflow run graphs/combined-chain.json
 * --out out`, with the same signal handling and exit codes; `npm start -- --report` also writes
 * out/report.html (`gammaflow run --report`).
 */
import path from "node:path";
import type { Interrupts } from "./interrupts.js";
import { runCommand } from "./run-command.js";
import { REPO_ROOT } from "./run-graph.js";

/** Run the main job (`argv`: the process's arguments after the script); returns the exit code. */
export async function runMainJob(argv: readonly string[], interrupts: Interrupts): Promise<number> {
  try {
    return await runCommand(
      path.join(REPO_ROOT, "graphs", "combined-chain.json"),
      { outDir: path.join(REPO_ROOT, "out"), report: argv.includes("--report") },
      interrupts,
    );
  } catch (e) {
    console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}
