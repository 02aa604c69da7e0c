import path from "node:path";
import type { ParameterRow } from "@gammaflow/core";
import type { NodeTiming, RunReport, ValidatedGraph } from "@gammaflow/pipeline";
import { Html, hrefTo, html, trusted } from "./html.js";
import type { RunOutcome } from "./outcome.js";
import type { FitFigures, FluxPointRow, ReportFigure, StackFigures } from "./report-figures.js";

/** What the run report page shows: the run, its graph, and the figures made of its results. */
export interface ReportPageInput {
  report: RunReport;
  outcome: RunOutcome;
  validated: ValidatedGraph;
  /** The graph file, as given. */
  graphFile: string;
  /** The output folder the page is written to (links to the outputs are relative to it). */
  outDir: string;
  stacks: StackFigures[];
  fits: FitFigures[];
  createdAt: Date;
}

/**
 * No network at all: no script, styles and images only inline (the figures' rasters are data:
 * URLs). A page that loads nothing can be mailed, archived and opened offline.
 */
export const REPORT_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'";

const STYLE = `
:root { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; line-height: 1.45; color: #222; }
body { margin: 0 auto; max-width: 76rem; padding: 0.75rem; }
h1 { font-size: 1.5rem; margin: 0.5rem 0; overflow-wrap: anywhere; }
h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #ccc; }
h3 { font-size: 1rem; overflow-wrap: anywhere; }
.scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; margin: 0.5rem 0; }
caption { text-align: left; font-weight: 600; padding: 0.25rem 0; }
th, td { padding: 0.25rem 0.5rem; border-bottom: 1px solid #ddd; text-align: left; vertical-align: top; }
td { overflow-wrap: break-word; }
table { min-width: min(100%, 24rem); }
.param { margin: 0; font-family: ui-monospace, monospace; font-size: 0.85rem; overflow-wrap: anywhere; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
pre { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; font-size: 0.85rem; }
summary { cursor: pointer; }
.problems { color: #a40000; }
.figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 26rem), 1fr)); gap: 1rem; }
figure { margin: 0; min-width: 0; }
figure svg { display: block; width: 100%; height: auto; }
figcaption { font-size: 0.85rem; color: #444; }
`;

