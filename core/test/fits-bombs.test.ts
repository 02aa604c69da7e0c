// Size bombs (issue 15): gzip members inflating to gigabytes and headers declaring gigabytes are
// refused early, in Node (zlib) and in the browser path (DecompressionStream), with the peak memory
// of the reading process under 1 GiB. The bombs are made here, a few MB on disk.
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { closeSync, openSync, ftruncateSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { constants, deflateRawSync } from "node:zlib";
import { FetchFileAccess } from "../src/data/fetch-files.js";
import { DEFAULT_MAX_FITS_BYTES, FitsError } from "../src/fits/index.js";
import { maxFitsBytes, readFits } from "../src/nodejs/index.js";
import { cardOffset, expectFitsError, RUN_23523, run23523, tempFile, withCard } from "./fits-mutate.js";
import { REPO_ROOT } from "./fixtures.js";

const GiB = 1024 ** 3;
const ZEROS = Buffer.alloc(64 * 1024 ** 2);
/** 64 MiB of zeros deflated, ending on a full flush: copies of it may follow each other. */
const ZEROS_DEFLATED = deflateRawSync(ZEROS, { finishFlush: constants.Z_FULL_FLUSH });

/**
 * One gzip member: `head` then `zeroBytes` zeros (in 64 MiB steps). Its CRC is left 0: every
 * bomb must be refused before the reader gets to the trailer.
 */
function gzipBomb(head: Uint8Array, zeroBytes: number): Uint8Array {
  const parts: Uint8Array[] = [Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff])];
  if (head.length) parts.push(deflateRawSync(head, { finishFlush: constants.Z_FULL_FLUSH }));
  for (let n = 0; n < zeroBytes; n += ZEROS.length) parts.push(ZEROS_DEFLATED);
  parts.push(deflateRawSync(Buffer.alloc(0)), Buffer.alloc(8)); // the final block, CRC and ISIZE
  return Buffer.concat(parts);
}

const CORE = path.join(REPO_ROOT, "core", "dist", "src");
// The reading process: reads the file with readFits or FetchFileAccess, prints its error and peak RSS.
const READER = `
  const [mode, file] = process.argv.slice(1);
  let error;
  try {
    if (mode === "node") {
      const { readFits } = await import(${JSON.stringify(pathToFileURL(path.join(CORE, "nodejs/index.js")).href)});
      readFits(file);
    } else {
      const { FetchFileAccess } = await import(${JSON.stringify(pathToFileURL(path.join(CORE, "index.js")).href)});
      const { openAsBlob } = await import("node:fs");
      const blob = await openAsBlob(file);
      const access = new FetchFileAccess("http://localhost/", { fetch: async () => new Response(blob.stream()) });
      const name = "/" + file.split("/").pop();
      await access.load([name]);
      access.readFits(name);
    }
  } catch (e) { error = e.message; }
  console.log(JSON.stringify({ error, maxRss: process.resourceUsage().maxRSS * 1024 }));
`;

function readInChild(mode: "node" | "fetch", file: string): { error?: string; maxRss: number } {
  const env = { ...process.env };
  delete env.GAMMAFLOW_MAX_FITS_BYTES;
  const result = spawnSync(process.execPath, ["--input-type=module", "-e", READER, mode, file], {
    encoding: "utf8",
    env,
  });
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout);
}

function expectRefused(t: TestContext, file: string, pattern: RegExp): void {
  for (const mode of ["node", "fetch"] as const) {
    const { error, maxRss } = readInChild(mode, file);
    assert.match(error ?? "(read without error)", pattern, mode);
    assert.match(error ?? "", new RegExp(path.basename(file).replace(/\./g, "\\.")), `${mode}: names the file`);
    t.diagnostic(`${path.basename(file)}, ${mode}: peak RSS ${(maxRss / 2 ** 20).toFixed(0)} MiB`);
    assert.ok(maxRss < GiB, `${mode}: peak RSS ${(maxRss / 2 ** 20).toFixed(0)} MiB, under 1 GiB`);
  }
}

