import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, truncateSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  atomicWritesSettled,
  removeStaleTemporaries,
  writeFileAtomic,
  writeFileAtomicAsync,
} from "../src/nodejs/index.js";

const RUN = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../../../data/hess-dl3-dr1/data/hess_dl3_dr1_obs_id_023523.fits.gz",
);

/** The pid of a process that has ended (a child that exited at once). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", "0"]);
  assert.ok(child.pid > 0, `no child process: ${child.error}`);
  return child.pid;
}

test("writeFileAtomic leaves the complete file and no temporary; a failed write leaves nothing", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "gammaflow-atomic-"));
  const bytes = readFileSync(RUN);
  writeFileAtomic(path.join(dir, "run.fits.gz"), bytes);
  assert.deepEqual(readdirSync(dir), ["run.fits.gz"]);
  assert.deepEqual(readFileSync(path.join(dir, "run.fits.gz")), bytes);
  // a rename onto a folder fails: the temporary goes too
  mkdirSync(path.join(dir, "taken"));
  assert.throws(() => writeFileAtomic(path.join(dir, "taken"), bytes), /EISDIR|ENOTEMPTY|EEXIST/);
  assert.deepEqual(readdirSync(dir).sort(), ["run.fits.gz", "taken"]);
});

test("removeStaleTemporaries removes the leftovers of killed writers, in subfolders too, and keeps live ones", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "gammaflow-stale-"));
  mkdirSync(path.join(dir, "fit"));
  const dead = deadPid();
  const stale = [
    path.join(dir, `stacked.fits.gz.partial-${dead}`),
    path.join(dir, "fit", `models.yaml.partial-${dead}`),
  ];
  const live = [path.join(dir, `stacked.fits.gz.partial-${process.pid}`), path.join(dir, "other.fits.gz.partial-1")];
  for (const file of [...stale, ...live]) {
    copyFileSync(RUN, file);
    truncateSync(file, 100_000); // as a write killed half-way leaves it
  }
  copyFileSync(RUN, path.join(dir, "stacked.fits.gz"));
  assert.deepEqual(removeStaleTemporaries(dir).sort(), [...stale].sort());
  for (const file of stale) assert.equal(existsSync(file), false, file);
  for (const file of [...live, path.join(dir, "stacked.fits.gz")]) assert.ok(existsSync(file), file);
  assert.deepEqual(removeStaleTemporaries(path.join(dir, "missing")), []);
});

test("writeFileAtomicAsync writes every byte, replaces the file, leaves no temporary, even on failure", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "gammaflow-atomic-async-"));
  const target = path.join(dir, "stack.v8");
  // several MiB, more than one write of fs.promises (512 KiB), from a real run's bytes
  const run = readFileSync(RUN);
  const bytes = new Uint8Array(8 * run.length);
  for (let i = 0; i < 8; i++) bytes.set(run, i * run.length);
  await writeFileAtomicAsync(target, "old contents");
  assert.equal(readFileSync(target, "utf8"), "old contents");
  await writeFileAtomicAsync(target, bytes);
  assert.deepEqual(new Uint8Array(readFileSync(target)), bytes);
  assert.deepEqual(readdirSync(dir), ["stack.v8"]);
  // a folder where the file should go: the rename fails, the temporary is removed
  mkdirSync(path.join(dir, "taken"));
  mkdirSync(path.join(dir, "taken", "x"));
  await assert.rejects(writeFileAtomicAsync(path.join(dir, "taken"), bytes));
  assert.deepEqual(readdirSync(dir).sort(), ["stack.v8", "taken"]);
});

test("writeFileAtomicAsync cancelled while writing puts nothing in place and leaves no temporary", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "gammaflow-atomic-"));
  const file = path.join(dir, "stacked.fits.gz");
  const cancel = new AbortController();
  const writing = writeFileAtomicAsync(file, new Uint8Array(1 << 20), { signal: cancel.signal });
  cancel.abort();
  await assert.rejects(writing, /stacked\.fits\.gz: not written, cancelled while writing/);
  assert.deepEqual(readdirSync(dir), []);
  await writeFileAtomicAsync(file, "done", { signal: new AbortController().signal });
  assert.equal(readFileSync(file, "utf8"), "done", "not cancelled: written");
});

test("writeFileAtomicAsync cancelled while renaming removes the file again: none is left unreported", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "gammaflow-atomic-"));
  const file = path.join(dir, "stacked.fits.gz");
  // not aborted when the bytes are written, aborted by the time the rename has ended
  let reads = 0;
  const signal = {
    get aborted() {
      return ++reads > 1;
    },
  } as AbortSignal;
  const writing = writeFileAtomicAsync(file, "bytes", { signal });
  await assert.rejects(writing, /removed, cancelled while it was put in place/);
  assert.equal(reads, 2);
  assert.deepEqual(readdirSync(dir), []);
});

test("atomicWritesSettled waits for writes under way; a process exiting mid-write leaves no temporary", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "gammaflow-atomic-"));
  const cancel = new AbortController();
  const files = ["a.fits.gz", "b.fits.gz"].map((name) => path.join(dir, name));
  const writes = files.map((file) => writeFileAtomicAsync(file, new Uint8Array(4 << 20), { signal: cancel.signal }));
  for (const w of writes) w.catch(() => undefined);
  cancel.abort();
  await atomicWritesSettled();
  assert.deepEqual(readdirSync(dir), [], "both writes ended, their temporaries removed");
  await assert.rejects(writes[0]!, /not written, cancelled while writing/);
  await atomicWritesSettled(); // nothing under way: at once

  // a child starts a 64 MiB write and exits before it can end (as a cancelled run's exit does)
  const module = new URL("../src/nodejs/atomic-files.js", import.meta.url).href;
  const script = `import { writeFileAtomicAsync } from ${JSON.stringify(module)};
    writeFileAtomicAsync(${JSON.stringify(path.join(dir, "big.fits"))}, new Uint8Array(64 << 20)).catch(() => {});
    setImmediate(() => process.exit(130));`;
  const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
  assert.equal(child.status, 130, child.stderr);
  assert.deepEqual(readdirSync(dir), [], "the exit handler removed the temporary");
});
