// The command line as a newcomer meets it: version, help, suggestions, init, errors that name
// the node and param, validate's checks, --json errors and info on DL3 files and data stores.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { CLI, REPO, STORE, temp } from "./spawn-cli.js";

const COMBINED = path.join(REPO, "graphs", "combined-chain.json");
const EVENTS = path.join(STORE, "data", "hess_dl3_dr1_obs_id_023523.fits.gz");

function gammaflow(args: string[], cwd = REPO) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", cwd });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test("--version is the package's; help per command, as 'help run' and 'run --help'; suggestions", () => {
  const { version } = JSON.parse(readFileSync(path.join(REPO, "cli", "package.json"), "utf8"));
  assert.deepEqual(gammaflow(["--version"]), { code: 0, out: `${version}\n`, err: "" });
  const help = gammaflow(["help", "run"]);
  assert.equal(help.code, 0);
  assert.match(help.out, /Usage: gammaflow run \[options\] <GRAPH>/);
  for (const option of ["--set", "--out", "--workers", "--plugin", "--json", "--reference-paths", "--allow-skipped"])
    assert.ok(help.out.includes(option), option);
  assert.match(help.out, /--allow-root <dir>/);
  assert.match(help.out, /--report +also write report\.html in the output folder/);
  assert.match(help.out, /Exit codes: 0 complete/);
  assert.equal(gammaflow(["run", "--help"]).out, help.out);
  const top = gammaflow(["help"]);
  assert.equal(top.code, 0);
  for (const command of ["init", "run", "validate", "plugins", "info", "fit", "fake", "sample-events"])
    assert.match(top.out, new RegExp(`\\n  ${command} `), command);
  assert.match(top.out, /gammaflow init my-analysis\.json/);
  const typo = gammaflow(["rnu", "graphs/combined-chain.json"]);
  assert.equal(typo.code, 2);
  assert.match(typo.err, /unknown command 'rnu'\n\(Did you mean run\?\)/);
  const option = gammaflow(["run", "graphs/combined-chain.json", "--wokers", "2"]);
  assert.equal(option.code, 2);
  assert.match(option.err, /unknown option '--wokers'\n\(Did you mean --workers\?\)/);
  const json = gammaflow(["rnu", "--json"]);
  assert.equal(json.code, 2);
  assert.deepEqual(JSON.parse(json.out), { error: "unknown command 'rnu'\n(Did you mean run?)", exitCode: 2 });
});

test("init writes a commented starter graph that validates and runs on the bundled data", () => {
  const dir = temp("init");
  const made = gammaflow(["init", "first.json"], dir);
  assert.equal(made.code, 0, made.err);
  assert.match(made.out, /gammaflow validate first\.json/);
  const graph = JSON.parse(readFileSync(path.join(dir, "first.json"), "utf8"));
  assert.match(graph.$comment, /gammaflow plugins/);
  assert.ok(
    graph.nodes.every((n: { $comment?: string }) => n.$comment),
    "every node says what it does",
  );
  assert.equal(gammaflow(["init", "first.json"], dir).code, 2, "an existing file is kept");
  assert.match(gammaflow(["validate", "first.json"], dir).out, /first\.json: valid — 7 nodes/);
  const run = gammaflow(["run", "first.json", "--out", "out", "--json"], dir);
  assert.equal(run.code, 0, run.err);
  const report = JSON.parse(run.out);
  assert.deepEqual(report.used, [23523, 23526, 23559, 23592]);
  assert.deepEqual(
    report.outputs.map((o: { path: string }) => o.path),
    [path.join(dir, "out", "stacked.fits.gz")],
  );
});

