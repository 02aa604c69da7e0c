import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, mkdtempSync, truncateSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { lastValueFrom, tap, toArray } from "rxjs";
import { DataStore } from "@gammaflow/core";
import { toStorePath } from "@gammaflow/core/node";
import { copyStoreInChunks } from "@gammaflow/core/testing";
import {
  createContainer,
  createRunContainer,
  instantiateNode,
  MemoryLogger,
  type ErrorRecord,
  type Message,
} from "@gammaflow/pipeline";
import { nodeDataAccess } from "@gammaflow/pipeline/node";
import { watchSourcePlugin } from "../src/index.js";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..");
const STORE = path.join(REPO, "data", "hess-dl3-dr1");
const IDS = [23523, 23526, 23559, 23592];
const temp = (label: string) => mkdtempSync(path.join(tmpdir(), `gammaflow-${label}-`));

function watch(folder: string, params: Record<string, string>) {
  const container = createRunContainer(createContainer({ data: nodeDataAccess(REPO), logger: new MemoryLogger() }));
  return instantiateNode(watchSourcePlugin, { folder, ...params }, container, "incoming")(undefined as never);
}

/** What the reduction reads first of a run, read at once as a map maker would: events and IRFs. */
function readAtOnce(m: Message): [number, number] | ErrorRecord {
  if (m.kind === "error") return m;
  if (m.kind !== "observation") throw new Error(`unexpected ${m.kind}`);
  const { observation } = m;
  return [observation.obsId, observation.events.length + observation.aeff.data.length + observation.gti.length];
}

test("watch-source: runs listed before their files are complete are retried until whole, each read once", {
  timeout: 60_000,
}, async () => {
  const folder = temp("watch-chunks");
  const source = DataStore.fromDir(toStorePath(STORE));
  const want = IDS.map((id) => {
    const o = source.obs(id);
    return [id, o.events.length + o.aeff.data.length + o.gti.length];
  });
  const copying = copyStoreInChunks(STORE, folder, { chunkBytes: 48 * 1024, pauseMs: 25 });
  const read: Array<[number, number] | ErrorRecord> = [];
  const stream = watch(folder, { idleTimeout: "1 s", pollInterval: "0.02 s", completeTimeout: "30 s" });
  await Promise.all([
    copying,
    lastValueFrom(
      stream.pipe(
        tap((m) => read.push(readAtOnce(m))),
        toArray(),
      ),
    ),
  ]);
  assert.deepEqual(
    read.sort((a, b) => (Array.isArray(a) && Array.isArray(b) ? a[0] - b[0] : 0)),
    want,
    "every run once, complete",
  );
});

/** A copy of the bundled store whose run 23559 stopped half-way. */
function storeWithTruncatedRun(): string {
  const folder = temp("watch-truncated");
  mkdirSync(path.join(folder, "data"));
  for (const name of ["hdu-index.fits.gz", "obs-index.fits.gz"])
    copyFileSync(path.join(STORE, name), path.join(folder, name));
  for (const id of IDS) {
    const name = `hess_dl3_dr1_obs_id_${String(id).padStart(6, "0")}.fits.gz`;
    copyFileSync(path.join(STORE, "data", name), path.join(folder, "data", name));
  }
  truncateSync(path.join(folder, "data", "hess_dl3_dr1_obs_id_023559.fits.gz"), 200_000);
  return folder;
}

test("watch-source: a run whose file never completes is reported after completeTimeout, naming file and cause", {
  timeout: 30_000,
}, async () => {
  const folder = storeWithTruncatedRun();
  const started = Date.now();
  const out = await lastValueFrom(
    watch(folder, { idleTimeout: "0.2 s", pollInterval: "0.05 s", completeTimeout: "0.6 s" }).pipe(toArray()),
  );
  const elapsed = Date.now() - started;
  assert.deepEqual(
    out.map((m) => [m.kind, m.obsId]),
    [
      ["observation", 23523],
      ["observation", 23526],
      ["observation", 23592],
      ["error", 23559],
    ],
  );
  const record = out[3] as ErrorRecord;
  assert.equal(record.node, "incoming");
  assert.match(record.message, /still incomplete after 0\.[6-9]\d* s|still incomplete after 1\.\d s/);
  assert.match(record.message, /hess_dl3_dr1_obs_id_023559\.fits\.gz/);
  assert.match(record.message, /truncated|corrupt/);
  assert.ok(elapsed >= 600 && elapsed < 5000, `${elapsed} ms`);
});

test("watch-source asked to finish takes no queued run and reports the incomplete one", {
  timeout: 30_000,
}, async () => {
  const finish = new AbortController();
  const logger = new MemoryLogger();
  const container = createRunContainer(createContainer({ data: nodeDataAccess(REPO), logger }), {
    finish: finish.signal,
  });
  const params = { folder: storeWithTruncatedRun(), pollInterval: "0.05 s", completeTimeout: "60 s" };
  const stream = instantiateNode(watchSourcePlugin, params, container, "incoming")(undefined as never);
  const out = await lastValueFrom(
    stream.pipe(
      tap(() => finish.abort()),
      toArray(),
    ),
  );
  assert.deepEqual(
    out.map((m) => [m.kind, m.obsId]),
    [
      ["observation", 23523],
      ["error", 23559],
    ],
  );
  assert.match((out[1] as ErrorRecord).message, /still incomplete when the run was asked to finish: .*023559/);
  assert.ok(logger.lines.some((l) => /finishing: not taken 23526, 23592/.test(l.message)));
});
