import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { readDataset } from "@gammaflow/core/node";
import {
  assertNothingHalfWritten,
  filesIn,
  signalEarly,
  MAIN_JOB,
  start,
  STORE,
  temp,
  until,
  type Running,
} from "./spawn-cli.js";

const CODES = { SIGINT: 130, SIGTERM: 143 } as const;

/** A folder holding the bundled store, for the watching graph (which keeps waiting for more). */
function incoming(): string {
  const folder = temp("signals-in");
  mkdirSync(path.join(folder, "data"));
  for (const name of filesIn(STORE)) copyFileSync(path.join(STORE, name), path.join(folder, name));
  return folder;
}

function watching(folder: string, out: string): Running {
  return start([
    "run",
    "graphs/watch-folder.json",
    "--out",
    out,
    "--set",
    `incoming.folder=${folder}`,
    "--set",
    "incoming.idleTimeout=120 s",
    "--set",
    "incoming.pollInterval=0.1 s",
  ]);
}

/** From 100 ms after the start on; the modules load for a second or two after that. */
const EARLY = [100, 200, 350, 500, 700, 1000];

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  test(`${signal} while the command is still loading exits ${CODES[signal]} with a JSON report, writing nothing`, {
    timeout: 60_000,
  }, async () => {
    const out = temp("signals-early");
    const r = await signalEarly(["run", "graphs/combined-chain.json", "--out", out, "--json"], signal, EARLY);
    const what = `${signal} after ${r.delay} ms (died at ${r.killed.join(", ") || "none"})`;
    assert.equal(r.code, CODES[signal], `${what}: ${r.stderr}`);
    assert.match(r.stderr, /no graph was running: nothing half-written/, what);
    const report = JSON.parse(r.stdout);
    assert.equal(report.cancelled, true);
    assert.equal(report.partial, false);
    assert.equal(report.interrupted, signal);
    assert.equal(report.exitCode, CODES[signal]);
    assert.deepEqual(filesIn(out), []);
  });
}

test("npm start's main job handles signals from its first moments too: SIGINT while loading exits 130", {
  timeout: 60_000,
}, async () => {
  const r = await signalEarly([], "SIGINT", EARLY, MAIN_JOB);
  assert.equal(r.code, 130, r.stderr);
  assert.match(r.stderr, /no graph was running/);
});

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  test(`one ${signal} after runs arrived finishes: the stack is written as partial, exit ${CODES[signal]}`, {
    timeout: 120_000,
  }, async () => {
    const out = temp("signals-finish");
    const run = watching(incoming(), out);
    await until(() => /incoming: 4 new runs/.test(run.stdout), "the runs' arrival");
    run.child.kill(signal);
    const r = await run.done;
    assert.equal(r.code, CODES[signal], r.stderr);
    assert.match(r.stderr, new RegExp(`${signal}: finishing: no new runs are taken`));
    assert.match(r.stdout, /watch-folder: finished early/);
    assert.match(r.stdout, /wrote \S+stacked-live\.partial\.fits\.gz \(dataset 'stacked', partial\)/);
    assert.match(r.stdout, new RegExp(`exit code ${CODES[signal]}:\\n    interrupted by ${signal}`));
    assert.deepEqual(filesIn(out), ["stacked-live.partial.fits.gz"]);
    const used = /used \d+ observations?: ([\d, ]+)/.exec(r.stdout)![1].split(", ").map(Number);
    assert.ok(used.length >= 1 && used.length < 4, `used ${used}: the queued runs were not taken`);
    const stack = readDataset(path.join(out, "stacked-live.partial.fits.gz"));
    assert.ok(stack.counts.sum() > 0);
  });
}

test("a second SIGINT cancels: exit 130, the report printed, nothing half-written or misnamed", {
  timeout: 120_000,
}, async () => {
  const out = temp("signals-cancel");
  const run = watching(incoming(), out);
  await until(() => /incoming: 4 new runs/.test(run.stdout), "the runs' arrival");
  run.child.kill("SIGINT");
  await new Promise((r) => setTimeout(r, 50));
  run.child.kill("SIGINT");
  const r = await run.done;
  assert.equal(r.code, 130, r.stderr);
  assert.match(r.stderr, /finishing:/);
  assert.match(r.stderr, /cancelled: nothing more is written/, "the second signal was seen");
  assert.match(r.stdout, /exit code 130:/);
  assertNothingHalfWritten(out, { partialOnly: true });
});

/**
 * Signals at several moments of a whole chain (loading, reducing, stacking, writing), one or
 * two: whenever they come, the exit code is the signal's, the JSON report says so, and what is
 * on disk is complete and named as the report says.
 */
test("signals at any moment of a run: exit 130, a consistent report, no half-written file", {
  timeout: 300_000,
}, async () => {
  const moments = [1200, 2000, 2700, 3400, 4200];
  for (const [i, delay] of moments.entries()) {
    const signals = 1 + (i % 2);
    const out = temp("signals-any");
    const run = start(["run", "graphs/combined-chain.json", "--out", out, "--json"]);
    await new Promise((r) => setTimeout(r, delay));
    const what = `${signals} signal(s) after ${delay} ms`;
    if (run.child.exitCode !== null) {
      assert.equal((await run.done).code, 0, `${what}: ended before`);
      continue;
    }
    run.child.kill("SIGINT");
    if (signals === 2) {
      await new Promise((r) => setTimeout(r, 100));
      run.child.kill("SIGINT");
    }
    const r = await run.done;
    // the run may complete in the instant between the check above and the signal: a complete run
    if (r.code === 0 && JSON.parse(r.stdout).cancelled === false) continue;
    assert.equal(r.code, 130, `${what}: ${r.stderr}`);
    const report = JSON.parse(r.stdout);
    assert.equal(report.exitCode, 130, what);
    assert.equal(report.cancelled, true, what);
    for (const o of report.outputs ?? [])
      assert.equal(/\.partial\./.test(o.path), Boolean(o.partial), `${what}: ${o.path} named as its report says`);
    // an output finished before the signal is complete and keeps its name (each output's name is
    // checked against its own report entry above); none may be half-written
    assertNothingHalfWritten(out, { partialOnly: false });
    const listed = (report.outputs ?? []).map((o: { path: string }) => o.path);
    for (const file of filesIn(out)) assert.ok(listed.includes(path.join(out, file)), `${what}: ${file} reported`);
  }
});
