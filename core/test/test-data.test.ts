// Tests that need more than the bundled runs skip, saying what to set, when gammapy's data are absent.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { TestData } from "../src/nodejs/test-data.js";
import { BUNDLED_HESS, REPO_ROOT } from "./fixtures.js";

const RUN = "hess-dl3-dr1/data/hess_dl3_dr1_obs_id_023523.fits.gz";

function withGammapyData<T>(value: string | undefined, fn: () => T): T {
  const saved = process.env.GAMMAPY_DATA;
  try {
    if (value === undefined) delete process.env.GAMMAPY_DATA;
    else process.env.GAMMAPY_DATA = value;
    return fn();
  } finally {
    if (saved === undefined) delete process.env.GAMMAPY_DATA;
    else process.env.GAMMAPY_DATA = saved;
  }
}

test("the data folder is $GAMMAPY_DATA, else ../shared/gammapy-data beside the repository", () => {
  const set = withGammapyData("/x/gammapy-data", () => new TestData(REPO_ROOT).dir);
  assert.equal(set, "/x/gammapy-data");
  const fallback = withGammapyData(undefined, () => new TestData(REPO_ROOT).dir);
  assert.equal(fallback, path.resolve(REPO_ROOT, "../shared/gammapy-data"));
});

test("bundled run files are read from data/; index files and other data from the full folder", () => {
  const data = withGammapyData("/x/gammapy-data", () => new TestData(REPO_ROOT));
  assert.equal(data.path(RUN), path.join(BUNDLED_HESS, "data", "hess_dl3_dr1_obs_id_023523.fits.gz"));
  assert.deepEqual(data.needs(RUN), { skip: false });
  assert.equal(data.path("hess-dl3-dr1/hdu-index.fits.gz"), "/x/gammapy-data/hess-dl3-dr1/hdu-index.fits.gz");
  assert.equal(data.path("hess-dl3-dr1"), "/x/gammapy-data/hess-dl3-dr1");
});

test("a missing path gives one line: what is missing, where it looked, what to set and how to get it", () => {
  const empty = mkdtempSync(path.join(tmpdir(), "gammaflow-no-data-"));
  const { skip } = withGammapyData(empty, () => new TestData(REPO_ROOT)).needs("cta-1dc", RUN, "magic/rad_max");
  assert.equal(typeof skip, "string");
  const reason = skip as string;
  assert.doesNotMatch(reason, /\n/);
  assert.match(reason, /^needs cta-1dc, magic\/rad_max of gammapy's data, not in /);
  assert.ok(reason.includes(empty), reason);
  assert.match(reason, /set GAMMAPY_DATA/);
  assert.match(reason, /gammapy download datasets/);
});

test("without gammapy's data, the test files that read it pass with their full-data tests skipped", () => {
  const empty = mkdtempSync(path.join(tmpdir(), "gammaflow-no-data-"));
  const here = path.dirname(fileURLToPath(import.meta.url));
  const files = ["irf.test.js", "data-store.test.js", "fits-read.test.js"].map((f) => path.join(here, f));
  // NODE_TEST_CONTEXT would make the child report to this runner instead of printing TAP.
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  const run = spawnSync(process.execPath, ["--test", "--test-reporter=tap", ...files], {
    env: { ...env, GAMMAPY_DATA: empty },
    encoding: "utf8",
  });
  const summary = (key: string) => Number(new RegExp(`^# ${key} (\\d+)$`, "m").exec(run.stdout)?.[1]);
  const failures = run.stdout.split("\n").filter((l) => /^not ok|error:/.test(l.trim()));
  assert.equal(run.status, 0, failures.join("\n"));
  assert.equal(summary("fail"), 0);
  assert.ok(summary("skipped") >= 20, `skipped ${summary("skipped")}`);
  const bundled = run.stdout.split("\n").filter((l) => /^ok \d+ - (bundled|hess-23523) /.test(l));
  assert.ok(bundled.length >= 8, "the bundled runs' tests still run");
  for (const line of bundled) assert.doesNotMatch(line, /# SKIP/);
  const skips = run.stdout.split("\n").filter((l) => l.includes("# SKIP"));
  for (const line of skips) assert.match(line, /# SKIP needs .* set GAMMAPY_DATA/);
});
