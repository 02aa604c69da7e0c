import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeContiguous, encodeBigEndianInto } from "../src/fits/codec.js";
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import {
  FitsFile,
  type ImageHdu,
  type BinTableHdu,
  writeFitsBytes,
  formatCard,
  parseCard,
  type HduSpec,
} from "../src/fits/index.js";
import { readFits } from "../src/nodejs/index.js";
import { pyFloat } from "../src/utils/py-float.js";
import { sampleHdus } from "./fits-samples.js";
import { BUNDLED_HESS } from "./fixtures.js";

test("written FITS reads back identically (images of each type, every table format, header cards)", () => {
  const file = FitsFile.parse(writeFitsBytes(sampleHdus()));
  assert.deepEqual(
    file.hdus.map((h) => h.name),
    ["PRIMARY", "INT16", "INT32", "INT64", "F64", "BYTES", "EVENTS"],
  );
  const h = file.hdus[0].header;
  assert.equal(h.get("OBJECT"), "Crab Nebula");
  assert.equal(h.get("LONGTEXT"), `${"x".repeat(150)} O'Neil`);
  assert.equal(h.get("RA_PNT"), 83.63333129882812);
  assert.equal(h.get("TINY"), 1e-300);
  assert.equal(h.get("COUNT"), 7);
  assert.equal(h.get("FLAG"), false);
  assert.equal(h.get("HUGE"), 2n ** 62n);
  assert.equal(h.get("A.LONG-KEYWORD"), "hierarch");
  assert.deepEqual([...(file.hdus[0] as ImageHdu).data()], [1.5, -2, Math.fround(3e-30), 4]);
  const samples = sampleHdus();
  for (let i = 1; i < 6; i++) {
    const spec = samples[i] as Extract<HduSpec, { kind: "image" }>;
    const hdu = file.hdus[i] as ImageHdu;
    assert.deepEqual(hdu.shape, spec.shape);
    assert.deepEqual([...hdu.data()], [...spec.data], spec.name);
  }
  const events = file.hdu("events") as BinTableHdu;
  const table = samples[6] as Extract<HduSpec, { kind: "bintable" }>;
  for (const c of table.columns) {
    assert.deepEqual(
      Array.from(events.column(c.name) as ArrayLike<unknown>),
      Array.from(c.data as ArrayLike<unknown>),
      c.name,
    );
  }
  assert.equal(events.columnInfo("RA").unit, "deg");
  assert.deepEqual(events.cellShape("VEC"), [2, 3]);
  assert.equal(events.header.get("HDUCLAS1"), "EVENTS");
});

test("big-endian encoding and decoding equal DataView's for every element size, aligned or not", () => {
  const n = 1001;
  const kinds = [
    {
      kind: "i16",
      size: 2,
      make: () => Int16Array.from({ length: n }, (_, i) => (i * 7919 - 30000) | 0),
      set: "setInt16",
    },
    { kind: "i32", size: 4, make: () => Int32Array.from({ length: n }, (_, i) => i * 2654435761), set: "setInt32" },
    {
      kind: "f32",
      size: 4,
      make: () => Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 1e5),
      set: "setFloat32",
    },
    {
      kind: "f64",
      size: 8,
      make: () => Float64Array.from({ length: n }, (_, i) => Math.exp(i / 50) - i),
      set: "setFloat64",
    },
  ] as const;
  for (const { kind, size, make, set } of kinds) {
    const values = make();
    const expected = new Uint8Array(n * size);
    const dv = new DataView(expected.buffer);
    for (let i = 0; i < n; i++) (dv[set] as (at: number, v: number) => void).call(dv, i * size, values[i]);
    const encoded = new Uint8Array(expected.length);
    encodeBigEndianInto(values, encoded);
    assert.deepEqual(encoded, expected, `${kind} encoded`);
    for (const offset of [0, 1, 2, 3, 4, 8]) {
      const bytes = new Uint8Array(offset + expected.length);
      bytes.set(expected, offset);
      assert.deepEqual(decodeContiguous(bytes, offset, kind, n), values, `${kind} decoded from byte ${offset}`);
    }
  }
});

test("cards format to 80 characters and parse back", () => {
  for (const card of [
    { key: "CRPIX1", value: 125.5, comment: "Pixel coordinate of reference point" },
    { key: "CDELT1", value: -0.02 },
    { key: "MJDREFI", value: 51910 },
    { key: "QUOTE", value: "it's" },
    { key: "EMPTY", value: "" },
  ]) {
    const [text] = formatCard(card);
    assert.equal(text.length, 80);
    const back = parseCard(text, {});
    assert.equal(back.key, card.key);
    assert.equal(back.value, card.value);
  }
  assert.equal(parseCard("EXPO    =              1.5D+02 / with a D exponent".padEnd(80), {}).value, 150);
});

test("an HDU of a read file is copied byte for byte; its stored size is what it takes in the file", () => {
  const path = `${BUNDLED_HESS}/data/hess_dl3_dr1_obs_id_023523.fits.gz`;
  const source = readFits(path);
  const aeff = source.hdu("AEFF");
  const copied = FitsFile.parse(writeFitsBytes([sampleHdus()[0], { kind: "copy", hdu: aeff }]));
  const back = copied.hdu("AEFF");
  for (const part of ["header", "data"] as const)
    assert.ok(Buffer.from(back.storedBytes()[part]).equals(aeff.storedBytes()[part]), `the ${part} bytes`);
  assert.equal(back.storedSize, 11520, "the SIZE H.E.S.S. DR1's HDU index gives for AEFF");
  const fileBytes = gunzipSync(readFileSync(path)).length;
  assert.equal(
    source.hdus.reduce((n, h) => n + h.storedSize, 0),
    fileBytes,
    "the HDUs' sizes add up to the file",
  );
  assert.throws(() => writeFitsBytes([sampleHdus()[0], { kind: "copy", hdu: source.hdus[0] }]), /primary HDU cannot/);
});

test("an integer column's null value is written as TNULL; other columns refuse one", () => {
  const primary = sampleHdus()[0];
  const column = { name: "N_TELS", format: "K", data: BigInt64Array.of(4n, -1n), nullValue: -1 };
  const table = FitsFile.parse(writeFitsBytes([primary, { kind: "bintable", name: "T", columns: [column] }])).table(1);
  assert.equal(table.columnInfo("N_TELS").tnull, -1);
  const float = { name: "X", format: "D", data: [1], nullValue: -1 };
  assert.throws(
    () => writeFitsBytes([primary, { kind: "bintable", name: "T", columns: [float] }]),
    /table T: column 'X' has a null value but is not an integer column/,
  );
});

test("floats are written as Python's repr writes them", () => {
  const cases: Array<[number, string]> = [
    [1, "1.0"],
    [9.999999999999998, "9.999999999999998"],
    [0.0001, "0.0001"],
    [1e-5, "1e-05"],
    [1.5e-12, "1.5e-12"],
    [1e16, "1e+16"],
    [123456789012345.6, "123456789012345.6"],
    [-0, "-0.0"],
    [Number.NaN, "nan"],
  ];
  for (const [x, repr] of cases) assert.equal(pyFloat(x), repr, String(x));
});
