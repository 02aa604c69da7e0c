// Hostile input (issue 15): mutated copies of a real H.E.S.S. run must be refused with the
// file, HDU, card or column and the bad value, never read as something else.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFits } from "../src/nodejs/index.js";
import { cardOffset, expectFitsError, hduStarts, run23523, tempFile, withCard } from "./fits-mutate.js";

test("EVENTS NAXIS2 = 0: the event rows are not read as the next header", () => {
  const p = tempFile("naxis2-zero.fits", withCard(1, "NAXIS2", "NAXIS2  =                    0"));
  const rowsStart = cardOffset(1, "END") - ((cardOffset(1, "END") - hduStarts[1]) % 2880) + 2880;
  expectFitsError(
    () => readFits(p),
    /naxis2-zero\.fits/,
    /HDU 2/,
    new RegExp(`expected the XTENSION card at byte ${rowsStart}`),
    /neither an HDU header nor zero padding/,
  );
});

test("a blanked END card: the data after the header are refused as header cards", () => {
  const p = tempFile("blank-end.fits", withCard(1, "END", ""));
  expectFitsError(() => readFits(p), /blank-end\.fits/, /HDU 1/, /not printable ASCII/, /END card\?/);
  const gti = tempFile("blank-end-gti.fits", withCard(2, "END", ""));
  expectFitsError(() => readFits(gti), /HDU 2/, /not printable ASCII|inside a header/);
});

test("an END card with text after END is not an END card", () => {
  const p = tempFile("end-text.fits", withCard(2, "END", "END     junk"));
  expectFitsError(
    () => readFits(p),
    /end-text\.fits/,
    /HDU 2/,
    /END card at byte \d+ is not blank after END: 'END {5}junk'/,
  );
});

test("a header card with a byte outside ASCII 32–126 names the byte and its column", () => {
  const bytes = new Uint8Array(run23523);
  const at = cardOffset(1, "OBJECT");
  bytes[at + 12] = 0xe9;
  const p = tempFile("latin1.fits", bytes);
  expectFitsError(
    () => readFits(p),
    /latin1\.fits/,
    /HDU 1/,
    new RegExp(`header card at byte ${at} has byte 0xe9 at column 13`),
  );
});

test("the primary HDU starts with SIMPLE, an extension with XTENSION", () => {
  const p = tempFile("no-xtension.fits", withCard(3, "XTENSION", "EXTNAME = 'AEFF'"));
  expectFitsError(
    () => readFits(p),
    /no-xtension\.fits/,
    /HDU 3/,
    new RegExp(`expected the XTENSION card at byte ${hduStarts[3]}, found 'EXTNAME = 'AEFF''`),
  );
});

test("trailing bytes after the last HDU: zero padding is accepted, anything else names its offset", () => {
  const end = run23523.length;
  const padded = new Uint8Array(end + 5000);
  padded.set(run23523);
  assert.equal(readFits(tempFile("zero-tail.fits", padded)).hdus.length, 7);
  padded[end + 100] = 0x41;
  expectFitsError(
    () => readFits(tempFile("junk-tail.fits", padded)),
    /junk-tail\.fits/,
    /HDU 7/,
    new RegExp(`expected the XTENSION card at byte ${end}, found bytes 00 00`),
  );
});

test("a TDIM that disagrees with the TFORM repeat count is refused on open, naming the column", () => {
  const p = tempFile("tdim.fits", withCard(3, "TDIM5", "TDIM5   = '(999999,999999,999999)'"));
  expectFitsError(
    () => readFits(p),
    /tdim\.fits/,
    /HDU 3 \(AEFF\)/,
    /column 5 'EFFAREA', card TDIM5/,
    /TDIM '\(999999,999999,999999\)' holds 999997000002999999 values but the TFORM repeat count is 576/,
  );
  const zero = tempFile("tdim-zero.fits", withCard(3, "TDIM5", "TDIM5   = '(0,6)'"));
  expectFitsError(() => readFits(zero), /column 5 'EFFAREA'/, /cannot parse TDIM '\(0,6\)' \(positive integers/);
  const empty = tempFile("tdim-commas.fits", withCard(3, "TDIM5", "TDIM5   = '(,,)'"));
  expectFitsError(() => readFits(empty), /column 5 'EFFAREA'/, /cannot parse TDIM '\(,,\)'/);
});

test("TFORM repeat counts, NAXIS1, BITPIX, NAXISn, PCOUNT, GCOUNT and THEAP are checked", () => {
  const cases: Array<[string, number, string, string, RegExp]> = [
    ["repeat", 3, "TFORM5", "TFORM5  = '99999999999999999999E'", /column 5 'EFFAREA'.*repeat count too large/],
    ["naxis1", 3, "NAXIS1", "NAXIS1  =                 3124", /columns take 3120 bytes per row but NAXIS1 = 3124/],
    [
      "bitpix",
      1,
      "BITPIX",
      "BITPIX  =                   16",
      /HDU 1 \(EVENTS\), card BITPIX.*BITPIX = 16 in an BINTABLE/,
    ],
    ["bitpix7", 0, "BITPIX", "BITPIX  =                    7", /HDU 0.*invalid BITPIX 7/],
    ["naxis", 2, "NAXIS", "NAXIS   =                    1", /HDU 2 \(GTI\), card NAXIS: NAXIS = 1 .*must be 2/],
    ["naxisn", 2, "NAXIS2", "NAXIS2  =                  1.5", /card NAXIS2.*NAXIS2 = 1.5 is not an integer/],
    ["pcount", 2, "PCOUNT", "PCOUNT  =                   -1", /HDU 2 \(GTI\).*PCOUNT = -1 is not an integer/],
    ["gcount", 2, "GCOUNT", "GCOUNT  =                    2", /HDU 2 \(GTI\), card GCOUNT: GCOUNT = 2 .*must be 1/],
    [
      "theap",
      2,
      "GCOUNT",
      "THEAP   =                99999",
      /HDU 2 \(GTI\).*THEAP = 99999 is not an integer in \[16, 16\]/,
    ],
  ];
  for (const [name, hdu, key, card, pattern] of cases) {
    const p = tempFile(`${name}.fits`, withCard(hdu, key, card));
    expectFitsError(() => readFits(p), new RegExp(`${name}\\.fits`), pattern);
  }
});