/** The run report: one HTML file that loads nothing, its user-given text all escaped (see `html`). */
export function reportPage(input: ReportPageInput): string {
  const { report } = input;
  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">
<title>gammaflow run report: ${report.graph}</title>
<style>${trusted(STYLE)}</style>
</head>
<body>
<main>
${summary(input)}
${runs(report)}
${graphSection(input.validated, input.graphFile)}
${timings(report.timings)}
${stacks(input.stacks)}
${fits(input.fits)}
${outputs(report, input.outDir)}
</main>
</body>
</html>
`;
  return page.text;
}

function summary({ report, outcome, validated, createdAt }: ReportPageInput): Html {
  const state = report.partial ? "finished early" : report.cancelled ? "cancelled" : "done";
  return html`<header>
<h1>${report.graph}</h1>
${validated.graph.description && html`<p>${validated.graph.description}</p>`}
<p id="status">${state} in ${seconds(report.durationMs)} s · exit code ${outcome.exitCode} ·
${report.used.length} run(s) used, ${report.skipped.length} skipped ·
<time datetime="${createdAt.toISOString()}">${createdAt.toISOString()}</time></p>
${problems(outcome.problems)}
</header>`;
}

function problems(list: string[]): Html {
  return html`${list.length > 0 && html`<ul class="problems">${list.map((p) => html`<li>${p}</li>`)}</ul>`}`;
}

function runs(report: RunReport): Html {
  const stacks = (id: number) => report.finals.filter((f) => f.obsIds.includes(id)).map((f) => f.dataset.name);
  const used = report.used.length
    ? table(
        "runs-used",
        "Runs used",
        ["obs id", "in the final dataset(s)"],
        report.used.map((id) => [num(id), stacks(id).join(", ") || "—"]),
      )
    : html`<p>No run was used.</p>`;
  const skipped = report.skipped.length
    ? table(
        "runs-skipped",
        "Runs skipped and outputs failed, with the node and the cause",
        ["obs id", "node", "cause"],
        report.skipped.map((s) => [s.obsId === undefined ? "—" : num(s.obsId), s.node, s.reason]),
      )
    : html`<p>No run was skipped.</p>`;
  return html`<section><h2>Runs</h2>${used}${skipped}</section>`;
}

function graphSection(validated: ValidatedGraph, graphFile: string): Html {
  const written = new Map((validated.graph.nodes ?? []).map((n) => [n.id, n.params]));
  const from = (id: string) => validated.edges.filter((e) => e.to === id).map((e) => e.from);
  const nodes = table(
    "graph-nodes",
    "Nodes, with their params as the graph gives them (after --set)",
    ["node", "plugin", "params", "input from"],
    validated.nodes.map((n) => [n.id, n.plugin, params(written.get(n.id)), from(n.id).join(", ") || "—"]),
  );
  const edges = table(
    "graph-edges",
    "Edges",
    ["from", "to"],
    validated.edges.map((e) => [e.from, e.to]),
  );
  const inputs = validated.graph.inputs;
  return html`<section><h2>Graph</h2>
<p>From <code>${graphFile}</code>: ${validated.nodes.length} nodes, ${validated.edges.length} edges.</p>
${inputs && html`<details><summary>Inputs (target geometry, dataset, data store)</summary>${json(inputs)}</details>`}
${nodes}${edges}</section>`;
}

function timings(list: NodeTiming[]): Html {
  const rows = list.map((t) => [
    t.ranIn ? `${t.node} (in ${t.ranIn}'s workers)` : t.node,
    t.plugin,
    num(t.received),
    num(t.emitted),
    num(t.failed),
    num(seconds(t.busyMs)),
    num(t.tasks),
    num(t.tasks ? seconds(t.taskMs) : "—"),
    num(t.tasks ? (t.taskMs / t.tasks).toFixed(0) : "—"),
    num(t.startMs === undefined ? "—" : `${seconds(t.startMs)}–${seconds(t.endMs ?? t.startMs)}`),
  ]);
  return html`<section><h2>Timings</h2>
<p>Busy: time this process spent in the node's own work (not in the nodes after it; work in worker
threads not included). Per-message work: from the start of each message's work to its result,
added up (waits for workers included; concurrent work can add up to more than the run). A node
"in another's workers" had its work done in that node's worker tasks: its time is theirs.</p>
${table(
  "node-timings",
  "Timings per node",
  [
    "node",
    "plugin",
    "received",
    "emitted",
    "failed",
    "busy (s)",
    "messages worked",
    "work (s)",
    "per message (ms)",
    "active (s from start)",
  ],
  rows,
)}</section>`;
}

function stacks(list: StackFigures[]): Html {
  if (!list.length) return html`<section><h2>Maps</h2><p>The graph made no final dataset (no stack).</p></section>`;
  return html`<section><h2>Maps</h2>${list.map(
    (s) => html`<h3>'${s.dataset}': ${s.obsIds.length} run(s)</h3>
${s.problem && html`<p class="problems">${s.problem}</p>`}
${figureGrid(s.figures)}`,
  )}</section>`;
}

function fits(list: FitFigures[]): Html {
  if (!list.length) return html``;
  return html`<section><h2>Fit</h2>${list.map(
    (f) => html`<h3>Fit of '${f.dataset}': ${f.success ? "converged" : "did not converge"}</h3>
<p>${f.message} · total statistic ${f.totalStat.toFixed(3)} · ${f.nfev} evaluations</p>
${parameterTable(f.parameters)}
${f.fluxPoints.length ? fluxPointTable(f.fluxPoints) : html``}
${f.problem && html`<p class="problems">${f.problem}</p>`}
${figureGrid(f.figures)}`,
  )}</section>`;
}

