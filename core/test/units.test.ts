import { test } from "node:test";
import assert from "node:assert/strict";
import { convert, parseQuantity, parseUnit, unitsCompatible, UnitError } from "../src/units/index.js";

test("quantities from strings convert to canonical units", () => {
  assert.equal(parseQuantity("3 deg").to("deg").value, 3);
  assert.ok(Math.abs(parseQuantity("3 deg").to("rad").value - (3 * Math.PI) / 180) < 1e-15);
  assert.ok(Math.abs(parseQuantity("0.3 TeV").to("GeV").value - 300) < 1e-9);
  assert.ok(Math.abs(parseQuantity("30 arcmin", "deg").value - 0.5) < 1e-15);
  const flux = parseQuantity("1e-11 cm-2 s-1 TeV-1");
  assert.equal(flux.value, 1e-11);
  assert.ok(Math.abs(flux.to("m-2 s-1 TeV-1").value - 1e-7) < 1e-20);
  assert.equal(parseQuantity(2, "deg").to("deg").value, 2);
});

test("unit syntax: exponents, division, groups, prefixes", () => {
  assert.ok(Math.abs(convert(1, "m2 s", "cm2 s") - 1e4) < 1e-9);
  assert.ok(Math.abs(convert(1, "1/s", "Hz") - 1) < 1e-15);
  assert.ok(Math.abs(convert(1, "erg / (cm2 s)", "erg cm-2 s-1") - 1) < 1e-15);
  assert.ok(Math.abs(convert(1, "cm**-2", "cm^-2") - 1) < 1e-15);
  assert.ok(Math.abs(convert(1, "MeV-1 s-1 sr-1", "TeV-1 s-1 sr-1") - 1e6) < 1e-6);
  assert.ok(Math.abs(convert(1, "TeV", "erg") - 1.602176634) < 1e-12);
  assert.ok(Math.abs(convert(1, "deg2", "sr") - (Math.PI / 180) ** 2) < 1e-18);
  assert.ok(unitsCompatible("ph cm-2 s-1", "m-2 s-1"));
  assert.ok(parseUnit("").isDimensionless);
  assert.equal(parseUnit("cm-2 s-1 TeV-1").toString(), "cm-2 s-1 TeV-1");
});

test("unknown and incompatible units give clear errors", () => {
  assert.throws(
    () => parseQuantity("3 TeVV"),
    (e: Error) => e instanceof UnitError && /unknown unit 'TeVV'/.test(e.message),
  );
  assert.throws(() => parseQuantity("3 deg").to("TeV"), /cannot convert 'deg' to 'TeV'/);
  assert.throws(() => parseQuantity("deg"), /cannot read a number from 'deg'/);
  assert.throws(() => parseUnit("m # s"), /cannot parse '#'/);
  assert.throws(() => parseUnit("(m s"), /unbalanced/);
});
