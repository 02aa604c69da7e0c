import { test } from "node:test";
import assert from "node:assert/strict";
import { wstat, wstatGofTerms, wstatMuBkg } from "../src/stats/index.js";
import { readFixture } from "./fixtures.js";

/** gammapy 1.0 on its own test inputs plus edge cases (scripts/fixtures/counts_statistics.py). */
const fx = readFixture("counts_statistics.json").wstat;
const { nOn, nOff, alpha, muSig } = fx.inputs as Record<string, number[]>;

/** Same value within rtol (of |expected| or of a larger term scale `scale`), or both NaN (gammapy's null). */
function assertClose(actual: number, expected: number | null, rtol: number, label: string, scale = 0): void {
  if (expected === null) {
    assert.ok(Number.isNaN(actual), `${label}: expected NaN, got ${actual}`);
    return;
  }
  assert.ok(
    Math.abs(actual - expected) <= rtol * Math.max(Math.abs(expected), scale) + 1e-300,
    `${label}: ${actual} vs gammapy ${expected}`,
  );
}

test("wstat, its profiled background and gof terms match gammapy 1.0 bin by bin", () => {
  for (let i = 0; i < nOn.length; i++) {
    const label = `bin ${i} (n_on ${nOn[i]}, n_off ${nOff[i]}, alpha ${alpha[i]}, mu_sig ${muSig[i]})`;
    assertClose(wstatMuBkg(nOn[i], nOff[i], alpha[i], muSig[i]), fx.muBkg[i], 1e-13, `muBkg ${label}`);
    assertClose(wstat(nOn[i], nOff[i], alpha[i], muSig[i]), fx.wstat[i], 1e-12, `wstat ${label}`);
    assertClose(
      wstat(nOn[i], nOff[i], alpha[i], muSig[i], undefined, false),
      fx.wstatNoExtraTerms[i],
      1e-12,
      `wstat no gof ${label}`,
    );
    assertClose(wstatGofTerms(nOn[i], nOff[i]), fx.gofTerms[i], 1e-14, `gof ${label}`);
  }
});

test("gammapy's published wstat values (stats/tests/test_fit_statistics.py)", () => {
  const expected = [
    1.19504844, 0.625311794002, 4.25810886127, 0.0603765381044, 11.7285002468, 0.206014834301, 1.084611, 2.72972381792,
    4.60602990838, 7.51658734973,
  ];
  expected.forEach((e, i) => assertClose(wstat(nOn[i], nOff[i], alpha[i], muSig[i]), e, 1e-6, `bin ${i}`));
});

test("wstat corner cases have the documented closed forms", () => {
  const mu = 2.3;
  const a = 0.5;
  // n_on = 0: mu_bkg = n_off/(1+α), W = 2(μ + n_off ln(1+α))
  assertClose(wstatMuBkg(0, 5, a, mu), 5 / 1.5, 1e-14, "n_on 0 mu_bkg");
  assertClose(wstat(0, 5, a, mu), 2 * (mu + 5 * Math.log(1.5)), 1e-14, "n_on 0 W");
  // n_off = 0, μ < n_on·α/(1+α): W = −2(μ/α + n_on ln(α/(1+α)))
  assertClose(wstat(9, 0, a, mu), -2 * (mu / a + 9 * Math.log(a / (1 + a))), 1e-13, "n_off 0, small mu", 100);
  // n_off = 0, μ ≥ n_on·α/(1+α): μ_bkg = 0
  assert.equal(wstatMuBkg(5, 0, a, 5.3), 0);
  // W ≈ 0.017 from terms ~10
  assertClose(wstat(5, 0, a, 5.3), 2 * (5.3 + 5 * (Math.log(5) - Math.log(5.3) - 1)), 1e-13, "n_off 0, large mu", 100);
  // α = 0 is 0/0 in the profiled background
  assert.ok(Number.isNaN(wstat(7, 30, 0, 3)));
  // all counts zero, no signal: every term vanishes
  assert.equal(wstat(0, 0, 0.3, 0), 0);
});
