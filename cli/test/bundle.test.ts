// The bundled CLI (scripts/bundle-cli.mjs) runs the same code as the compiled one: the same
// files, byte for byte, the same printed summary, and the workers found beside it.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
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
  const bundledPrinted = run(path.join(BUNDLE_DIR, "gammaflow.js"), bundled);
  run(path.join(BUNDLE_DIR, "gammaflow.js"), bundledWorkers, "--workers", "2");
  // the summary's first line is the class name: the bundler must keep names
  assert.match(bundledPrinted, /^MapDataset\n/m);
  const withoutTimes = (s: string) => s.replaceAll(/done in [\d.]+ s/g, "").replaceAll(/\/tmp\/\S+/g, "");
  assert.equal(withoutTimes(bundledPrinted), withoutTimes(printed));
  assert.deepEqual(stackedBytes(bundled), stackedBytes(compiled));
  assert.deepEqual(stackedBytes(bundledWorkers), stackedBytes(compiled));
});
