import { test } from "node:test";
import assert from "node:assert/strict";
import { Covariance, Parameter, Parameters } from "../src/modeling/index.js";

test("Parameter: value = factor × scale; quantities set value and unit; autoscale as gammapy's scale10/factor1", () => {
  const p = new Parameter("spam", 42, { unit: "deg" });
  assert.deepEqual([p.factor, p.scale, p.value, p.unit], [42, 1, 42, "deg"]);
  p.autoscale();
  assert.equal(p.scale, 10);
  assert.ok(Math.abs(p.factor - 4.2) < 1e-15);
  p.value = 7;
  assert.ok(Math.abs(p.factor - 0.7) < 1e-15, "setting the value keeps the scale");
  const q = new Parameter("amplitude", "1e-12 cm-2 s-1 TeV-1");
  assert.deepEqual([q.value, q.unit], [1e-12, "cm-2 s-1 TeV-1"]);
  assert.ok(Math.abs(q.valueIn("m-2 s-1 TeV-1") - 1e-8) < 1e-22);
  q.autoscale();
  assert.deepEqual([q.factor, q.scale], [1, 1e-12]);
  const negative = new Parameter("index", -2.5);
  negative.autoscale();
  assert.deepEqual([negative.factor, negative.scale], [-2.5, 1], "the sign stays in the factor");
  const one = new Parameter("norm", 3.5, { scaleMethod: "factor1" });
  one.autoscale();
  assert.deepEqual([one.factor, one.scale], [1, 3.5]);
  const bounded = new Parameter("sigma", 0.2, { min: 0, max: 1, scale: 0.1 });
  assert.deepEqual([bounded.factorMin, bounded.factorMax], [0, 10]);
  bounded.value = 2;
  assert.throws(() => bounded.checkLimits(), /parameter 'sigma': value 2 outside its limits \[0, 1\]/);
});

test("Parameters: lookup by name, free and unique parameters, factors in order, status restored", () => {
  const a = new Parameter("a", 1);
  const b = new Parameter("b", 2, { frozen: true });
  const c = new Parameter("c", 3);
  const list = new Parameters([a, b, c, a]);
  assert.equal(list.get("c"), c);
  assert.equal(list.index("b"), 1);
  assert.deepEqual(list.freeParameters.names, ["a", "c", "a"]);
  assert.deepEqual(list.unique.names, ["a", "b", "c"], "a shared parameter counts once");
  assert.throws(() => list.get("d"), /no parameter 'd' \(parameters: a, b, c, a\)/);
  const unique = list.unique;
  unique.setParameterFactors([10, 30]);
  assert.deepEqual(unique.values, [10, 2, 30]);
  assert.throws(() => unique.setParameterFactors([1]), /1 factors for 2 free parameters/);
  unique.restoreStatus(() => {
    unique.freezeAll();
    a.value = 99;
  });
  assert.deepEqual([a.value, a.frozen, b.frozen], [10, false, true]);
});

test("Covariance: factor matrix expanded over frozen and repeated parameters, scaled; sub-covariances", () => {
  const a = new Parameter("a", 2, { scale: 10 });
  const b = new Parameter("b", 1, { frozen: true });
  const c = new Parameter("c", 3, { scale: 0.1 });
  const params = new Parameters([a, b, c, a]);
  const cov = Covariance.fromFactorMatrix(params, [4, 1, 1, 9]);
  assert.deepEqual([...cov.data.subarray(0, 4)], [400, 0, 1, 0]);
  assert.ok(Math.abs(cov.get(2, 2) - 0.09) < 1e-15);
  assert.equal(cov.get(3, 3), 0, "the repeated parameter's entries stay 0");
  assert.equal(cov.error(a), 20);
  const sub = cov.getSubcovariance(new Parameters([c, a]));
  assert.deepEqual([sub.get(0, 1), sub.get(1, 0), sub.get(1, 1)], [1, 1, 400]);
  const corr = cov.correlation;
  assert.ok(Math.abs(corr[2] - 1 / (20 * 0.3)) < 1e-15);
  // a changed block resets its parameters' correlations with the others
  cov.setSubcovariance(new Covariance(new Parameters([c]), [0.25]));
  assert.deepEqual([cov.get(0, 2), cov.get(2, 2)], [0, 0.25]);
});
