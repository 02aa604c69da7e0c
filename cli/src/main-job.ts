/**
 * The main job: the gammapy.cube documentation's combined reduction chain as a graph
 * (graphs/combined-chain.json) on the bundled H.E.S.S. Crab runs — cutouts of 6°,
 * MapDatasetMaker, SafeMaskMaker(aeff-default, offset-max 3°), stacking — printing the stacked
 * dataset and writing out/stacked.fits.gz. The same as `gammaflow run graphs/combined-chain.json`.
 */
import path from "node:path";
import { formatReport } from "./report.js";
import { REPO_ROOT, runGraphFile } from "./run-graph.js";

const report = await runGraphFile(path.join(REPO_ROOT, "graphs", "combined-chain.json"), {
  outDir: path.join(REPO_ROOT, "out"),
});
console.log(formatReport(report));
if (report.skipped.length || report.cancelled) process.exitCode = 1;
