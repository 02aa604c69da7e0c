// CHECKSUM and DATASUM (FITS 4.0 appendix J): verified on read, written by our writer; checked
// both ways against astropy (Debian's /usr/bin/python3).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { encodeChecksum, onesComplementSum } from "../src/fits/checksum.js";
import { FitsFile } from "../src/fits/index.js";
import { readFits, writeFits } from "../src/nodejs/index.js";
import { sampleHdus } from "./fits-samples.js";
import { DATA } from "./fixtures.js";
import { expectFitsError, RUN_23523, tempFile } from "./fits-mutate.js";

const PYTHON = "/usr/bin/python3";
const hasAstropy = spawnSync(PYTHON, ["-c", "import astropy.io.fits"]).status === 0;
const needsAstropy = { skip: hasAstropy ? false : "python3 with astropy not available" };

function python(script: string, ...args: string[]): string {
  const result = spawnSync(PYTHON, ["-W", "error", "-c", script, ...args], { encoding: "utf8" });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout;
}

/** Flip one bit of a copy. */
function flipped(bytes: Uint8Array, at: number, bit = 0): Uint8Array {
  const copy = new Uint8Array(bytes);
  copy[at] ^= 1 << bit;
  return copy;
}

test("the ones'-complement sum carries round, and a checksum of the complement makes −0", () => {
  const words = new Uint8Array([0xff, 0xff, 0xff, 0xfe, 0x00, 0x00, 0x00, 0x03]);
  assert.equal(onesComplementSum(words, 0, 8), 0x00000002); // 0xfffffffe + 3 = 0x1_00000001 → 2
  assert.equal(onesComplementSum(new Uint8Array([0x12, 0x34, 0x56]), 0, 3), 0x12345600, "zero-padded tail");
  // the value of a CHECKSUM card starts at byte 11 of the card: 3 past a word boundary
  const sumAtColumn12 = (text: string) => {
    const bytes = new Uint8Array(20);
    bytes.set(new TextEncoder().encode(text), 3);
    return onesComplementSum(bytes, 0, 20);
  };
  for (const value of [0, 1, 0x7fffffff, 0xdeadbeef, 0xfffffffe]) {
    const text = encodeChecksum(value);
    assert.match(text, /^[0-9A-Za-z]{16}$/, `no punctuation in ${text}`);
    const word = new Uint8Array([value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff]);
    const expected = onesComplementSum(word, 0, 4, sumAtColumn12("0".repeat(16)));
    assert.equal(sumAtColumn12(text), expected, `'${text}' sums as sixteen '0' plus 0x${value.toString(16)}`);
  }
});

/** The sum word by word from the definition: big-endian 32-bit words added with end-around carry. */
function referenceSum(bytes: Uint8Array, start: number, end: number, sum = 0): number {
  let total = BigInt(sum);
  for (let i = start; i < end; i += 4) {
    let word = 0n;
    for (let b = 0; b < 4; b++) word = (word << 8n) | BigInt(i + b < end ? bytes[i + b] : 0);
    total += word;
    while (total > 0xffffffffn) total = (total & 0xffffffffn) + (total >> 32n);
  }
  return Number(total);
}

test("the sum word by word equals the definition at every alignment, length and byte value", () => {
  const random = new Uint8Array(40_000);
  let state = 12345;
  for (let i = 0; i < random.length; i++) {
    state = (state * 1103515245 + 12345) >>> 0;
    random[i] = state >>> 24;
  }
  // all bytes 0xff: every 16-bit lane at its largest, where an int32 block sum would overflow first
  for (const bytes of [random, new Uint8Array(40_000).fill(0xff)]) {
    const shifted = new Uint8Array(bytes.length + 8);
    for (const skew of [0, 1, 2, 3]) {
      shifted.set(bytes, skew);
      const view = shifted.subarray(skew); // byteOffset % 4 === skew
      for (const [start, end] of [
        [0, 40_000],
        [4, 39_997],
        [1, 2881],
        [2, 515],
        [3, 7],
        [8, 8],
      ]) {
        const initial = (start * 0x9e3779b1) >>> 0;
        assert.equal(
          onesComplementSum(view, start, end, initial),
          referenceSum(view, start, end, initial),
          `skew ${skew}, bytes ${start}–${end}`,
        );
      }
    }
  }
});

