// SPDX-License-Identifier: LGPL-2.1-or-later. Translated from Minuit2 (CERN): see the LICENSE of @gammaflow/core
/**
 * Small dense linear algebra for the minimizer: symmetric n×n matrices stored row-major (both
 * triangles kept in step) in Float64Arrays, n being the number of free parameters (a few to a few
 * tens), so plain loops beat anything clever.
 */

export function dot(a: ArrayLike<number>, b: ArrayLike<number>, n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += a[i] * b[i];
  return sum;
}

/** out = M·v (out must not be v). */
export function multiply(matrix: Float64Array, v: ArrayLike<number>, n: number, out: Float64Array): Float64Array {
  for (let i = 0; i < n; i++) {
    let sum = 0;
    const row = i * n;
    for (let j = 0; j < n; j++) sum += matrix[row + j] * v[j];
    out[i] = sum;
  }
  return out;
}

/** vᵀ·M·v */
export function quadraticForm(matrix: Float64Array, v: ArrayLike<number>, n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    let rowSum = 0;
    const row = i * n;
    for (let j = 0; j < n; j++) rowSum += matrix[row + j] * v[j];
    sum += v[i] * rowSum;
  }
  return sum;
}

/**
 * Σ|m_ij| over the lower triangle and diagonal: Minuit's size of a symmetric matrix (it sums its packed
 * storage), used for the relative covariance change `dcovar`.
 */
export function absSumLowerTriangle(matrix: Float64Array, n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) sum += Math.abs(matrix[i * n + j]);
  return sum;
}

/**
 * Inverts a symmetric matrix in place; false (matrix then garbage) when it is singular or not
 * positive on the diagonal, which is what Minuit's inversion refuses too. The matrix is first scaled to a
 * unit diagonal so parameters on scales 1e-6…1e6 invert as well as on scales of 1; Gauss–Jordan without
 * pivoting is then stable because the callers pass positive-definite matrices.
 */
export function invertSymmetric(matrix: Float64Array, n: number, scale = new Float64Array(n)): boolean {
  for (let i = 0; i < n; i++) {
    const d = matrix[i * n + i];
    if (!(d > 0) || !Number.isFinite(d)) return false;
    scale[i] = 1 / Math.sqrt(d);
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) matrix[i * n + j] *= scale[i] * scale[j];
  for (let k = 0; k < n; k++) {
    const pivot = matrix[k * n + k];
    if (!(Math.abs(pivot) > 1e-300)) return false;
    const rowK = k * n;
    matrix[rowK + k] = 1;
    for (let j = 0; j < n; j++) matrix[rowK + j] /= pivot;
    for (let i = 0; i < n; i++) {
      if (i === k) continue;
      const rowI = i * n;
      const factor = matrix[rowI + k];
      if (factor === 0) continue;
      matrix[rowI + k] = 0;
      for (let j = 0; j < n; j++) matrix[rowI + j] -= factor * matrix[rowK + j];
    }
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const v = matrix[i * n + j] * scale[i] * scale[j];
      if (!Number.isFinite(v)) return false;
      matrix[i * n + j] = v;
    }
  }
  // symmetrize: the two triangles drift apart by rounding
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const mean = 0.5 * (matrix[i * n + j] + matrix[j * n + i]);
      matrix[i * n + j] = mean;
      matrix[j * n + i] = mean;
    }
  }
  return true;
}

/**
 * Whether the symmetric matrix minus shift·I is positive definite: a Cholesky factorization into the
 * scratch `work` (n×n) succeeds. Far cheaper than the eigenvalues when only a bound on them is asked.
 */
export function isPositiveDefinite(matrix: Float64Array, n: number, shift: number, work: Float64Array): boolean {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = matrix[i * n + j] - (i === j ? shift : 0);
      for (let k = 0; k < j; k++) sum -= work[i * n + k] * work[j * n + k];
      if (i === j) {
        if (!(sum > 0)) return false;
        work[i * n + i] = Math.sqrt(sum);
      } else {
        work[i * n + j] = sum / work[j * n + j];
      }
    }
  }
  return true;
}

/** The eigenvalues of a symmetric matrix, ascending (cyclic Jacobi rotations on a copy). */
export function symmetricEigenvalues(matrix: Float64Array, n: number): Float64Array {
  const a = Float64Array.from(matrix.subarray(0, n * n));
  for (let sweep = 0; sweep < 100; sweep++) {
    let offDiagonal = 0;
    let diagonal = 0;
    for (let i = 0; i < n; i++) {
      diagonal += a[i * n + i] * a[i * n + i];
      for (let j = i + 1; j < n; j++) offDiagonal += a[i * n + j] * a[i * n + j];
    }
    if (offDiagonal <= 1e-30 * diagonal || offDiagonal === 0) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (apq === 0) continue;
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p];
          const akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k];
          const aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
      }
    }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = a[i * n + i];
  return values.sort();
}
