import type { RunReport } from "@gammaflow/pipeline";

/** The end-of-run report for people: observations used and skipped (with causes), files written. */
export function formatReport(report: RunReport): string {
  const lines = [
    `\n${report.graph}: ${report.cancelled ? "cancelled" : "done"} in ${(report.durationMs / 1000).toFixed(1)} s`,
  ];
  lines.push(
    `  used ${report.used.length} observation${report.used.length === 1 ? "" : "s"}` +
      `${report.used.length ? `: ${report.used.join(", ")}` : ""}`,
  );
  if (report.skipped.length) {
    lines.push(`  skipped ${report.skipped.length}:`);
    for (const s of report.skipped) lines.push(`    ${s.obsId ?? "-"} at ${s.node}: ${s.reason}`);
  }
  for (const o of report.outputs) lines.push(`  wrote ${o.path} (${o.description})`);
  return lines.join("\n");
}
