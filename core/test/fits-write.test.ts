import { test } from "node:test";
import assert from "node:assert/strict";
import {
  FitsFile,
  type ImageHdu,
  type BinTableHdu,
  writeFitsBytes,
  formatCard,
  parseCard,
  type HduSpec,
} from "../src/fits/index.js";
import { sampleHdus } from "./fits-samples.js";

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
