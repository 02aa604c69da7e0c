import path from "node:path";
import { ConsoleLogger, MemoryLogger, type RunReport } from "@gammaflow/pipeline";
import type { Interrupts } from "./interrupts.js";
import { EXIT_CODES, runOutcome, type RunOutcome } from "./outcome.js";
import { ProgressBar } from "./progress-bar.js";
import { formatReport } from "./report.js";
import { loadGraph, runLoadedGraph, type LoadedGraph } from "./run-graph.js";
import { writeRunReport } from "./run-report.js";

export interface RunCommandOptions {
  sets?: string[];
  plugins?: string[];
  /** Folders index paths may lead into beyond their store's (--allow-root). */
  allowRoots?: string[];
  outDir?: string;
  workers?: number | "auto";
  executor?: string;
  redis?: string;
  json?: boolean;
  referencePaths?: boolean;
  /** Exit 0 even when runs were skipped (failed outputs and empty selections still count). */
  allowSkipped?: boolean;
  /** Also write the run report page, report.html, in the output folder (see `writeRunReport`). */
  report?: boolean;
}

/**
 * Run a graph file under the process's signal handling (`gammaflow run` and `npm start`): print
 * the report (JSON with `--json`), write it as a page with `report`, and return the exit code,
 * which says whether the result is complete (see `runOutcome`).
 */
export async function runCommand(graph: string, options: RunCommandOptions, interrupts: Interrupts): Promise<number> {
  const { json = false } = options;
  const loaded = await loadGraph(graph, options);
  // a bar on a terminal, a plain line every 10 s elsewhere; --json prints nothing but its report
  const bar = json ? undefined : new ProgressBar(process.stderr, { nodes: loaded.validated.nodes.map((n) => n.id) });
  const memory = json ? new MemoryLogger() : undefined;
  const logger = memory ?? bar!.logger(new ConsoleLogger());
  const signals = interrupts.startRun();
  let report: RunReport;
  try {
    report = await runLoadedGraph(loaded, {
      ...options,
      progress: bar,
      logger,
      signal: signals.cancel,
      finish: signals.finish,
    });
    // a signal during the final write counts: it is handled before the exit code is decided
    await interrupts.settle();
  } finally {
    bar?.clear();
    signals.end();
  }
  const outcome = runOutcome(report, loaded.validated, {
    allowSkipped: options.allowSkipped,
    interrupted: interrupts.received,
  });
  if (options.report) reportPage(report, outcome, loaded, graph, options.outDir);
  if (json) {
    const { results: _results, finals, ...rest } = report;
    const summary = {
      ...rest,
      cancelled: report.cancelled || Boolean(outcome.interrupted),
      finals: finals.map((f) => ({ name: f.dataset.name, obsIds: f.obsIds })),
      ...outcome,
      log: memory!.lines,
    };
    console.log(JSON.stringify(summary, null, 2));
  } else {
    console.log(formatReport(report, outcome));
  }
  return outcome.exitCode;
}

/**
 * Write the run report page, unless the run was cancelled (nothing more is written then); a page
 * that cannot be written is a failed output, and makes the outcome incomplete.
 */
function reportPage(report: RunReport, outcome: RunOutcome, loaded: LoadedGraph, graph: string, outDir = "out"): void {
  if (report.cancelled && !report.partial) return;
  try {
    writeRunReport(report, outcome, loaded, graph, path.resolve(outDir));
  } catch (error) {
    outcome.problems.push(`output failed: the run report: ${(error as Error).message}`);
    if (outcome.exitCode === EXIT_CODES.ok) outcome.exitCode = EXIT_CODES.incomplete;
  }
}