function parameterTable(parameters: ParameterRow[]): Html {
  return table(
    "fit-parameters",
    "Parameters at the best fit",
    ["model", "type", "name", "value", "error", "unit", "frozen"],
    parameters.map((p) => [
      p.model,
      p.type,
      p.name,
      num(p.value.toPrecision(5)),
      num(p.frozen ? "—" : p.error.toPrecision(3)),
      p.unit,
      p.frozen ? "frozen" : "free",
    ]),
  );
}

function fluxPointTable(points: FluxPointRow[]): Html {
  const e = (v: number) => num(Number.isFinite(v) ? v.toPrecision(3) : "—");
  return table(
    "flux-points",
    "Flux points (energies in TeV, dN/dE in cm⁻² s⁻¹ TeV⁻¹; upper limits at 2σ; — where a point is one)",
    ["model", "e_min", "e_ref", "e_max", "dN/dE", "−error", "+error", "upper limit", "√TS"],
    points.map((p) => [
      p.model,
      e(p.energyMin),
      e(p.energyRef),
      e(p.energyMax),
      p.isUl ? num("—") : e(p.dnde),
      p.isUl ? num("—") : e(p.dndeErrn),
      p.isUl ? num("—") : e(p.dndeErrp),
      e(p.dndeUl),
      num(Number.isFinite(p.sqrtTs) ? p.sqrtTs.toFixed(1) : "—"),
    ]),
  );
}

function outputs(report: RunReport, outDir: string): Html {
  if (!report.outputs.length) return html`<section><h2>Outputs</h2><p>Nothing was written.</p></section>`;
  const rows = report.outputs.map((o) => {
    const relative = path.relative(outDir, o.path).split(path.sep).join("/");
    return [html`<a href="${hrefTo(relative)}">${relative}</a>`, `${o.description}${o.partial ? " (partial)" : ""}`];
  });
  return html`<section><h2>Outputs</h2>${table("outputs", "Files written", ["file", "what"], rows)}</section>`;
}

function figureGrid(list: ReportFigure[]): Html {
  return html`<div class="figures">${list.map(
    (f) => html`<figure data-map="${f.name}">${trusted(f.svg)}<figcaption>${f.alt}</figcaption></figure>`,
  )}</div>`;
}

/** A cell to align right (a number). */
interface NumberCell {
  value: string;
}
const num = (value: number | string): NumberCell => ({ value: String(value) });
type Cell = string | Html | NumberCell;

function table(id: string, caption: string, header: string[], rows: Cell[][]): Html {
  const cell = (c: Cell) =>
    typeof c === "string" || c instanceof Html ? html`<td>${c}</td>` : html`<td class="num">${c.value}</td>`;
  return html`<div class="scroll"><table id="${id}"><caption>${caption}</caption>
<thead><tr>${header.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead>
<tbody>${rows.map((r) => html`<tr>${r.map(cell)}</tr>`)}</tbody></table></div>`;
}

/** Longer params (inline models) are folded: their name and size, the JSON when opened. */
const FOLDED_FROM = 80;

/** A node's params, one per line: `name = JSON`. */
function params(values: Record<string, unknown> | undefined): Html {
  if (!values || !Object.keys(values).length) return html`—`;
  return html`${Object.entries(values).map(([name, value]) => {
    const compact = JSON.stringify(value);
    return compact.length < FOLDED_FROM
      ? html`<p class="param">${name} = ${compact}</p>`
      : html`<details class="param"><summary>${name} (${compact.length} characters of JSON)</summary>
${json(value)}</details>`;
  })}`;
}

function json(value: unknown): Html {
  return value === undefined ? html`—` : html`<pre>${JSON.stringify(value, null, 1)}</pre>`;
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(2);
}
