import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { crAcos, crAsin, crAtan2, crCos, crSin, crTan } from "../src/utils/crmath.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const fx = JSON.parse(readFileSync(path.resolve(here, "../../test/fixtures/crmath.json"), "utf8"));

test("double-double trigonometry is correctly rounded (mpmath reference, 610 arguments each)", () => {
  const check = (name: string, got: (i: number) => number, want: number[]) => {
    const wrong = want.map((w, i) => [i, got(i), w]).filter(([, g, w]) => g !== w);
    assert.deepEqual(wrong, [], `${name}: ${wrong.length} results not correctly rounded`);
  };
  check("sin", (i) => crSin(fx.x[i]), fx.sin);
  check("cos", (i) => crCos(fx.x[i]), fx.cos);
  check("tan", (i) => crTan(fx.x[i]), fx.tan);
  check("atan2", (i) => crAtan2(fx.y[i], fx.x[i]), fx.atan2);
  check("asin", (i) => crAsin(fx.y[i]), fx.asin);
  check("acos", (i) => crAcos(fx.y[i]), fx.acos);
});
