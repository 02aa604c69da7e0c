import type { RunReport } from "@gammaflow/pipeline";
import type { RunOutcome } from "./outcome.js";

/** The end-of-run report for people: observations used and skipped (with causes), files written, problems. */
export function formatReport(report: RunReport, outcome?: RunOutcome): string {
  const state = report.partial ? "finished early" : report.cancelled ? "cancelled" : "done";
  const lines = [`\n${report.graph}: ${state} in ${(report.durationMs / 1000).toFixed(1)} s`];
  lines.push(
    `  used ${report.used.length} observation${report.used.length === 1 ? "" : "s"}` +
      `${report.used.length ? `: ${report.used.join(", ")}` : ""}`,
  );
  if (report.skipped.length) {
    lines.push(`  skipped ${report.skipped.length}:`);
    for (const s of report.skipped) lines.push(`    ${s.obsId ?? "-"} at ${s.node}: ${s.reason}`);
  }
  for (const o of report.outputs) lines.push(`  wrote ${o.path} (${o.description}${o.partial ? ", partial" : ""})`);
  if (outcome?.problems.length) {
    lines.push(`  exit code ${outcome.exitCode}:`);
    for (const p of outcome.problems) lines.push(`    ${p}`);
  }
  return lines.join("\n");
}
