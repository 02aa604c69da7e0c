// gzip of FITS files with zlib's strategy per HDU (fits-gzip.ts): one gzip member that inflates
// to the file, sync and async alike; floating-point images by runs, integer masks by matches.
import { test } from "node:test";
import assert from "node:assert/strict";
import { constants, crc32, deflateRawSync, gunzipSync, gzipSync } from "node:zlib";
import { datasetToHdus } from "../src/datasets/index.js";
import { writeFitsBytesWithEnds } from "../src/fits/index.js";
import { GZIP, gzipFits, gzipFitsAsync, type CompressionSpan } from "../src/nodejs/fits-gzip.js";
import { readDataset } from "../src/nodejs/index.js";
import { fixturePath } from "./fixtures.js";

/** The MSH 15-52 stack fixture's FITS bytes and one span per HDU, floats by runs. */
function datasetFile(): { bytes: Uint8Array; spans: CompressionSpan[]; names: string[] } {
  const hdus = datasetToHdus(readDataset(fixturePath("fit_msh1552_stack.fits.gz")));
  const { bytes, ends } = writeFitsBytesWithEnds(hdus);
  const spans = hdus.map((hdu, i) => ({
    end: ends[i],
    runLength: hdu.kind === "image" && (hdu.data instanceof Float32Array || hdu.data instanceof Float64Array),
  }));
  const names = hdus.map((hdu) => (hdu.kind === "copy" ? "" : (hdu.name ?? "")));
  return { bytes, spans, names };
}

const deflatedSize = (part: Uint8Array, strategy: number) => deflateRawSync(part, { ...GZIP, strategy }).length;

test("one gzip member that inflates to the file: its trailer holds the whole file's CRC and length", async () => {
  const { bytes, spans } = datasetFile();
  const sync = gzipFits(bytes, spans);
  assert.deepEqual(gunzipSync(sync), Buffer.from(bytes));
  assert.deepEqual([...sync.subarray(0, 4)], [0x1f, 0x8b, 8, 0]);
  assert.equal(sync[8], 4, "XFL: compressed at the fastest level");
  const trailer = Buffer.from(sync.subarray(sync.length - 8));
  assert.equal(trailer.readUInt32LE(0), crc32(bytes));
  assert.equal(trailer.readUInt32LE(4), bytes.length);
  assert.deepEqual(await gzipFitsAsync(bytes, spans), sync);
  // without spans: zlib's gzip of the whole file, as before
  assert.deepEqual(gzipFits(bytes), gzipSync(bytes, GZIP));
  assert.deepEqual(await gzipFitsAsync(bytes), gzipSync(bytes, GZIP));
});

test("each HDU gets its strategy: the 0/1 mask by matches, floating-point images by runs", () => {
  const { bytes, spans, names } = datasetFile();
  const mask = names.indexOf("MASK_SAFE");
  const counts = names.indexOf("COUNTS");
  assert.ok(mask > 0 && counts > 0 && !spans[mask].runLength && spans[counts].runLength);
  const part = (i: number) => bytes.subarray(spans[i - 1].end, spans[i].end);
  // runs would make the mask many times larger: its stretch, compressed alone, stays near zlib's default
  const maskOnly = spans.map((s, i) => ({ end: s.end, runLength: i !== mask }));
  const withMaskByRuns = spans.map((s) => ({ end: s.end, runLength: true }));
  assert.ok(deflatedSize(part(mask), constants.Z_RLE) > 5 * deflatedSize(part(mask), constants.Z_DEFAULT_STRATEGY));
  assert.ok(gzipFits(bytes, maskOnly).length < gzipFits(bytes, withMaskByRuns).length);
  // floating-point data by runs cost next to nothing in size (and take less than half the time)
  const byMatches = spans.map((s) => ({ end: s.end, runLength: false }));
  assert.ok(gzipFits(bytes, spans).length < 1.01 * gzipFits(bytes, byMatches).length);
});

test("spans that do not cover the file are refused", () => {
  const { bytes, spans } = datasetFile();
  assert.throws(() => gzipFits(bytes, spans.slice(0, -1)), /compression spans end at \d+, not at \d+/);
  assert.throws(() => gzipFits(bytes, []), RangeError);
});
