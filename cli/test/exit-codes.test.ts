import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, truncateSync, writeFileSync } from "node:fs";
import path from "node:path";
import { CLI, filesIn, REPO, STORE, temp } from "./spawn-cli.js";

interface Report {
  exitCode: number;
  problems: string[];
  used: number[];
  skipped: Array<{ obsId?: number; node: string; reason: string }>;
  log: Array<{ level: string; message: string }>;
}

/** `gammaflow run graphs/combined-chain.json --json …`: its exit code and JSON report. */
function runChain(args: string[]): { code: number | null; report: Report; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, "run", "graphs/combined-chain.json", "--json", ...args], {
    cwd: REPO,
    encoding: "utf8",
  });
  return { code: r.status, report: JSON.parse(r.stdout) as Report, stderr: r.stderr };
}

/** The pid of a process that has ended (from spawnSync: under the test runner a child's stdout is not plain). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", "0"]);
  assert.ok(child.pid > 0, `no child process: ${child.error}`);
  return child.pid;
}

test("a complete run exits 0; temporaries of an earlier killed write are removed first", { timeout: 120_000 }, () => {
  const out = temp("exit-ok");
  const stale = path.join(out, `stacked.fits.gz.partial-${deadPid()}`);
  copyFileSync(path.join(STORE, "data", "hess_dl3_dr1_obs_id_023523.fits.gz"), stale);
  truncateSync(stale, 50_000);
  const { code, report, stderr } = runChain(["--out", out]);
  assert.equal(code, 0, stderr);
  assert.deepEqual(report.problems, []);
  assert.deepEqual(filesIn(out), ["stacked-background.png", "stacked-counts.png", "stacked.fits.gz"]);
  assert.ok(report.log.some((l) => l.message.includes(`removed 1 temporaries of killed writes: ${stale}`)));
});

test("an output that cannot be written exits 3, the report naming node and cause", { timeout: 120_000 }, () => {
  const file = path.join(temp("exit-notdir"), "a-file");
  writeFileSync(file, "not a folder");
  const { code, report } = runChain(["--out", path.join(file, "out")]);
  assert.equal(code, 3);
  assert.equal(report.exitCode, 3);
  assert.deepEqual(report.used, [23523, 23526, 23559, 23592]);
  for (const node of ["write", "preview"]) {
    const problem = report.problems.find((p) => p.startsWith(`output failed at node '${node}'`));
    assert.match(problem ?? "", /ENOTDIR: not a directory/, node);
  }
});

test("a selection that matches nothing exits 3: the report and the log say which and why", { timeout: 120_000 }, () => {
  const out = temp("exit-empty");
  const { code, report } = runChain(["--out", out, "--set", "runs.target=Crab Nebual"]);
  assert.equal(code, 3);
  assert.deepEqual(report.used, []);
  assert.equal(report.problems.length, 1);
  assert.match(report.problems[0], /no observation was used: 'runs' \(datastore-source .*"target":"Crab Nebual".*\)/);
  const warning = report.log.find((l) => l.level === "warn");
  assert.match(warning?.message ?? "", /target 'Crab Nebual' matches no OBJECT .*\(it has: Crab Nebula\)/);
});

test("skipped runs exit 3, or 0 with --allow-skipped; the report says which and why", { timeout: 180_000 }, () => {
  const store = temp("exit-skipped");
  mkdirSync(path.join(store, "data"));
  for (const name of filesIn(STORE)) copyFileSync(path.join(STORE, name), path.join(store, name));
  truncateSync(path.join(store, "data", "hess_dl3_dr1_obs_id_023559.fits.gz"), 100_000);
  const args = ["--out", temp("exit-skipped-out"), "--set", `inputs.dataStore=${store}`];
  const strict = runChain(args);
  assert.equal(strict.code, 3);
  assert.deepEqual(strict.report.used, [23523, 23526, 23592]);
  assert.deepEqual(
    strict.report.skipped.map((s) => s.obsId),
    [23559],
  );
  assert.match(strict.report.skipped[0].reason, /hess_dl3_dr1_obs_id_023559\.fits\.gz/);
  assert.deepEqual(strict.report.problems, ["1 run(s) skipped (23559); --allow-skipped accepts a result without them"]);
  const allowed = runChain([...args, "--allow-skipped"]);
  assert.equal(allowed.code, 0);
  assert.deepEqual(allowed.report.problems, []);
  assert.ok(existsSync(path.join(args[1], "stacked.fits.gz")));
});
