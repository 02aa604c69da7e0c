import { test } from "node:test";
import assert from "node:assert/strict";
import { closestNames, didYouMean, editDistance, parseQuantity } from "../src/index.js";

test("the edit distance counts a swap of neighbours as one edit (Damerau)", () => {
  assert.equal(editDistance("offsetMax", "offsetMax"), 0);
  assert.equal(editDistance("ofsetMax", "offsetMax"), 1);
  assert.equal(editDistance("offestMax", "offsetMax"), 1, "a transposition");
  assert.equal(editDistance("", "abc"), 3);
});

test("suggestions ignore case and separators, and only offer near names", () => {
  const params = ["methods", "offsetMax", "aeffPercent", "biasPercent", "position"];
  assert.deepEqual(closestNames("offset_max", params), ["offsetMax"]);
  assert.deepEqual(closestNames("OFFSET-MAX", params), ["offsetMax"]);
  assert.deepEqual(closestNames("method", params), ["methods"]);
  assert.deepEqual(closestNames("zenith", params), []);
  assert.equal(didYouMean("rnu", ["run", "validate"]), " — did you mean 'run'?");
  assert.equal(didYouMean("xyz", ["run"]), "");
});

test("astropy's unit names are accepted, case-sensitive as astropy; an unknown one gets a suggestion", () => {
  assert.equal(parseQuantity("3 degree", "deg").value, 3);
  assert.equal(parseQuantity("90 arcminute", "deg").value, 1.5);
  assert.equal(parseQuantity("2 hour", "s").value, 7200);
  assert.equal(parseQuantity("1 electronvolt", "eV").value, 1);
  // astropy refuses these too: units are case-sensitive
  assert.throws(() => parseQuantity("3 Deg", "deg"), /unknown unit 'Deg' in 'Deg' — did you mean 'deg'\?/);
  assert.throws(() => parseQuantity("1 tev", "TeV"), /unknown unit 'tev'.*did you mean 'TeV'\?/);
  assert.throws(() => parseQuantity("3 degs", "deg"), /unknown unit 'degs'.*did you mean 'deg'/);
});
