import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { readDataset } from "@gammaflow/core/node";
import { copyStoreInChunks } from "@gammaflow/core/testing";
import { filesIn, start, STORE, temp } from "./spawn-cli.js";

test("watch-folder: runs copied in interleaved chunks, index first, are all reduced, each once", {
  timeout: 180_000,
}, async () => {
  const folder = temp("watch-cli-in");
  const out = temp("watch-cli-out");
  // the copy starts first and outlasts the command's start-up: its first polls see half-written runs
  const copying = copyStoreInChunks(STORE, folder, { chunkBytes: 32 * 1024, pauseMs: 350 });
  const run = start([
    "run",
    "graphs/watch-folder.json",
    "--json",
    "--out",
    out,
    "--set",
    `incoming.folder=${folder}`,
    "--set",
    "incoming.idleTimeout=3 s",
    "--set",
    "incoming.pollInterval=0.1 s",
  ]);
  await copying;
  const r = await run.done;
  const report = JSON.parse(r.stdout);
  assert.deepEqual(report.skipped, []);
  assert.deepEqual(report.used, [23523, 23526, 23559, 23592]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(filesIn(out), ["stacked-live.fits.gz"]);
  assert.deepEqual([...readDataset(path.join(out, "stacked-live.fits.gz")).counts.geom.dataShape], [11, 250, 250]);
});
