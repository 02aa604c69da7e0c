import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { BinTableHdu, ImageHdu } from "../src/fits/index.js";
import { readFits } from "../src/nodejs/index.js";
import { DATA, fixturePath, readFixture } from "./fixtures.js";

const fx = readFixture("fits/expected.json");

const asPlain = (values: ArrayLike<number | bigint>): Array<number | string> =>
  Array.from(values as ArrayLike<number | bigint>, (v) => (typeof v === "bigint" ? v.toString() : v));

test("images of every BITPIX, with BSCALE/BZERO and unsigned conventions, read as astropy reads them", () => {
  const file = readFits(fixturePath("fits", "images.fits"));
  const expectedTypes: Record<string, string> = {
    U8: "Uint8Array",
    I16: "Int16Array",
    I32: "Int32Array",
    I64: "BigInt64Array",
    F32: "Float32Array",
    F64: "Float64Array",
    U16: "Uint16Array",
    U32: "Uint32Array",
    I8: "Int8Array",
    SCALED: "Float64Array",
    TWIN: "Float32Array",
  };
  for (const img of fx.images) {
    const hdu = file.hdu(img.name, img.ver) as ImageHdu;
    assert.ok(hdu instanceof ImageHdu);
    assert.deepEqual(hdu.shape, img.shape, img.name);
    const data = hdu.data();
    assert.equal(data.constructor.name, expectedTypes[img.name], img.name);
    assert.deepEqual(asPlain(data as ArrayLike<number | bigint>), img.data, img.name);
  }
  assert.equal((file.hdu("twin", 2) as ImageHdu).data()[0], 2);
  assert.equal((file.hdu("TWIN") as ImageHdu).data()[0], 1);
});

test("header cards: CONTINUE long strings, HIERARCH, big integers, D exponents, commentary", () => {
  const h = readFits(fixturePath("fits", "images.fits")).hdus[0].header;
  assert.equal(h.get("LONGSTR"), fx.primary.LONGSTR);
  assert.equal(h.get("ESO DET CHIP"), fx.primary["ESO DET CHIP"]);
  assert.equal(h.get("bigint"), BigInt(fx.primary.BIGINT));
  assert.equal(h.get("DVAL"), fx.primary.DVAL);
  assert.ok(h.cards.some((c) => c.key === "COMMENT" && c.comment === fx.primary.COMMENT));
  assert.ok(h.cards.some((c) => c.key === "HISTORY" && c.comment === fx.primary.HISTORY));
});

test("binary-table columns of every TFORM read as astropy reads them", () => {
  const table = readFits(fixturePath("fits", "table.fits")).hdu("table") as BinTableHdu;
  assert.ok(table instanceof BinTableHdu);
  assert.equal(table.nrows, 5);
  for (const [name, want] of Object.entries<any>(fx.table)) {
    const column = table.column(name.toLowerCase());
    if (name === "VLA") {
      assert.deepEqual(
        (column as Int32Array[]).map((row) => [...row]),
        want.values,
      );
      continue;
    }
    if (name === "NAME") {
      assert.deepEqual(column, want.values);
      continue;
    }
    const values = asPlain(column as ArrayLike<number | bigint>);
    const expected = want.dtype.includes("f4") ? want.values.map((v: number) => Math.fround(v)) : want.values;
    assert.deepEqual(values, expected, name);
    const shape: number[] = [table.nrows, ...table.cellShape(name)];
    assert.deepEqual(shape, want.shape, `${name} shape`);
    assert.equal(table.columnInfo(name).unit, want.unit ?? undefined, `${name} unit`);
    if (want.tnull !== null && want.tnull !== undefined) assert.equal(table.columnInfo(name).tnull, want.tnull);
  }
  assert.equal(table.column("USHORT").constructor.name, "Uint16Array");
  assert.equal(table.column("UINT").constructor.name, "Uint32Array");
  assert.equal(table.column("LONG").constructor.name, "BigInt64Array");
  assert.equal(table.columnAsFloat64("LONG")[3], 0);
  assert.throws(() => table.column("nope"), /no column 'nope' \(columns: FLAG, BITS/);
});

for (const real of fx.real) {
  const name = `real DL3 file ${path.basename(real.file)}: every HDU and column matches astropy`;
  test(name, DATA.needs(real.file), () => {
    const file = readFits(DATA.path(real.file));
    assert.deepEqual(
      file.hdus.map((h) => h.name),
      real.hdus.map((h: any) => h.name),
    );
    real.hdus.forEach((want: any, i: number) => {
      const hdu = file.hdus[i];
      if (want.shape) assert.deepEqual((hdu as ImageHdu).shape, want.shape);
      if (!want.columns) return;
      const table = hdu as BinTableHdu;
      assert.equal(table.nrows, want.nrows);
      for (const c of want.columns) {
        assert.deepEqual([table.nrows, ...table.cellShape(c.name)], c.shape, `${want.name}.${c.name} shape`);
        assert.equal(table.columnInfo(c.name).unit ?? "", c.unit ?? "", `${want.name}.${c.name} unit`);
        if (c.sum === undefined) continue;
        const values = table.columnAsFloat64(c.name);
        let sum = 0;
        for (const v of values) sum += v;
        assert.ok(
          Math.abs(sum - c.sum) <= 1e-9 * Math.max(1, Math.abs(c.sum)),
          `${want.name}.${c.name} sum ${sum} != ${c.sum}`,
        );
        assert.equal(values[0], c.first);
        assert.equal(values[values.length - 1], c.last);
      }
    });
    for (const [key, value] of Object.entries(real.header)) assert.equal(file.hdus[1].header.get(key), value, key);
  });
}