test("every HDU we write carries CHECKSUM and DATASUM that astropy verifies", needsAstropy, () => {
  const p = tempFile("ours.fits", new Uint8Array(0));
  writeFits(p, sampleHdus());
  for (const hdu of readFits(p).hdus) {
    assert.match(String(hdu.header.get("CHECKSUM")), /^[0-9A-Za-z]{16}$/, hdu.name);
    assert.match(String(hdu.header.get("DATASUM")), /^\d+$/, hdu.name);
  }
  const out = python(
    "import sys\nfrom astropy.io import fits\nwith fits.open(sys.argv[1], checksum=True) as f:\n" +
      "    print(' '.join(f'{h.name}:{h.verify_checksum()}{h.verify_datasum()}' for h in f))",
    p,
  );
  assert.equal(out.trim(), "PRIMARY:11 INT16:11 INT32:11 INT64:11 F64:11 BYTES:11 EVENTS:11");
});

test("a run written by astropy with checksum=True reads; one flipped bit names the file and HDU", needsAstropy, () => {
  const p = tempFile("astropy-23523.fits", new Uint8Array(0));
  python(
    "import sys\nfrom astropy.io import fits\nwith fits.open(sys.argv[1]) as f:\n" +
      "    f.writeto(sys.argv[2], checksum=True)",
    RUN_23523,
    p,
  );
  const bytes = new Uint8Array(readFileSync(p));
  const file = FitsFile.parse(bytes, { fileName: p });
  assert.equal(file.hdus.length, 7);
  assert.ok(file.hdus.every((h) => h.header.has("CHECKSUM") && h.header.has("DATASUM")));
  assert.deepEqual(file.table("EVENTS").column("ENERGY"), readFits(RUN_23523).table("EVENTS").column("ENERGY"));

  const events = bytes.indexOf(0x58, 2880); // the 'X' of XTENSION = 'BINTABLE' of EVENTS
  const text = new TextDecoder("latin1").decode(bytes);
  const objectValue = text.indexOf("OBJECT  = '", events) + 11; // a letter: a flipped low bit stays ASCII
  expectFitsError(
    () => readFits(tempFile("flip-header.fits", flipped(bytes, objectValue))),
    /flip-header\.fits/,
    /HDU 1 \(EVENTS\), card CHECKSUM/,
    /CHECKSUM '[0-9A-Za-z]{16}' does not match/,
    /verifyChecksums: false/,
  );
  const lastData = bytes.length - 2880 * 3; // inside BKG's data
  expectFitsError(
    () => readFits(tempFile("flip-data.fits", flipped(bytes, lastData, 5))),
    /flip-data\.fits/,
    /HDU 6 \(BKG\), card DATASUM/,
    /DATASUM '\d+' but the data sum to \d+/,
  );
  const optOut = readFits(tempFile("flip-ok.fits", flipped(bytes, lastData, 5)), { verifyChecksums: false });
  assert.equal(optOut.hdus.length, 7);
});

const FERMI_PSF = DATA.path("fermi_3fhl/fermi_3fhl_psf_gc.fits.gz");

test("a real file with CHECKSUM (Fermi 3FHL PSF) verifies; a flipped data bit is caught", {
  ...DATA.needs("fermi_3fhl/fermi_3fhl_psf_gc.fits.gz"),
}, () => {
  const file = readFits(FERMI_PSF);
  assert.ok(file.hdus.every((h) => h.header.has("CHECKSUM")));
  const bytes = gunzipSync(readFileSync(FERMI_PSF));
  expectFitsError(
    () => readFits(tempFile("fermi-flip.fits", flipped(bytes, bytes.length - 4000))),
    /fermi-flip\.fits/,
    /HDU \d \(\w+\), card (DATASUM|CHECKSUM)/,
  );
});
