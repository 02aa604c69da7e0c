// Graphs from graphs/ in the worker's session, in Node: validated by the page's precompiled
// validators as the CLI's run-time compiled ones validate them, and run on the dropped runs to
// the CLI's stack.
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { readFileSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import type { ValidateFunction } from "ajv";
import { usePrecompiledValidators } from "@gammaflow/pipeline";
import { browserRegistry, Session, validateForBrowser, type DroppedFile, type Update } from "../src/index.js";
import { cliReference, REPO, RUN_FILES } from "./reference.js";

const reference = cliReference();
const { validators } = (await import(new URL("../generated/validators.js", import.meta.url).href)) as {
  validators: Map<string, ValidateFunction>;
};
const precompiled = () => usePrecompiledValidators((key) => validators.get(key));
after(() => usePrecompiledValidators(undefined));

const graph = (file: string) =>
  JSON.parse(readFileSync(path.join(REPO, "graphs", file), "utf8")) as Record<string, any>;
const runFiles = (): DroppedFile[] =>
  RUN_FILES.map((f) => ({ path: path.basename(f), blob: new Blob([readFileSync(f)]) }));

/** The message validateForBrowser throws for `input` (undefined when it is valid). */
function problem(input: unknown): string | undefined {
  try {
    validateForBrowser(input, browserRegistry(), "graph.json");
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

test("the precompiled validators accept and refuse graphs as ajv compiling at run time does", () => {
  const badUnit = graph("quick-look.json");
  badUnit.nodes[3].params.offsetMax = "3 degs";
  const badEnum = graph("quick-look.json");
  badEnum.nodes[3].params.methods = ["aeff-defualt"];
  const unknownPlugin = graph("stacking.json");
  unknownPlugin.nodes[2].plugin = "stackr";
  const badPath = graph("quick-look.json");
  badPath.nodes[5].params.path = "../stacked.fits.gz";
  const inputs = [graph("quick-look.json"), graph("stacking.json"), badUnit, badEnum, unknownPlugin, badPath];
  usePrecompiledValidators(undefined);
  const compiledAtRunTime = inputs.map(problem);
  precompiled();
  const fromBuild = inputs.map(problem);
  assert.deepEqual(fromBuild, compiledAtRunTime);
  assert.deepEqual(fromBuild.slice(0, 2), [undefined, undefined]);
  assert.match(fromBuild[2] ?? "", /safe\.offsetMax: "3 degs" is not an angle/);
  assert.match(fromBuild[3] ?? "", /safe\.methods/);
  assert.match(fromBuild[4] ?? "", /'stackr'.*did you mean 'stacker'/s);
  assert.match(fromBuild[5] ?? "", /write\.path/);
});

test("a graph whose plugin needs Node is refused, naming the node and the plugin", () => {
  precompiled();
  assert.match(
    problem(graph("combined-chain.json")) ?? "",
    /node 'preview': plugin 'png-preview' \(\/nodes\/7\/plugin\) needs Node/,
  );
});

test("graphs/quick-look.json run on the 4 dropped runs gives the CLI's stack, byte for byte", async () => {
  precompiled();
  const session = new Session();
  const updates: Update[] = [];
  const onUpdate = (u: Update) => updates.push(u);
  await session.loadGraph(graph("quick-look.json"), "graphs/quick-look.json", onUpdate);
  assert.deepEqual(updates.at(-1)?.runs, [], "nothing dropped yet: nothing run");
  await session.add(runFiles(), onUpdate);
  const last = updates.at(-1)!;
  assert.equal(last.graph, "graphs/quick-look.json");
  assert.deepEqual(
    last.runs.map((r) => [r.obsId, r.used]),
    [
      [23523, true],
      [23526, true],
      [23559, true],
      [23592, true],
    ],
  );
  assert.equal(last.totals?.runs, 4);
  assert.equal(last.totals?.counts, reference.totals.counts);
  assert.equal(last.totals?.excess, reference.totals.excess);
  assert.equal(last.totals?.peakSignificance, reference.totals.peakSignificance);
  assert.equal(last.download, "stacked.fits.gz");
  const file = session.fits();
  assert.equal(file.name, "stacked.fits.gz");
  assert.deepEqual(Buffer.from(file.bytes), gunzipSync(readFileSync(reference.file)));
});

test("a graph's source selects among the dropped runs; its printout is the update's log", async () => {
  precompiled();
  const session = new Session();
  const updates: Update[] = [];
  await session.add(runFiles(), () => {});
  await session.loadGraph(graph("stacking.json"), "graphs/stacking.json", (u) => updates.push(u));
  const last = updates.at(-1)!;
  assert.deepEqual(
    last.runs.map((r) => (r.used ? `${r.obsId} used` : `${r.obsId}: ${r.cause}`)),
    [
      "23523: not selected by the graph's source",
      "23526: not selected by the graph's source",
      "23559: not selected by the graph's source",
      "23592 used",
    ],
  );
  const printed = last.log?.find((l) => l.startsWith("info: print:")) ?? "";
  // an id the graph asks for that was not dropped: a row with the source's cause
  const wanted = graph("stacking.json");
  wanted.nodes[0].params.obsIds = [23592, 20136];
  await session.loadGraph(wanted, "wanted.json", (u) => updates.push(u));
  assert.deepEqual(updates.at(-1)?.runs.at(-1), {
    obsId: 20136,
    file: "",
    used: false,
    cause: "runs: obs 20136 was not dropped on the page",
  });
  assert.equal(updates.at(-1)?.totals?.runs, 1);
  assert.match(printed, /\nMapDataset\n-+\n/);
  assert.equal(last.download, "stacked.fits.gz");
});
