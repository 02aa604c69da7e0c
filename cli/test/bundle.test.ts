// The bundled CLI (scripts/bundle-cli.mjs) runs the same code as the compiled one: the same
// files, byte for byte, the same printed summary, and the workers found beside it, also when its
// commands load from V8's code cache; its validators compiled at build time refuse what the
// compiled CLI's refuse, and a plugin package is imported from the cached code.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { gunzipSync } from "node:zlib";
import { CLI, REPO, temp } from "./spawn-cli.js";

const BUNDLE_DIR = path.join(REPO, "cli", "dist", "bundle");

function run(script: string, out: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [script, "run", "graphs/combined-chain.json", "--out", out, ...args], {
    cwd: REPO,
    encoding: "utf8",
  });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

const stackedBytes = (dir: string) => gunzipSync(readFileSync(path.join(dir, "stacked.fits.gz")));

test("the bundled CLI writes and prints what the compiled one does, in a few files", () => {
  const built = spawnSync(process.execPath, [path.join(REPO, "scripts", "bundle-cli.mjs")], { encoding: "utf8" });
  assert.equal(built.status, 0, built.stderr);
  assert.ok(readdirSync(BUNDLE_DIR).length < 40, `${readdirSync(BUNDLE_DIR).length} files in ${BUNDLE_DIR}`);
  const compiled = temp("compiled");
  const bundled = temp("bundled");
  const bundledWorkers = temp("bundled-workers");
  const printed = run(CLI, compiled);
  // the build made V8's code cache; a run without one writes it, the next ones load from it
  const cache = path.join(BUNDLE_DIR, "cli.cjs.cache");
  assert.ok(existsSync(cache));
  rmSync(cache);
  const bundledPrinted = run(path.join(BUNDLE_DIR, "gammaflow.js"), bundled);
  assert.ok(statSync(cache).size > 100_000);
  run(path.join(BUNDLE_DIR, "gammaflow.js"), bundledWorkers, "--workers", "2");
  // the summary's first line is the class name: the bundler must keep names
  assert.match(bundledPrinted, /^MapDataset\n/m);
  const withoutTimes = (s: string) => s.replaceAll(/done in [\d.]+ s/g, "").replaceAll(/\/tmp\/\S+/g, "");
  assert.equal(withoutTimes(bundledPrinted), withoutTimes(printed));
  assert.deepEqual(stackedBytes(bundled), stackedBytes(compiled));
  assert.deepEqual(stackedBytes(bundledWorkers), stackedBytes(compiled));
});

test("the bundle's precompiled validators refuse what run-time compiled ones refuse; a plugin's are compiled", () => {
  const bundleCode = readdirSync(BUNDLE_DIR)
    .filter((f) => /\.c?js$/.test(f))
    .map((f) => readFileSync(path.join(BUNDLE_DIR, f), "utf8"));
  assert.ok(bundleCode.some((code) => code.includes("compileMissing: true")));
  const dir = temp("bundle-validators");
  mkdirSync(path.join(dir, "lib"));
  writeFileSync(
    path.join(dir, "lib", "limit.mjs"),
    "export const plugins = [{ name: 'limit', version: '1', description: 'passes datasets on', " +
      "params: { type: 'object', properties: { max: { type: 'integer', minimum: 1 } }, " +
      "additionalProperties: false }, " +
      "input: ['dataset'], output: 'input', create: () => (i) => i }];\n",
  );
  const graph = JSON.parse(readFileSync(path.join(REPO, "graphs", "combined-chain.json"), "utf8"));
  graph.inputs.dataStore = path.join(REPO, "data", "hess-dl3-dr1");
  const node = (id: string) => graph.nodes.find((n: { id: string }) => n.id === id);
  node("safe").params = { ...node("safe").params, methods: ["aeff-default", "nonsense"], offsetMax: -1 };
  graph.nodes.push({ id: "limit", plugin: "limit", params: { max: 0, extra: true } });
  graph.edges = [...(graph.edges ?? []), { from: "stack", to: "limit" }];
  writeFileSync(path.join(dir, "refused.json"), JSON.stringify(graph));
  const validate = (script: string, file: string) =>
    spawnSync(process.execPath, [script, "validate", file, "--plugin", "lib/limit.mjs", "--json"], {
      cwd: dir,
      encoding: "utf8",
    });
  const compiled = validate(CLI, "refused.json");
  const bundled = validate(path.join(BUNDLE_DIR, "gammaflow.js"), "refused.json");
  assert.equal(compiled.status, 1, compiled.stderr);
  for (const expected of [/nonsense/, /offsetMax/, /max/, /extra/]) assert.match(compiled.stdout, expected);
  assert.equal(bundled.status, compiled.status);
  assert.equal(bundled.stdout, compiled.stdout);
  node("safe").params.methods = ["aeff-default"];
  node("safe").params.offsetMax = "2.5 deg";
  node("limit").params = { max: 3 };
  writeFileSync(path.join(dir, "accepted.json"), JSON.stringify(graph));
  const accepted = validate(path.join(BUNDLE_DIR, "gammaflow.js"), "accepted.json");
  assert.equal(accepted.status, 0, accepted.stdout + accepted.stderr);
});
