import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { RunReport } from "@gammaflow/pipeline";
import { escapeHtml, hrefTo, html, trusted } from "../src/html.js";
import { loadGraph } from "../src/run-graph.js";
import { writeRunReport } from "../src/run-report.js";
import { attr, byId, byTag, elements, parsePage, tableRows, textOf, type PageNode } from "./html-tree.js";
import { CLI, filesIn, REPO, STORE, temp } from "./spawn-cli.js";

interface JsonReport {
  exitCode: number;
  problems: string[];
  outputs: Array<{ path: string; description: string }>;
  timings: Array<{ node: string; received: number }>;
}

function run(graph: string, args: string[]): { code: number | null; report: JsonReport; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, "run", graph, "--json", ...args], { cwd: REPO, encoding: "utf8" });
  return { code: r.status, report: JSON.parse(r.stdout) as JsonReport, stderr: r.stderr };
}

// What a graph's author could put in: markup in the graph's name and description, a dataset name,
// a title param and a model name. None may become markup of the page.
const NAME = `crab <script>alert("name")</script>`;
const DESCRIPTION = "<img src=x onerror=alert(1)> & more";
const DATASET = `stacked "<i>&'`;
const TITLE = "<script>alert('title')</script> {map}";
const MODEL = "crab<svg onload=alert(2)>";

/** graphs/crab-fit.json with the markup above, a run that does not exist (99999) and a preview node. */
function injectedGraph(): string {
  const graph = JSON.parse(readFileSync(path.join(REPO, "graphs", "crab-fit.json"), "utf8"));
  graph.name = NAME;
  graph.description = DESCRIPTION;
  graph.inputs.dataStore = STORE;
  const node = (id: string) => graph.nodes.find((n: { id: string }) => n.id === id);
  node("runs").params.obsIds.push(99999);
  node("stack").params.name = DATASET;
  node("fit").params.models.components[0].name = MODEL;
  graph.nodes.push({ id: "preview", plugin: "png-preview", params: { maps: ["counts"], title: TITLE } });
  graph.edges.push({ from: "stack", to: "preview" });
  const file = path.join(temp("report-graph"), "graph.json");
  writeFileSync(file, JSON.stringify(graph));
  return file;
}

/** No element or attribute that could run or load anything; every link and image source local. */
function assertInert(page: PageNode): void {
  for (const e of elements(page)) {
    assert.ok(!["script", "iframe", "object", "embed", "img", "link", "i", "b"].includes(e.tagName!), `<${e.tagName}>`);
    for (const a of e.attrs ?? []) {
      assert.ok(!a.name.startsWith("on"), `${a.name} on <${e.tagName}>`);
      if (a.name === "href" || a.name === "src" || a.name === "xlink:href") {
        if (e.tagName === "a")
          assert.doesNotMatch(a.value, /^[a-z][a-z0-9+.-]*:|^\/|^\\/i, `a relative link: ${a.value}`);
        else assert.match(a.value, /^data:image\/png;base64,/, `<${e.tagName} ${a.name}> is inline`);
      }
    }
  }
}

