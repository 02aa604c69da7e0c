import { test } from "node:test";
import assert from "node:assert/strict";
import {
  CashCountsStatistic,
  WStatCountsStatistic,
  chi2SfOneDof,
  erfc,
  type CountsStatistic,
} from "../src/stats/index.js";
import { readFixture } from "./fixtures.js";

/** gammapy 1.0's CountsStatistic outputs (scripts/fixtures/counts_statistics.py). */
const fx = readFixture("counts_statistics.json");

/**
 * Same value (or both NaN) within rtol, with an absolute floor `atol`: TS is a difference of
 * two statistics of size ~|stat|, so its last bits (and gammapy's ~1e-14 non-zero statMax)
 * are round-off; root-finding outputs agree to gammapy's brentq tolerance (~1e-12).
 */
function assertArrayClose(
  actual: ArrayLike<number>,
  expected: (number | null)[],
  rtol: number,
  atol: number,
  label: string,
): void {
  assert.equal(actual.length, expected.length, `${label}: length`);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i];
    const a = actual[i];
    if (e === null) {
      assert.ok(Number.isNaN(a), `${label}[${i}]: expected NaN, got ${a}`);
      continue;
    }
    assert.ok(Math.abs(a - e) <= rtol * Math.abs(e) + atol, `${label}[${i}]: ${a} vs gammapy ${e}`);
  }
}

function checkAgainstGammapy(stat: CountsStatistic, ref: Record<string, (number | null)[]>): void {
  assertArrayClose(stat.nSig, ref.nSig, 1e-15, 0, "nSig");
  assertArrayClose(stat.nBkg, ref.nBkg, 1e-15, 0, "nBkg");
  assertArrayClose(stat.error, ref.error, 1e-15, 0, "error");
  assertArrayClose(stat.statNull, ref.statNull, 1e-13, 1e-12, "statNull");
  assertArrayClose(stat.statMax, ref.statMax, 1e-13, 1e-12, "statMax");
  assertArrayClose(stat.ts, ref.ts, 1e-12, 1e-11, "ts");
  assertArrayClose(stat.sqrtTs, ref.sqrtTs, 1e-10, 1e-10, "sqrtTs");
  assertArrayClose(stat.pValue, ref.pValue, 1e-10, 1e-300, "pValue");
  assertArrayClose(stat.computeErrn(1), ref.errn, 1e-9, 1e-9, "errn");
  assertArrayClose(stat.computeErrp(1), ref.errp, 1e-9, 1e-9, "errp");
  assertArrayClose(stat.computeUpperLimit(3), ref.ul, 1e-9, 1e-9, "ul");
  assertArrayClose(stat.computeErrn(2), ref.errn2, 1e-9, 1e-9, "errn(2σ)");
  assertArrayClose(stat.computeErrp(2), ref.errp2, 1e-9, 1e-9, "errp(2σ)");
}

test("CashCountsStatistic matches gammapy 1.0 (zero counts, zero background, negative excess, 41σ)", () => {
  const { nOn, muBkg } = fx.cash.inputs;
  checkAgainstGammapy(new CashCountsStatistic(Float64Array.from(nOn), Float64Array.from(muBkg)), fx.cash);
});

test("WStatCountsStatistic matches gammapy 1.0 (n_on = 0, n_off = 0, α → 0, mu_sig > 0, negative excess)", () => {
  const { nOn, nOff, alpha, muSig } = fx.wstatStatistic.inputs;
  checkAgainstGammapy(new WStatCountsStatistic(nOn, nOff, alpha, muSig), fx.wstatStatistic);
});

test("scalars work and broadcast against arrays", () => {
  const cash = fx.scalars.cash;
  assert.ok(Math.abs(new CashCountsStatistic(cash.nOn, cash.muBkg).sqrtTs[0] - cash.sqrtTs) < 1e-12);
  const w = fx.scalars.wstat;
  assert.ok(Math.abs(new WStatCountsStatistic(w.nOn, w.nOff, w.alpha).sqrtTs[0] - w.sqrtTs) < 1e-12);
  const broadcast = new WStatCountsStatistic([13, 13], w.nOff, w.alpha);
  assert.deepEqual(Array.from(broadcast.sqrtTs), [broadcast.sqrtTs[0], broadcast.sqrtTs[0]]);
  assert.ok(Math.abs(broadcast.sqrtTs[0] - w.sqrtTs) < 1e-12);
  assert.throws(() => new CashCountsStatistic([1, 2, 3], [1, 2]), /do not broadcast/);
});

test("sum() totals the bins like gammapy (α = Σ α·n_off / Σ n_off)", () => {
  const c = new CashCountsStatistic(fx.cash.inputs.nOn, fx.cash.inputs.muBkg).sum();
  assert.equal(c.nOn[0], fx.sums.cash.nOn);
  assert.ok(Math.abs(c.sqrtTs[0] - fx.sums.cash.sqrtTs) < 1e-10 * fx.sums.cash.sqrtTs);
  const { nOn, nOff, alpha, muSig } = fx.wstatStatistic.inputs;
  const w = new WStatCountsStatistic(nOn, nOff, alpha, muSig).sum();
  assert.ok(Math.abs(w.alpha[0] - fx.sums.wstat.alpha) < 1e-15);
  assert.ok(Math.abs(w.sqrtTs[0] - fx.sums.wstat.sqrtTs) < 1e-10 * fx.sums.wstat.sqrtTs);
});

test("erfc and the χ²₁ survival function: known values and the far tail", () => {
  assert.equal(erfc(0), 1);
  assert.ok(Math.abs(erfc(0.5) - 0.4795001221869535) < 1e-15);
  assert.ok(Math.abs(erfc(1.9) / 0.007209570764742531 - 1) < 1e-13);
  assert.ok(Math.abs(erfc(2) / 0.004677734981047266 - 1) < 1e-14);
  assert.ok(Math.abs(erfc(5) / 1.5374597944280347e-12 - 1) < 1e-14);
  assert.ok(Math.abs(erfc(-1) - 1.8427007929497148) < 1e-15);
  assert.ok(Math.abs(chi2SfOneDof(25) / 5.733031437583875e-7 - 1) < 1e-13); // 5σ two-sided
  assert.ok(Number.isNaN(chi2SfOneDof(NaN)));
});
