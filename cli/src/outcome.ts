import type { RunReport, ValidatedGraph } from "@gammaflow/pipeline";
import { SIGNAL_EXIT_CODES, type StopSignal } from "./interrupts.js";

/** Exit codes of `gammaflow run` and `npm start` (documented in the README). */
export const EXIT_CODES = {
  /** Every run used, every output written. */
  ok: 0,
  /** The graph or a node failed (an error message says why). */
  failed: 1,
  usage: 2,
  /** The run ended, but its result is incomplete: runs skipped, an output failed, or nothing selected. */
  incomplete: 3,
} as const;

export interface RunOutcome {
  exitCode: number;
  /** Why the exit code is not 0, one sentence each. */
  problems: string[];
  /** The signal that interrupted the run. */
  interrupted?: StopSignal;
}

/** Kinds of message that mean a node wrote something: its failures are failed outputs. */
const WRITTEN_KINDS = ["file", "events-file"];

/**
 * The exit code of a run and why. An error record that names no observation (a stack, its maps,
 * a fit) or comes from a node that writes files is a failed output; the others are skipped runs,
 * which `allowSkipped` accepts. A graph with observation sources that used none selected
 * nothing (a misspelt target) or lost every run. A signal decides the code: 130 for SIGINT,
 * 143 for SIGTERM.
 */
export function runOutcome(
  report: RunReport,
  graph: ValidatedGraph,
  options: { allowSkipped?: boolean; interrupted?: StopSignal } = {},
): RunOutcome {
  const writers = new Set(graph.nodes.filter((n) => n.emits.some((k) => WRITTEN_KINDS.includes(k))).map((n) => n.id));
  const failedOutput = (s: RunReport["skipped"][number]) => s.obsId === undefined || writers.has(s.node);
  const skippedRuns = report.skipped.filter((s) => !failedOutput(s));
  const problems: string[] = [];
  const { interrupted } = options;
  if (interrupted) {
    const written = !report.outputs.length
      ? "nothing was written"
      : report.outputs.some((o) => o.partial)
        ? "the outputs hold only the runs taken until then (named *.partial.*)"
        : "the outputs were complete when it came";
    problems.push(`interrupted by ${interrupted}: ${written}`);
  }
  for (const s of report.skipped.filter(failedOutput)) problems.push(`output failed at node '${s.node}': ${s.reason}`);
  if (skippedRuns.length && !options.allowSkipped) {
    const ids = skippedRuns.map((s) => s.obsId).join(", ");
    problems.push(`${skippedRuns.length} run(s) skipped (${ids}); --allow-skipped accepts a result without them`);
  }
  const sources = graph.nodes.filter((n) => n.definition.input.length === 0 && n.emits.includes("observation"));
  if (sources.length && !report.used.length) {
    const selections = sources.map((n) => {
      const params = graph.graph.nodes.find((g) => g.id === n.id)?.params;
      return `'${n.id}' (${n.plugin}${params ? ` ${JSON.stringify(params)}` : ""})`;
    });
    problems.push(
      skippedRuns.length
        ? "no observation was used: every run was skipped"
        : `no observation was used: ${selections.join(", ")} provided none`,
    );
  }
  const exitCode = interrupted
    ? SIGNAL_EXIT_CODES[interrupted]
    : problems.length
      ? EXIT_CODES.incomplete
      : EXIT_CODES.ok;
  return { exitCode, problems, ...(interrupted && { interrupted }) };
}
