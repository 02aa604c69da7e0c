import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { MemoryLogger } from "@gammaflow/pipeline";
import { loadGraph, runGraphFile } from "../src/index.js";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const CLI = path.join(REPO, "cli", "dist", "src", "gammaflow.js");

function gammaflow(args: string[], cwd: string) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", cwd });
}

/** A copy of graphs/stacking.json in a fresh folder (its data store path made absolute), changed by `edit`. */
function graphCopy(name: string, edit: (graph: Record<string, unknown>) => void): { dir: string; file: string } {
  const dir = mkdtempSync(path.join(tmpdir(), `gammaflow-${name}-`));
  const graph = JSON.parse(readFileSync(path.join(REPO, "graphs", "stacking.json"), "utf8"));
  graph.inputs.dataStore = path.join(REPO, "data", "hess-dl3-dr1");
  edit(graph);
  const file = path.join(dir, "graph.json");
  writeFileSync(file, JSON.stringify(graph));
  return { dir, file };
}

/** An ES module that writes `marker` when imported (and exports no plugins). */
function markerModule(marker: string): string {
  return (
    `import { writeFileSync } from "node:fs"; writeFileSync(${JSON.stringify(marker)}, "ran"); ` +
    "export const plugins = [];"
  );
}

test("a graph's plugins list never runs code, even in validate: data: URLs, paths, ../ and absolute", () => {
  const outside = mkdtempSync(path.join(tmpdir(), "gammaflow-outside-"));
  const marker = (name: string) => path.join(outside, `${name}.marker`);
  writeFileSync(path.join(outside, "evil.mjs"), markerModule(marker("absolute")));
  const entries: Record<string, (dir: string) => string> = {
    data: () => `data:text/javascript,${encodeURIComponent(markerModule(marker("data")))}`,
    relative: (dir) => {
      writeFileSync(path.join(dir, "evil.mjs"), markerModule(marker("relative")));
      return "./evil.mjs";
    },
    parent: (dir) => {
      mkdirSync(path.join(dir, "sub"));
      writeFileSync(path.join(dir, "evil.mjs"), markerModule(marker("parent")));
      return "../evil.mjs";
    },
    absolute: () => path.join(outside, "evil.mjs"),
  };
  for (const [name, entry] of Object.entries(entries)) {
    const { dir } = graphCopy(name, () => {});
    const specifier = entry(dir);
    const graphDir = name === "parent" ? path.join(dir, "sub") : dir;
    const file = path.join(graphDir, "graph.json");
    const graph = JSON.parse(readFileSync(path.join(dir, "graph.json"), "utf8"));
    writeFileSync(file, JSON.stringify({ ...graph, plugins: [specifier] }));
    for (const command of ["validate", "run"]) {
      const r = gammaflow([command, file, ...(command === "run" ? ["--out", path.join(dir, "out")] : [])], dir);
      assert.equal(r.status, 1, `${name} ${command}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, /\/plugins\/0: plugin package '.*' is not loaded: a graph never loads code/, name);
      assert.match(r.stderr, /allow it on the command line with --plugin /, name);
      assert.equal(existsSync(marker(name)), false, `${name} ${command}: the graph's module ran`);
    }
  }
});

test("a package the user names with --plugin is loaded; the graph may then list it by its own path", () => {
  const { dir, file } = graphCopy("allowed", (graph) => {
    graph.plugins = ["./mine.mjs"];
  });
  const marker = path.join(dir, "mine.marker");
  writeFileSync(path.join(dir, "mine.mjs"), markerModule(marker));
  const elsewhere = mkdtempSync(path.join(tmpdir(), "gammaflow-cwd-"));
  copyFileSync(path.join(dir, "mine.mjs"), path.join(elsewhere, "other.mjs"));
  const other = gammaflow(["validate", file, "--plugin", "./other.mjs"], elsewhere);
  assert.equal(other.status, 1, "another module of the same content is not the one the graph names");
  assert.match(other.stderr, /plugin package '.\/mine\.mjs' is not loaded/);
  // --plugin paths are relative to the working directory, the graph's to the graph file.
  const r = gammaflow(["validate", file, "--plugin", path.relative(elsewhere, path.join(dir, "mine.mjs"))], elsewhere);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /valid — 4 nodes/);
  assert.equal(existsSync(marker), true, "the user's --plugin module was loaded");
  const builtIn = graphCopy("builtin", (graph) => {
    graph.plugins = ["@gammaflow/stacker"];
  });
  assert.equal(gammaflow(["validate", builtIn.file], builtIn.dir).status, 0, "built-in packages may be listed");
});

/** A small empty dataset (dataset-create) written by a dataset-writer: a graph that writes in a second. */
function writerGraph(writerPath: string, datasetName = "small"): { dir: string; file: string } {
  const dir = mkdtempSync(path.join(tmpdir(), "gammaflow-outputs-"));
  const graph = JSON.parse(readFileSync(path.join(REPO, "graphs", "empty-dataset.json"), "utf8"));
  graph.inputs.geom = { ...graph.inputs.geom, skydir: [83.63, 22.01], width: "1 deg", binsz: "0.1 deg" };
  graph.nodes = [
    { id: "create", plugin: "dataset-create", params: { name: datasetName } },
    { id: "write", plugin: "dataset-writer", params: { path: writerPath } },
  ];
  const file = path.join(dir, "graph.json");
  writeFileSync(file, JSON.stringify(graph));
  return { dir, file };
}