test("run --report: report.html lists the runs used, the run skipped with its cause, the graph's nodes, their " +
  "timings, the fit and every output; each figure has its text; the graph's markup stays text", {
  timeout: 180_000,
}, () => {
  const out = temp("report-crab-fit");
  const { code, report, stderr } = run(injectedGraph(), ["--out", out, "--report"]);
  assert.equal(code, 3, stderr); // the missing run is skipped
  const file = path.join(out, "report.html");
  assert.deepEqual(report.outputs.at(-1), { path: file, description: "run report (HTML)" });
  assert.ok(!filesIn(out).some((f) => /\.partial-\d+$/.test(f)), "no temporary left");
  const text = readFileSync(file, "utf8");
  const page = parsePage(text);
  assertInert(page);

  assert.equal(textOf(byTag(page, "h1")[0]), NAME);
  assert.equal(textOf(byTag(page, "title")[0]), `gammaflow run report: ${NAME}`);
  assert.ok(text.includes(escapeHtml(DESCRIPTION)), "the description, escaped");
  const csp = byTag(page, "meta").find((m) => attr(m, "http-equiv") === "Content-Security-Policy");
  assert.match(attr(csp!, "content") ?? "", /default-src 'none'/);
  assert.ok(byTag(page, "meta").some((m) => attr(m, "name") === "viewport"));

  assert.deepEqual(tableRows(page, "runs-used"), [
    ["23523", DATASET],
    ["23526", DATASET],
    ["23559", DATASET],
    ["23592", DATASET],
  ]);
  const skipped = tableRows(page, "runs-skipped");
  assert.deepEqual(
    skipped.map((r) => r.slice(0, 2)),
    [["99999", "runs"]],
  );
  assert.match(skipped[0][2], /observation 99999 is not in the observation index/);
  assert.ok(textOf(byId(page, "status")!).includes("exit code 3"));

  const nodes = tableRows(page, "graph-nodes");
  assert.deepEqual(
    nodes.map((r) => [r[0], r[1], r[3]]),
    [
      ["runs", "datastore-source", "—"],
      ["cutout", "cutout", "runs"],
      ["maker", "map-dataset-maker", "cutout"],
      ["safe", "safe-mask", "maker"],
      ["stack", "stacker", "safe"],
      ["fit", "fit", "stack"],
      ["preview", "png-preview", "stack"],
    ],
  );
  assert.ok(nodes[6][2].includes(`title = ${JSON.stringify(TITLE)}`), nodes[6][2]);
  assert.equal(tableRows(page, "graph-edges").length, 6);

  const timings = tableRows(page, "node-timings");
  assert.deepEqual(
    timings.map((r) => r.slice(0, 3)),
    report.timings.map((t) => [t.node, nodes.find((n) => n[0] === t.node)![1], String(t.received)]),
  );
  const maker = timings.find((r) => r[0] === "maker")!;
  assert.deepEqual([maker[2], maker[3], maker[6]], ["4", "4", "4"]);
  assert.ok(Number(maker[5]) > 0, `the maker was busy: ${maker[5]} s`);

  const parameters = tableRows(page, "fit-parameters");
  const index = parameters.find((r) => r[0] === MODEL && r[2] === "index")!;
  assert.ok(Math.abs(Number(index[3]) - 2.8) < 0.3 && Number(index[4]) > 0, index.join(" "));
  assert.deepEqual(parameters.find((r) => r[0] === MODEL && r[2] === "reference")!.slice(4), ["—", "TeV", "frozen"]);

  // the fit node's 5 flux points (graphs/crab-fit.json): a row each, and a marker each on the spectrum
  const points = tableRows(page, "flux-points");
  assert.equal(points.length, 5);
  const refs = points.map((r) => Number(r[2]));
  assert.ok(
    refs.every((e, i) => e > 1 && e < 10 && (i === 0 || e > refs[i - 1])),
    refs.join(" "),
  );
  const firstPoint = points[0];
  assert.ok(
    firstPoint[0] === MODEL && Number(firstPoint[4]) > 1e-13 && Number(firstPoint[8]) > 5,
    firstPoint.join(" "),
  );
  const figures = byTag(page, "figure");
  assert.deepEqual(
    figures.map((f) => attr(f, "data-map")),
    ["counts", "exposure", "background", "excess", "significance", "npred", "residuals", `spectrum-${MODEL}`],
  );
  for (const figure of figures) {
    const [svg] = byTag(figure, "svg");
    const alt = attr(svg, "aria-label") ?? "";
    assert.equal(attr(svg, "role"), "img");
    assert.ok(alt.length > 20, alt);
    assert.equal(textOf(byTag(svg, "title")[0]), alt);
    assert.equal(textOf(byTag(figure, "figcaption")[0]), alt);
    assert.ok(byTag(svg, "text").length > 5, "axis labels are text");
  }
  const spectrum = byTag(figures[7], "svg")[0];
  const markers = byTag(spectrum, "circle").filter((c) => attr(c, "fill") === "#d62728" && attr(c, "r") === "3.2");
  assert.equal(markers.length, 5 + 1, "a marker per flux point, and the legend's");
  assert.match(attr(byTag(figures[4], "svg")[0], "aria-label")!, /peak \d+\.\d\d σ at RA 83\.6\d\d°/);
  const ids = elements(page)
    .map((e) => attr(e, "id"))
    .filter(Boolean);
  assert.equal(new Set(ids).size, ids.length, "ids unique in the page");

  const links = byTag(byId(page, "outputs")!, "a");
  assert.equal(links.length, report.outputs.length - 1, "every output but the page itself");
  for (const a of links) {
    const target = path.join(out, decodeURIComponent(attr(a, "href")!));
    assert.ok(existsSync(target), `${attr(a, "href")} leads to a written file`);
  }
  assert.ok(links.some((a) => textOf(a) === `${DATASET}-counts.png`));
});

