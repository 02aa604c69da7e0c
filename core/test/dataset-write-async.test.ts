// Written datasets: gzip level 1 (FITS floats barely compress further) and, through
// writeDatasetAsync, the compression on the thread pool with the same bytes as writeDataset.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { readDataset, writeDataset, writeDatasetAsync } from "../src/nodejs/index.js";
import { fixturePath } from "./fixtures.js";

const temp = () => mkdtempSync(path.join(tmpdir(), "gammaflow-write-async-"));
/** The gzip header's XFL byte: 4 when zlib compressed at its fastest level, 0 at the default. */
const extraFlags = (file: string) => readFileSync(file)[8];

test("datasets are written at gzip level 1, async and sync alike, and read back the same", async () => {
  const dataset = readDataset(fixturePath("gammapy-dataset.fits.gz"));
  const dir = temp();
  const sync = path.join(dir, "sync.fits.gz");
  const async = path.join(dir, "async.fits.gz");
  writeDataset(dataset, sync);
  await writeDatasetAsync(dataset, async);
  assert.equal(extraFlags(sync), 4);
  assert.equal(extraFlags(async), 4);
  assert.deepEqual(gunzipSync(readFileSync(async)), gunzipSync(readFileSync(sync)));
  assert.equal(readDataset(async).toString(), dataset.toString());
});

test("a write cancelled while compressing leaves no file, not even a temporary", async () => {
  const dataset = readDataset(fixturePath("gammapy-dataset.fits.gz"));
  const dir = temp();
  const file = path.join(dir, "cancelled.fits.gz");
  const cancel = new AbortController();
  const writing = writeDatasetAsync(dataset, file, { signal: cancel.signal });
  cancel.abort();
  await assert.rejects(writing, new RegExp(`${file}: not written, cancelled while compressing`));
  assert.equal(existsSync(file), false);
  assert.deepEqual(readdirSync(dir), []);
});
