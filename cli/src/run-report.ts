import { mkdirSync } from "node:fs";
import path from "node:path";
import { writeFileAtomic } from "@gammaflow/core/node";
import { partialName, type RunReport } from "@gammaflow/pipeline";
import type { RunOutcome } from "./outcome.js";
import { runFigures } from "./report-figures.js";
import { reportPage } from "./report-page.js";
import type { LoadedGraph } from "./run-graph.js";

/** The run report's name in the output folder (`report.partial.html` for a run that finished early). */
export const REPORT_FILE = "report.html";

/**
 * Write the run report page (`gammaflow run --report`) into `outDir`, as every output is written
 * (aside, then renamed), and list it in the report's outputs. Returns its path.
 */
export function writeRunReport(
  report: RunReport,
  outcome: RunOutcome,
  loaded: LoadedGraph,
  graphFile: string,
  outDir: string,
): string {
  const { stacks, fits } = runFigures(loaded.validated, report.finals, report.results);
  const file = path.join(outDir, report.partial ? partialName(REPORT_FILE) : REPORT_FILE);
  const page = reportPage({
    report,
    outcome,
    validated: loaded.validated,
    graphFile,
    outDir,
    stacks,
    fits,
    createdAt: new Date(),
  });
  mkdirSync(outDir, { recursive: true });
  writeFileAtomic(file, page);
  report.outputs.push({ path: file, description: "run report (HTML)", ...(report.partial && { partial: true }) });
  return file;
}
