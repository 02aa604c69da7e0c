// Headers without their data: readFitsHeader reads and inflates only the start of a file, and an
// observation answers its metadata (the pointing, a safe mask's thresholds) from headers alone,
// or from headers another reader of the same files gave it (a worker's).
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DataStore } from "../src/index.node.js";
import { readFits, readFitsHeader, toStorePath, writeFits } from "../src/nodejs/index.js";
import { BUNDLED_HESS } from "./fixtures.js";

const folders: string[] = [];
after(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

/** A temporary folder, removed after the tests. */
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "gf-headers-"));
  folders.push(dir);
  return dir;
}

const RUN = "hess_dl3_dr1_obs_id_023523.fits.gz";
const runFile = path.join(BUNDLED_HESS, "data", RUN);

/** A copy of the bundled store in a temporary folder, its run 23523 replaced by `bytes` (removed: null). */
function storeWithRun(bytes: Uint8Array | null): { store: DataStore; dir: string } {
  const dir = tempDir();
  cpSync(BUNDLED_HESS, dir, { recursive: true });
  const file = path.join(dir, "data", RUN);
  if (bytes) writeFileSync(file, bytes);
  else rmSync(file);
  return { store: DataStore.fromDir(toStorePath(dir)), dir };
}

/** The stored bytes of the run file up to the start of its events' data, and a bit more. */
function truncatedAfterEventsHeader(): Uint8Array {
  // 16 KiB of gzip hold the primary and events headers (the first read); the events data go on
  return readFileSync(runFile).subarray(0, 20000);
}

test("readFitsHeader: every HDU's header equals readFits's, the later ones read in longer prefixes", () => {
  const file = readFits(runFile);
  for (const hdu of file.hdus) {
    const header = readFitsHeader(runFile, hdu.name);
    assert.deepEqual(header.cards, hdu.header.cards, hdu.name);
  }
  assert.deepEqual(readFitsHeader(runFile, "events").cards, file.hdu("EVENTS").header.cards, "names in any case");
});

test("readFitsHeader: uncompressed files too, and an HDU the file lacks is readFits's error", () => {
  const dir = tempDir();
  const plain = path.join(dir, "plain.fits");
  const image = new Float32Array(200 * 200).map((_, i) => i);
  writeFits(plain, [
    { kind: "image", data: image, shape: [200, 200] },
    { kind: "image", name: "SECOND", data: image, shape: [200, 200], header: [{ key: "MARK", value: 7 }] },
  ]);
  assert.equal(readFitsHeader(plain, "SECOND").get("MARK"), 7);
  assert.deepEqual(readFitsHeader(plain, "PRIMARY").cards, readFits(plain).hdu(0).header.cards);
  assert.throws(() => readFitsHeader(plain, "NOPE"), /plain\.fits.*no HDU named 'NOPE' \(HDUs: PRIMARY, SECOND\)/);
  assert.throws(() => readFitsHeader(path.join(dir, "absent.fits"), "EVENTS"), /absent\.fits.*cannot read file/);
});

test("readFitsHeader reads the events header of a file cut after it; reading the data names the file", () => {
  const dir = tempDir();
  const cut = path.join(dir, "cut.fits.gz");
  writeFileSync(cut, truncatedAfterEventsHeader());
  assert.deepEqual(readFitsHeader(cut, "EVENTS").cards, readFits(runFile).hdu("EVENTS").header.cards);
  assert.throws(() => readFits(cut), /cut\.fits\.gz.*truncated or corrupt/);
  assert.throws(
    () => readFitsHeader(cut, "AEFF"),
    /cut\.fits\.gz.*truncated or corrupt/,
    "a later header needs the data before it",
  );
});

test("an observation's pointing and metadata come from the events header alone", () => {
  const whole = DataStore.fromDir(toStorePath(BUNDLED_HESS)).obs(23523);
  const { store } = storeWithRun(truncatedAfterEventsHeader());
  const obs = store.obs(23523);
  assert.deepEqual(obs.pointingRadec, whole.pointingRadec);
  assert.equal(obs.deadc, whole.deadc);
  assert.equal(obs.infoText("OBJECT"), whole.infoText("OBJECT"));
  assert.throws(() => obs.events, /observation 23523 events\b.*obs_id_023523\.fits\.gz.*truncated or corrupt/);
  // once the events are read, their header is the one the metadata come from
  assert.equal(whole.events.header, whole.header("events"));
  assert.deepEqual(whole.header("aeff").cards, whole.aeff.meta?.cards, "an IRF's header is its meta");
});

test("headers given by another reader of the same files answer without them", () => {
  const reader = DataStore.fromDir(toStorePath(BUNDLED_HESS)).obs(23523);
  void reader.aeff; // read with its HDU: known
  assert.deepEqual([...reader.knownHeaders().keys()], ["aeff"]);
  void reader.pointingRadec;
  assert.deepEqual([...reader.knownHeaders().keys()].sort(), ["aeff", "events"]);

  const { store } = storeWithRun(null);
  const obs = store.obs(23523);
  assert.throws(() => obs.header("aeff"), /observation 23523 aeff\b.*obs_id_023523\.fits\.gz.*cannot read file/);
  obs.addHeaders(reader.knownHeaders());
  assert.equal(obs.header("aeff").get("LO_THRES"), reader.aeff.meta?.get("LO_THRES"));
  assert.deepEqual(obs.pointingRadec, reader.pointingRadec);
  assert.throws(() => obs.header("psf"), /observation 23523 psf\b.*cannot read file/, "what was not given is read");
});