test("the default limit keeps a bomb's buffer and the process under 1 GiB", () => {
  assert.equal(DEFAULT_MAX_FITS_BYTES, 512 * 1024 ** 2);
});

test("a gzip member of 5 GiB of zeros: not FITS, refused from its first bytes", (t) => {
  const p = tempFile("zeros-5gib.fits.gz", gzipBomb(new Uint8Array(0), 5 * GiB));
  expectRefused(t, p, /not a FITS file: the first card is not SIMPLE/);
});

test("a real run followed by 5 GiB of zeros in one gzip member stops at the limit", (t) => {
  const p = tempFile("run-then-zeros.fits.gz", gzipBomb(run23523, 5 * GiB));
  expectRefused(t, p, /inflates beyond 536870912 bytes; raise the limit with the maxBytes option/);
});

/** Where the EVENTS rows of run 23523 start. */
const eventsData = Math.ceil((cardOffset(1, "END") + 80) / 2880) * 2880;

/** Run 23523 up to its EVENTS rows, EVENTS declaring `bytes` bytes of rows. */
function eventsDeclaring(bytes: number): Uint8Array {
  const rows = Math.floor(bytes / 28);
  return withCard(1, "NAXIS2", `NAXIS2  = ${String(rows).padStart(20)}`).subarray(0, eventsData);
}

test("a FITS declaring 2 GiB of events, gzipped: refused at the EVENTS header", (t) => {
  const p = tempFile("events-2gib.fits.gz", gzipBomb(eventsDeclaring(2 * GiB), 2 * GiB));
  expectRefused(t, p, /HDU 1 \(EVENTS\): data of 2147483632 bytes .* beyond the limit of 536870912 bytes/);
});

test("an uncompressed file larger than the limit is refused before it is read", () => {
  const p = tempFile("events-2gib.fits", eventsDeclaring(2 * GiB));
  const fd = openSync(p, "r+");
  ftruncateSync(fd, eventsData + 2 * GiB); // sparse: no disk taken
  closeSync(fd);
  expectFitsError(
    () => readFits(p),
    /events-2gib\.fits/,
    new RegExp(`file of ${eventsData + 2 * GiB} bytes exceeds the limit of 536870912`),
  );
});

test("the limit comes from the maxBytes option, else $GAMMAFLOW_MAX_FITS_BYTES", () => {
  const saved = process.env.GAMMAFLOW_MAX_FITS_BYTES;
  try {
    process.env.GAMMAFLOW_MAX_FITS_BYTES = "600000"; // more than the file, less than it inflates to
    assert.equal(maxFitsBytes(), 600000);
    expectFitsError(() => readFits(RUN_23523), /obs_id_023523\.fits\.gz/, /beyond .*600000 bytes/);
    assert.equal(readFits(RUN_23523, { maxBytes: 2_000_000 }).hdus.length, 7);
    process.env.GAMMAFLOW_MAX_FITS_BYTES = "1 GiB";
    expectFitsError(() => readFits(RUN_23523), /\$GAMMAFLOW_MAX_FITS_BYTES = '1 GiB' is not a positive whole number/);
  } finally {
    if (saved === undefined) delete process.env.GAMMAFLOW_MAX_FITS_BYTES;
    else process.env.GAMMAFLOW_MAX_FITS_BYTES = saved;
  }
  const uncompressed = tempFile("run.fits", run23523);
  expectFitsError(() => readFits(uncompressed, { maxBytes: 10_000 }), /file of 947520 bytes exceeds the limit/);
});

test("the browser path caps what it downloads as well as what it inflates", async () => {
  const access = new FetchFileAccess("http://localhost/", {
    fetch: async () => new Response(new Blob([run23523]).stream()),
    maxBytes: 100_000,
  });
  await assert.rejects(access.load(["/run.fits"]), (e: unknown) => {
    assert.ok(e instanceof FitsError);
    assert.match(e.message, /^\/run\.fits: downloads beyond 100000 bytes; raise the limit with the maxBytes option/);
    return true;
  });
});
