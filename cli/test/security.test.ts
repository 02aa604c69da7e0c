import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

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
      const r = gammaflow([command, file, "--out", path.join(dir, "out")], dir);
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
