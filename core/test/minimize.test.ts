import { test } from "node:test";
import assert from "node:assert/strict";
import { cash, cashSum, covarianceAt, invert, minimize } from "../src/index.js";

test("minimize finds the Rosenbrock valley's minimum from the classic start", () => {
  const rosenbrock = ([x, y]: number[]) => 100 * (y - x * x) ** 2 + (1 - x) ** 2;
  const result = minimize(rosenbrock, [-1.2, 1], { tolerance: 1e-10, scales: [1, 1] });
  assert.ok(result.success, result.message);
  assert.ok(Math.abs(result.x[0] - 1) < 1e-4 && Math.abs(result.x[1] - 1) < 1e-4, `minimum at ${result.x}`);
});

test("covarianceAt gives back the covariance of a correlated χ² (−2 ln L of a 2-D Gaussian)", () => {
  const covariance = [
    [0.04, -0.018],
    [-0.018, 0.09],
  ];
  const precision = invert(covariance);
  const mean = [3, -1];
  const chi2 = (x: number[]) => {
    const d = [x[0] - mean[0], x[1] - mean[1]];
    return (
      d[0] * (precision[0][0] * d[0] + precision[0][1] * d[1]) +
      d[1] * (precision[1][0] * d[0] + precision[1][1] * d[1])
    );
  };
  const result = minimize(chi2, [1, 1]);
  assert.ok(result.success, result.message);
  assert.ok(Math.abs(result.x[0] - 3) < 1e-3 && Math.abs(result.x[1] + 1) < 1e-3, `minimum at ${result.x}`);
  const { covariance: got, errors } = covarianceAt(chi2, mean);
  for (let i = 0; i < 2; i++)
    for (let j = 0; j < 2; j++)
      assert.ok(Math.abs(got[i][j] - covariance[i][j]) < 1e-8, `cov[${i}][${j}] ${got[i][j]}`);
  assert.ok(Math.abs(errors[0] - 0.2) < 1e-8 && Math.abs(errors[1] - 0.3) < 1e-8);
});

test("minimize keeps parameters within bounds and reports a function that is not finite at the start", () => {
  const result = minimize(([x]) => (x - 5) ** 2, [0], { max: [2], scales: [1] });
  assert.ok(result.x[0] <= 2 && result.x[0] > 1.99, `bounded minimum at ${result.x}`);
  assert.equal(minimize(() => NaN, [1]).success, false);
});

test("cash matches gammapy's definition, truncation included", () => {
  assert.equal(cash(3, 2), 2 * (2 - 3 * Math.log(2)));
  assert.equal(cash(0, 0), 2e-25);
  assert.equal(cash(2, 0), 2 * (1e-25 - 2 * Math.log(1e-25)));
  assert.equal(cashSum([1, 2, 3], [1, 1, 1], [1, 0, 1]), cash(1, 1) + cash(3, 1));
});