test("without a fit the report has no fit section; a page that cannot be written is a failed output", {
  timeout: 180_000,
}, () => {
  const out = temp("report-combined");
  const graph = path.join(REPO, "graphs", "combined-chain.json");
  // with workers: the safe mask's work is done in the maker's worker tasks, and the page says so
  const { code, report } = run(graph, ["--out", out, "--report", "--workers", "2"]);
  assert.equal(code, 0);
  const page = parsePage(readFileSync(path.join(out, "report.html"), "utf8"));
  assert.equal(byId(page, "fit-parameters"), undefined);
  assert.ok(tableRows(page, "node-timings").some((r) => r[0] === "safe (in maker's workers)"));
  assert.deepEqual(
    byTag(page, "figure").map((f) => attr(f, "data-map")),
    ["counts", "exposure", "background", "excess", "significance"],
  );
  assert.equal(tableRows(page, "node-timings").length, 8);
  assert.equal(byId(page, "runs-skipped"), undefined);
  assert.ok(textOf(page).includes("No run was skipped."));
  const hrefs = byTag(byId(page, "outputs")!, "a").map((a) => attr(a, "href"));
  assert.deepEqual(
    hrefs,
    report.outputs.slice(0, -1).map((o) => path.basename(o.path)),
  );
  assert.ok(hrefs.includes("stacked.fits.gz"));

  const file = path.join(temp("report-notdir"), "a-file");
  writeFileSync(file, "not a folder");
  const failed = run(graph, ["--out", path.join(file, "out"), "--report"]);
  assert.equal(failed.code, 3);
  assert.ok(
    failed.report.problems.some((p) => /^output failed: the run report: .*ENOTDIR/.test(p)),
    failed.report.problems.join("\n"),
  );
  assert.ok(!failed.report.outputs.some((o) => o.path.endsWith("report.html")));
});

test("html escapes what is put in, keeps html and trusted markup, and links encode each path segment", () => {
  const value = `<a href="x">'&'</a>`;
  assert.equal(html`<p title="${value}">${value}</p>`.text, `<p title="${escapeHtml(value)}">${escapeHtml(value)}</p>`);
  assert.equal(escapeHtml(value), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  assert.equal(html`<ul>${["a<", html`<li>b</li>`, undefined, false, 3]}</ul>`.text, "<ul>a&lt;<li>b</li>3</ul>");
  assert.equal(html`${trusted("<svg/>")}`.text, "<svg/>");
  assert.equal(hrefTo(`maps/st "a"#1?.png`), "maps/st%20%22a%22%231%3F.png");
});

test("a run that finished early writes report.partial.html, listed as partial, saying so", async () => {
  const loaded = await loadGraph(path.join(REPO, "graphs", "combined-chain.json"));
  const out = temp("report-partial");
  const report: RunReport = {
    graph: "combined-chain",
    used: [],
    skipped: [],
    outputs: [],
    results: [],
    finals: [],
    timings: [],
    cancelled: true,
    partial: true,
    durationMs: 1500,
  };
  const outcome = {
    exitCode: 130,
    problems: ["interrupted by SIGINT: nothing was written"],
    interrupted: "SIGINT" as const,
  };
  const file = writeRunReport(report, outcome, loaded, "graphs/combined-chain.json", out);
  assert.equal(file, path.join(out, "report.partial.html"));
  assert.deepEqual(report.outputs, [{ path: file, description: "run report (HTML)", partial: true }]);
  assert.deepEqual(filesIn(out), ["report.partial.html"]);
  const page = parsePage(readFileSync(file, "utf8"));
  assert.match(textOf(byId(page, "status")!), /^finished early in 1\.50 s · exit code 130/);
  assert.deepEqual(byTag(byTag(page, "header")[0], "li").map(textOf), outcome.problems);
  assert.ok(textOf(page).includes("No run was used.") && textOf(page).includes("made no final dataset"));
});