test("--set with a prototype key and a deep graph file are refused naming the file", async () => {
  const { dir, file } = writerGraph("small.fits.gz");
  const r = gammaflow(["validate", file, "--set", "write.__proto__.allowAnyPath=true"], dir);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /graph\.json: --set 'write\.__proto__\.allowAnyPath=true': the key '__proto__' is refused/);
  const deep = path.join(dir, "deep.json");
  writeFileSync(deep, `{"nodes": [${"[".repeat(100_000)}${"]".repeat(100_000)}]}`);
  const d = gammaflow(["validate", deep], dir);
  assert.equal(d.status, 1);
  assert.match(d.stderr, /deep\.json: the graph: \/nodes\/0(\/0)+: nested deeper than 64 levels/);
  assert.doesNotMatch(d.stderr, /call stack/);
});

test("validate refuses writer paths, preview paths and stacker names that leave --out", async () => {
  const { file } = writerGraph("../escaped.fits.gz");
  await assert.rejects(
    loadGraph(file),
    /write\.path: must stay inside the output folder \(no '\.\.' segment\), got '\.\.\/escaped/,
  );
  await assert.rejects(
    loadGraph(file, { sets: ["write.path=/tmp/escaped.fits.gz"] }),
    /write\.path \(from --set write\.path=\/tmp\/escaped\.fits\.gz\): must be a relative path inside the output folder/,
  );
  const combined = path.join(REPO, "graphs", "ring-background.json");
  const graph = JSON.parse(readFileSync(combined, "utf8")) as { nodes: Array<{ id: string; plugin: string }> };
  const stack = graph.nodes.find((n) => n.plugin === "stacker")!.id;
  const preview = graph.nodes.find((n) => n.plugin === "png-preview")!.id;
  await assert.rejects(
    loadGraph(combined, { sets: [`${stack}.name=../../evil`, `${preview}.path=x/../../{map}.png`] }),
    (e: Error) =>
      new RegExp(`${stack}\\.name \\(from --set .*\\): must be a name without '/'.*got '\\.\\./\\.\\./evil'`).test(
        e.message,
      ) &&
      new RegExp(`${preview}\\.path \\(from --set .*\\): must stay inside the output folder.*got 'x/\\.\\./`).test(
        e.message,
      ),
  );
});

test("a run refuses outputs leaving --out through {name} or a symlinked folder, naming node, param, path", async () => {
  const out = mkdtempSync(path.join(tmpdir(), "gammaflow-out-"));
  const outside = mkdtempSync(path.join(tmpdir(), "gammaflow-outside-"));
  const byName = writerGraph("{name}.fits.gz", "../../escaped-by-name");
  const report = await runGraphFile(byName.file, { outDir: out, logger: new MemoryLogger() });
  assert.equal(report.outputs.length, 0);
  assert.equal(report.skipped.length, 1);
  assert.equal(report.skipped[0].node, "write");
  assert.match(
    report.skipped[0].reason,
    /node 'write' param 'path': '\.\.\/\.\.\/escaped-by-name\.fits\.gz' leads outside the output folder/,
  );
  assert.equal(existsSync(path.join(out, "..", "..", "escaped-by-name.fits.gz")), false);
  symlinkSync(outside, path.join(out, "link"));
  const throughLink = writerGraph("link/stacked.fits.gz");
  const linked = await runGraphFile(throughLink.file, { outDir: out, logger: new MemoryLogger() });
  assert.equal(linked.outputs.length, 0);
  assert.match(linked.skipped[0].reason, /'link\/stacked\.fits\.gz' leads outside .*through a symbolic link, to /);
  assert.deepEqual(readdirSync(outside), [], "nothing was written through the link");
  const inside = await runGraphFile(writerGraph("sub/small.fits.gz").file, { outDir: out, logger: new MemoryLogger() });
  assert.deepEqual(
    inside.outputs.map((o) => o.path),
    [path.join(out, "sub", "small.fits.gz")],
  );
});

/** The bundled store's index files in a fresh folder whose `data` folder links to the bundled runs. */
function linkedStore(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "gammaflow-linked-"));
  const bundled = path.join(REPO, "data", "hess-dl3-dr1");
  for (const name of ["hdu-index.fits.gz", "obs-index.fits.gz"])
    copyFileSync(path.join(bundled, name), path.join(dir, name));
  symlinkSync(path.join(bundled, "data"), path.join(dir, "data"));
  return dir;
}

test("index paths: a link in the store is refused, a graph's root: '/' too; --allow-root is the user's", async () => {
  const store = linkedStore();
  const { file } = graphCopy("root", (graph) => {
    const inputs = graph.inputs as { dataStore: string; geom: Record<string, unknown> };
    inputs.dataStore = store;
    inputs.geom.width = "1 deg";
    inputs.geom.binsz = "0.1 deg";
  });
  const run = (options: { sets?: string[]; allowRoots?: string[] }) =>
    runGraphFile(file, { ...options, outDir: path.join(store, "..", "out"), logger: new MemoryLogger() });
  const linked = await run({});
  assert.deepEqual(linked.used, []);
  assert.match(linked.skipped[0].reason, /leads outside .* through a symbolic link/);
  await assert.rejects(
    run({ sets: ["runs.root=/"] }),
    /node 'runs' param 'root': '\/' \(\/\) lies outside the data store .*on the command line with --allow-root \//,
  );
  await assert.rejects(run({ sets: ["runs.root=/"], allowRoots: [store] }), /param 'root': '\/'/);
  const allowed = await run({ sets: ["runs.root=/"], allowRoots: ["/"] });
  assert.deepEqual(allowed.used, [23592], "the user's --allow-root widens it");
  const cli = gammaflow(
    ["run", file, "--out", path.join(store, "..", "cli-out"), "--allow-root", "/", "--json"],
    store,
  );
  assert.equal(cli.status, 0, cli.stderr);
  assert.deepEqual(JSON.parse(cli.stdout).used, [23592], "--allow-root alone lets the store's links lead there");
});