test("a bad param names the node and param, echoes the value and blames --set; --json says the same", () => {
  const bad = gammaflow(["validate", COMBINED, "--set", "safe.offsetMax=3 degs"]);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /combined-chain\.json with its --set overrides is not valid:/);
  assert.match(
    bad.err,
    /\n {2}safe\.offsetMax \(from --set safe\.offsetMax=3 degs\): "3 degs" is not an angle \(e\.g\. "3 deg"\)/,
  );
  assert.match(bad.err, /unknown unit 'degs'.* did you mean 'deg'\?/);
  assert.doesNotMatch(bad.err, /\/nodes\//);
  const json = JSON.parse(gammaflow(["validate", COMBINED, "--set", "safe.offsetMax=3 degs", "--json"]).out);
  assert.equal(json.exitCode, 1);
  assert.equal(json.node, "safe");
  assert.equal(json.param, "offsetMax");
  assert.equal(json.value, "3 degs");
  assert.equal(json.override, "safe.offsetMax=3 degs");
  assert.match(json.error, /is not an angle/);
  const misspelt = gammaflow(["validate", COMBINED, "--set", "safe.offset_max=2 deg"]);
  assert.match(
    misspelt.err,
    /safe\.offset_max \(from --set .*\): unknown param 'offset_max' — did you mean 'offsetMax'\?/,
  );
  const node = gammaflow(["validate", COMBINED, "--set", "saf.offsetMax=2 deg"]);
  assert.match(node.err, /no node with id 'saf' — did you mean 'safe'\?/);
  // astropy's names are units too; a negative offset is refused, a bare number is in deg
  assert.equal(gammaflow(["validate", COMBINED, "--set", "safe.offsetMax=2.5 degree"]).code, 0);
  const negative = gammaflow(["validate", COMBINED, "--set", "safe.offsetMax=-3 deg"]);
  assert.equal(negative.code, 1);
  assert.match(negative.err, /safe\.offsetMax \(from --set .*\): must be > 0 deg, got -3 deg/);
  const bare = gammaflow(["validate", COMBINED, "--set", "safe.offsetMax=-3"]);
  assert.match(bare.err, /must be > 0 deg, got -3 \(a bare number is taken in deg\)/);
});

