import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { type BinTableHdu, FitsError, FitsFile, writeFitsBytes } from "../src/fits/index.js";
import { readFits } from "../src/nodejs/index.js";
import { fixturePath } from "./fixtures.js";

const dir = mkdtempSync(path.join(tmpdir(), "gammaflow-fits-"));
const good = readFileSync(fixturePath("fits", "table.fits"));

function fileWith(name: string, bytes: Uint8Array): string {
  const p = path.join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

/** Replace the header card starting with `key` in the given bytes. */
function patchCard(bytes: Uint8Array, key: string, card: string): Uint8Array {
  const copy = new Uint8Array(bytes);
  const text = new TextDecoder("latin1").decode(copy);
  let at = -1;
  for (let i = 0; i < text.length; i += 80) if (text.startsWith(key.padEnd(8), i)) at = i;
  assert.ok(at >= 0, `card ${key} present`);
  for (let i = 0; i < 80; i++) copy[at + i] = card.padEnd(80).charCodeAt(i);
  return copy;
}

function expectFitsError(fn: () => unknown, ...patterns: RegExp[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof FitsError, `a FitsError, got ${String(e)}`);
    for (const p of patterns) assert.match(e.message, p);
    return true;
  });
}

test("a truncated file names the file and the HDU whose data are missing", () => {
  const p = fileWith("truncated.fits", good.subarray(0, good.length - 3000));
  expectFitsError(() => readFits(p), /truncated\.fits/, /HDU 1 \(TABLE\)/, /beyond the end of the file/);
});

test("a truncated gzip file names the file", () => {
  const p = fileWith("truncated.fits.gz", gzipSync(good).subarray(0, 400));
  expectFitsError(() => readFits(p), /truncated\.fits\.gz/, /gzip data are truncated or corrupt/);
});

test("a header without END is reported", () => {
  const text = "SIMPLE  =                    T".padEnd(80) + "BITPIX  =                    8".padEnd(80);
  const bytes = new Uint8Array(2880).fill(0x20);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  expectFitsError(() => FitsFile.parse(bytes, { fileName: "noend.fits" }), /noend\.fits/, /HDU 0/, /no END card/);
});

test("sizes in NAXISn and PCOUNT larger than the file are refused before allocating", () => {
  const huge = patchCard(good, "NAXIS2", "NAXIS2  =           1000000000");
  expectFitsError(
    () => FitsFile.parse(huge, { fileName: "huge.fits" }),
    /huge\.fits/,
    /HDU 1 \(TABLE\)/,
    /beyond the end/,
  );
  const pcount = patchCard(good, "PCOUNT", "PCOUNT  =         999999999999");
  expectFitsError(() => FitsFile.parse(pcount, { fileName: "pcount.fits" }), /pcount\.fits/, /beyond the end/);
  const negative = patchCard(good, "NAXIS2", "NAXIS2  =                   -5");
  expectFitsError(() => FitsFile.parse(negative, { fileName: "neg.fits" }), /NAXIS2 = -5 is not an integer/);
});

test("an unknown TFORM names the column", () => {
  const bad = patchCard(good, "TFORM3", "TFORM3  = 'Z       '");
  expectFitsError(
    () => FitsFile.parse(bad, { fileName: "tform.fits" }),
    /tform\.fits/,
    /column 3 'BYTE'/,
    /unknown TFORM 'Z'/,
  );
});

test("column widths that disagree with NAXIS1 are refused", () => {
  const bad = patchCard(good, "TFORM3", "TFORM3  = 'I       '");
  expectFitsError(() => FitsFile.parse(bad, { fileName: "width.fits" }), /width\.fits/, /NAXIS1/);
});

test("bad card syntax names the card", () => {
  const bad = patchCard(good, "TFIELDS", "TFIELDS =  1x5 / not a number");
  expectFitsError(
    () => FitsFile.parse(bad, { fileName: "card.fits" }),
    /card\.fits/,
    /card TFIELDS/,
    /cannot parse value '1x5'/,
  );
  const quote = patchCard(good, "TTYPE1", "TTYPE1  = 'FLAG");
  expectFitsError(() => FitsFile.parse(quote, { fileName: "quote.fits" }), /card TTYPE1/, /unterminated string/);
});

test("not FITS at all, and a missing HDU or bad BITPIX", () => {
  expectFitsError(
    () => FitsFile.parse(new Uint8Array(3000), { fileName: "zeros.bin" }),
    /zeros\.bin/,
    /first card is not SIMPLE/,
  );
  expectFitsError(() => FitsFile.parse(new Uint8Array(10), { fileName: "tiny.bin" }), /less than one 2880-byte block/);
  expectFitsError(
    () => readFits(fixturePath("fits", "table.fits")).hdu("EVENTS"),
    /no HDU named 'EVENTS' \(HDUs: PRIMARY, TABLE\)/,
  );
  expectFitsError(
    () => readFits(fixturePath("fits", "table.fits")).table("PRIMARY"),
    /table\.fits/,
    /HDU 'PRIMARY' is not a binary table/,
  );
  expectFitsError(() => readFits(fixturePath("fits", "table.fits")).image(1), /HDU 'TABLE' is not an image/);
  const bitpix = patchCard(good, "BITPIX", "BITPIX  =                   12");
  expectFitsError(() => FitsFile.parse(bitpix, { fileName: "bitpix.fits" }), /invalid BITPIX 12/);
  expectFitsError(() => readFits(path.join(dir, "missing.fits")), /missing\.fits/, /cannot read file/);
});

test("a variable-length array pointing outside the heap names the row and column", () => {
  const bytes = writeFitsBytes([{ kind: "image", data: new Float32Array(0), shape: [] }]);
  // Build a one-row table with a 1PJ column whose descriptor points past the (empty) heap.
  const table = new Uint8Array(2880 * 2).fill(0x20);
  const cards = [
    "XTENSION= 'BINTABLE'",
    "BITPIX  =                    8",
    "NAXIS   =                    2",
    "NAXIS1  =                    8",
    "NAXIS2  =                    1",
    "PCOUNT  =                    0",
    "GCOUNT  =                    1",
    "TFIELDS =                    1",
    "TTYPE1  = 'VLA     '",
    "TFORM1  = '1PJ(4)  '",
    "EXTNAME = 'T       '",
    "END",
  ];
  cards.forEach((c, i) => {
    for (let k = 0; k < 80; k++) table[i * 80 + k] = c.padEnd(80).charCodeAt(k);
  });
  table.fill(0, 2880);
  new DataView(table.buffer).setInt32(2880, 4);
  new DataView(table.buffer).setInt32(2884, 100);
  const all = new Uint8Array(bytes.length + table.length);
  all.set(bytes);
  all.set(table, bytes.length);
  const t = FitsFile.parse(all, { fileName: "vla.fits" }).hdu("T") as BinTableHdu;
  expectFitsError(() => t.column("VLA"), /vla\.fits/, /column 'VLA'/, /row 0/, /outside the heap/);
});
