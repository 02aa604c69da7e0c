// SPDX-License-Identifier: LGPL-2.1-or-later. Translated from Minuit2 (CERN): see the LICENSE of @gammaflow/core
import { isPositiveDefinite, symmetricEigenvalues } from "./linalg.js";
import { EPS, EPS2 } from "./precision.js";

export interface PositiveDefinite {
  matrix: Float64Array;
  /** The matrix had to be changed (its diagonal raised) to be positive definite. */
  forced: boolean;
}

/**
 * Minuit's MnPosDef: a positive-definite version of a symmetric matrix (an inverse Hessian, or a Hessian
 * before HESSE inverts it). Non-positive diagonal elements are first lifted; then, if the smallest
 * eigenvalue of the correlation-scaled matrix is below 1e-8-ish of the largest, the diagonal is scaled up
 * by (1 + 0.001·λmax − λmin) — enough to make it safely positive definite while keeping its shape.
 */
export function makePositiveDefinite(input: Float64Array, n: number): PositiveDefinite {
  const matrix = Float64Array.from(input.subarray(0, n * n));
  if (n === 1) {
    if (matrix[0] < EPS) {
      matrix[0] = 1;
      return { matrix, forced: true };
    }
    return { matrix, forced: false };
  }
  const epspdf = Math.max(1e-12, EPS2);
  let minDiagonal = matrix[0];
  for (let i = 0; i < n; i++) minDiagonal = Math.min(minDiagonal, matrix[i * n + i]);
  const lift = minDiagonal <= 0 ? 0.5 + epspdf - minDiagonal : 0;
  const scale = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    matrix[i * n + i] += lift;
    if (matrix[i * n + i] < 0) matrix[i * n + i] = 1;
    scale[i] = 1 / Math.sqrt(matrix[i * n + i]);
  }
  const scaled = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) scaled[i * n + j] = matrix[i * n + j] * scale[i] * scale[j];
  // Gershgorin bounds the largest eigenvalue; if the matrix stays positive definite when shifted down by
  // epspdf times that bound, Minuit's eigenvalue test passes and the eigenvalues are not needed
  let bound = 1;
  for (let i = 0; i < n; i++) {
    let rowSum = 0;
    for (let j = 0; j < n; j++) rowSum += Math.abs(scaled[i * n + j]);
    bound = Math.max(bound, rowSum);
  }
  if (isPositiveDefinite(scaled, n, epspdf * bound, new Float64Array(n * n))) return { matrix, forced: false };
  const eigenvalues = symmetricEigenvalues(scaled, n);
  const smallest = eigenvalues[0];
  const largest = Math.max(Math.abs(eigenvalues[n - 1]), 1);
  if (smallest > epspdf * largest) return { matrix, forced: false };
  const add = 0.001 * largest - smallest;
  for (let i = 0; i < n; i++) matrix[i * n + i] *= 1 + add;
  return { matrix, forced: true };
}