test("a JSON syntax error gives the line and column", () => {
  const dir = temp("syntax");
  const text = readFileSync(COMBINED, "utf8").replace('"6 deg"\n      }\n    },', '"6 deg"\n      }\n    }');
  writeFileSync(path.join(dir, "graph.json"), text);
  const r = gammaflow(["validate", "graph.json"], dir);
  assert.equal(r.code, 1);
  const line = text.slice(0, text.indexOf('"id": "maker"')).split("\n").length - 1;
  assert.match(r.err, new RegExp(`graph\\.json: line ${line}, column 5: not valid JSON`));
  assert.match(r.err, /\n {6}\{\n {6}\^/);
});

test("validate checks the data store's index files and a geometry where a node needs one, reading no data", () => {
  const dir = temp("prerequisites");
  const graph = JSON.parse(readFileSync(COMBINED, "utf8"));
  const store = path.join(dir, "store");
  cpSync(path.join(STORE, "hdu-index.fits.gz"), path.join(store, "hdu-index.fits.gz"));
  writeFileSync(
    path.join(dir, "graph.json"),
    JSON.stringify({ ...graph, inputs: { ...graph.inputs, dataStore: "store" } }),
  );
  const noIndex = gammaflow(["validate", "graph.json", "--json"], dir);
  assert.equal(noIndex.code, 1);
  const issue = JSON.parse(noIndex.out);
  assert.match(issue.error, /inputs\.dataStore: the data store folder 'store' \(.*\) has no obs-index\.fits\.gz/);
  assert.equal(issue.value, "store");
  rmSync(store, { recursive: true });
  assert.match(gammaflow(["validate", "graph.json"], dir).err, /the data store folder 'store' \(.*\) does not exist/);
  const { geom: _geom, ...noGeom } = graph.inputs;
  writeFileSync(path.join(dir, "graph.json"), JSON.stringify({ ...graph, inputs: { ...noGeom, dataStore: STORE } }));
  const r = gammaflow(["validate", "graph.json"], dir);
  assert.equal(r.code, 1);
  assert.match(r.err, /node 'cutout': cutout makes datasets on the target geometry: set inputs\.geom/);
  assert.match(r.err, /node 'stack': stacker makes datasets on the target geometry/);
});

test("info reads a DL3 event file (events, GTI, pointing, energies, HDUs) and a data store folder", () => {
  const events = gammaflow(["info", EVENTS]);
  assert.equal(events.code, 0, events.err);
  assert.match(events.out, /Obs\. ID {10}: 23523 \(Crab Nebula\)/);
  assert.match(events.out, /Number of events : 7613/);
  assert.match(events.out, /Energy range {5}: 0\.244085 – 100\.978 TeV/);
  assert.match(events.out, /Pointing {9}: RA 83\.6333 deg, Dec 21\.5144 deg/);
  assert.match(events.out, /GTI {14}: 1 interval\(s\), 1687 s/);
  assert.match(events.out, /HDUs {13}: 0 PRIMARY \(image\), 1 EVENTS \(bintable\), 2 GTI/);
  const json = JSON.parse(gammaflow(["info", EVENTS, "--json"]).out);
  assert.equal(json.kind, "events");
  assert.equal(json.events, 7613);
  assert.deepEqual(json.gti, { intervals: 1, seconds: 1687 });
  const store = gammaflow(["info", STORE]);
  assert.equal(store.code, 0, store.err);
  assert.match(store.out, /HDU index table: 24 rows, OBS_ID 23523 -- 23592/);
  assert.match(store.out, /HDU_TYPE: aeff, bkg, edisp, events, gti, psf/);
  assert.match(store.out, /Observation table: 4 observations/);
  assert.match(store.out, /23559 +Crab Nebula +85\.2533 +22\.0144/);
  const table = JSON.parse(gammaflow(["info", STORE, "--json"]).out);
  assert.deepEqual(
    table.observations.map((o: { obsId: number; eventCount: number }) => [o.obsId, o.eventCount]),
    [
      [23523, 7613],
      [23526, 7581],
      [23559, 7601],
      [23592, 7334],
    ],
  );
  const missing = gammaflow(["info", "nothing.fits.gz", "--json"]);
  assert.equal(missing.code, 1);
  assert.match(JSON.parse(missing.out).error, /nothing\.fits\.gz/);
});

test("--plugin is a path from the working directory for every command, with or without ./", () => {
  const dir = temp("plugin-path");
  mkdirSync(path.join(dir, "lib"));
  mkdirSync(path.join(dir, "graphs"));
  writeFileSync(
    path.join(dir, "lib", "noop.mjs"),
    "export const plugins = [{ name: 'noop', version: '1', description: 'passes datasets on', " +
      "params: { type: 'object', properties: {} }, input: ['dataset'], output: 'input', create: () => (i) => i }];\n",
  );
  const graph = JSON.parse(readFileSync(path.join(REPO, "graphs", "empty-dataset.json"), "utf8"));
  graph.nodes.push({ id: "pass", plugin: "noop" });
  // the graph lives in another folder: --plugin is not relative to it
  writeFileSync(path.join(dir, "graphs", "g.json"), JSON.stringify(graph));
  for (const plugin of ["lib/noop.mjs", "./lib/noop.mjs", path.join(dir, "lib", "noop.mjs")]) {
    const listed = JSON.parse(gammaflow(["plugins", "--plugin", plugin, "--json"], dir).out) as Array<{ name: string }>;
    assert.ok(
      listed.some((p) => p.name === "noop"),
      `plugins --plugin ${plugin}`,
    );
    const valid = gammaflow(["validate", "graphs/g.json", "--plugin", plugin], dir);
    assert.equal(valid.code, 0, `validate --plugin ${plugin}: ${valid.err}`);
    const run = gammaflow(["run", "graphs/g.json", "--plugin", plugin, "--out", "out", "--json"], dir);
    assert.equal(run.code, 0, `run --plugin ${plugin}: ${run.err}`);
  }
  const missing = gammaflow(["validate", "graphs/g.json", "--plugin", "./lib/none.mjs"], dir);
  assert.equal(missing.code, 1);
  assert.match(missing.err, /plugin package '\.\/lib\/none\.mjs' could not be loaded/);
});

test("every command and option the README's CLI section shows is one the command line knows", () => {
  const readme = readFileSync(path.join(REPO, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## The `gammaflow` command"), readme.indexOf("`graphs/` holds"));
  const typed = [...section.matchAll(/^(?:npx )?gammaflow (\S+)(.*)$/gm)];
  assert.ok(typed.length >= 15, `${typed.length} command lines`);
  const helps = new Map<string, string>();
  for (const [, command, rest] of typed) {
    if (command.startsWith("-") || command === "help") {
      assert.equal(gammaflow([command]).code, 0, command);
      continue;
    }
    if (!helps.has(command)) helps.set(command, gammaflow([command, "--help"]).out);
    const help = helps.get(command)!;
    assert.match(help, new RegExp(`Usage: gammaflow ${command}`), command);
    for (const [option] of rest.split("#")[0].matchAll(/--[a-z-]+/g))
      assert.ok(help.includes(option), `gammaflow ${command} ${option}`);
  }
});
