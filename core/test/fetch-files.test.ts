// The browser file access (fetch + DecompressionStream), run in Node 20 against a local HTTP server.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { DataStore, FetchFileAccess } from "../src/index.js";
import { nodeFiles, readFits, toStorePath } from "../src/nodejs/index.js";
import { BUNDLED_HESS, REPO_ROOT } from "./fixtures.js";

const DATA = path.join(REPO_ROOT, "data");
const RUN_23592 = path.join(BUNDLED_HESS, "data", "hess_dl3_dr1_obs_id_023592.fits.gz");

/** Paths asked for, in order. */
const requests: string[] = [];
let server: Server;
let origin: string;

// Serves data/ at "/"; under "/encoded/" the same bytes with Content-Encoding: gzip (fetch gunzips those
// itself); "/broken" answers 500.
before(async () => {
  server = createServer((req, res) => {
    const pathname = decodeURIComponent(new URL(req.url ?? "/", "http://localhost").pathname);
    requests.push(pathname);
    if (pathname === "/broken") return void res.writeHead(500).end();
    const encoded = pathname.startsWith("/encoded/");
    const file = path.join(DATA, encoded ? pathname.slice("/encoded".length) : pathname);
    if (!file.startsWith(DATA + path.sep) || !existsSync(file) || !statSync(file).isFile()) {
      return void res.writeHead(404).end();
    }
    const encoding = encoded ? { "content-encoding": "gzip" } : {};
    res.writeHead(200, { "content-type": "application/octet-stream", ...encoding });
    res.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => {
  server.closeAllConnections();
  server.close();
});

const diskStore = () => DataStore.fromDir(toStorePath(BUNDLED_HESS), { files: nodeFiles });

test("DataStore.fromUrl + prefetch: run 23592 over HTTP has the events, GTI and IRFs read from disk", async () => {
  requests.length = 0;
  const store = await DataStore.fromUrl(`${origin}/hess-dl3-dr1/`);
  assert.deepEqual(requests, ["/hess-dl3-dr1/hdu-index.fits.gz", "/hess-dl3-dr1/obs-index.fits.gz"]);
  assert.deepEqual(store.obsIds, [23523, 23526, 23559, 23592]);
  await Promise.all([store.prefetch([23592]), store.prefetch([23592])]);
  assert.equal(requests.filter((p) => p.endsWith("023592.fits.gz")).length, 1, "one file, fetched once");
  assert.equal(requests.length, 3);
  assert.ok(store.filesPresent(23592));
  assert.ok(!store.filesPresent(23523), "not fetched");

  const obs = store.obs(23592);
  const disk = diskStore().obs(23592);
  assert.equal(obs.events.length, readFits(RUN_23592).table("EVENTS").nrows);
  assert.equal(obs.events.length, disk.events.length);
  assert.deepEqual(obs.events.column("ENERGY"), disk.events.column("ENERGY"));
  assert.deepEqual([...obs.gti.start], [...disk.gti.start]);
  assert.equal(obs.observationLiveTimeDuration, disk.observationLiveTimeDuration);
  const at = { energy_true: 1, offset: 0.5 };
  assert.deepEqual(obs.aeff.evaluate(at), disk.aeff.evaluate(at));
});

test("a run not prefetched is an error saying to prefetch; a file the server lacks reads as 404", async () => {
  const store = await DataStore.fromUrl(`${origin}/hess-dl3-dr1`);
  assert.throws(() => store.obs(23523).events, /not fetched yet: await load\(\[path\]\) or the data store's prefetch/);
  const access = new FetchFileAccess(origin);
  await access.load(["/hess-dl3-dr1/none.fits"]);
  assert.equal(access.exists("/hess-dl3-dr1/none.fits"), false);
  assert.throws(() => access.readFits("/hess-dl3-dr1/none.fits"), /none\.fits: cannot read file: .* answered 404/);
  await assert.rejects(access.load(["/broken"]), /FetchFileAccess: http:\/\/127\.0\.0\.1:\d+\/broken: HTTP 500/);
  const nowhere = DataStore.fromUrl(`${origin}/nowhere/`);
  await assert.rejects(nowhere, /index file not found .*\/nowhere\/hdu-index\.fits\.gz/);
});

test("files served with Content-Encoding: gzip (already gunzipped by fetch) read the same", async () => {
  const store = await DataStore.fromUrl(`${origin}/encoded/hess-dl3-dr1/`);
  await store.prefetch([23592]);
  assert.equal(store.obs(23592).events.length, readFits(RUN_23592).table("EVENTS").nrows);
});

test("FetchFileAccess.load then DataStore.fromDir with { files }, and forget", async () => {
  const access = new FetchFileAccess(`${origin}/`, { env: { STORE: "hess-dl3-dr1" } });
  await access.load(["/hess-dl3-dr1/hdu-index.fits.gz", "/hess-dl3-dr1/obs-index.fits.gz"]);
  const store = DataStore.fromDir("/$STORE", { files: access });
  await store.prefetch([23592]);
  assert.equal(store.obs(23592).events.length, readFits(RUN_23592).table("EVENTS").nrows);
  access.forget();
  assert.equal(access.exists("/hess-dl3-dr1/hdu-index.fits.gz"), false);
});
