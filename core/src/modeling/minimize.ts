/**
 * A variable-metric (BFGS) minimizer with central-difference gradients and a
 * finite-difference Hessian for the errors. Written for fit statistics such as Cash
 * (−2 ln L): the covariance is 2 H⁻¹, as iminuit reports with errordef 1.
 */
export interface MinimizeOptions {
  /** Typical size of each parameter, used for finite-difference steps (default |x0| or 1). */
  scales?: readonly number[];
  /** Stop when the expected decrease of f is below this (iminuit's EDM goal ~ 0.002·tol). */
  tolerance?: number;
  maxIterations?: number;
  /** Lower/upper bounds per parameter (NaN or undefined: unbounded). */
  min?: readonly (number | undefined)[];
  max?: readonly (number | undefined)[];
}

export interface MinimizeResult {
  x: number[];
  fval: number;
  success: boolean;
  message: string;
  iterations: number;
  evaluations: number;
}

export function minimize(
  f: (x: number[]) => number,
  x0: readonly number[],
  options: MinimizeOptions = {},
): MinimizeResult {
  const n = x0.length;
  const scales = x0.map((v, i) => options.scales?.[i] ?? (Math.abs(v) > 0 ? Math.abs(v) : 1));
  const tolerance = options.tolerance ?? 1e-4;
  const maxIterations = options.maxIterations ?? 200 * (n + 1);
  const clamp = (x: number[]) =>
    x.map((v, i) => {
      const lo = options.min?.[i];
      const hi = options.max?.[i];
      if (lo !== undefined && !Number.isNaN(lo) && v < lo) return lo;
      if (hi !== undefined && !Number.isNaN(hi) && v > hi) return hi;
      return v;
    });
  let evaluations = 0;
  // internally every parameter is divided by its scale, so steps and the metric are O(1)
  const fu = (u: number[]) => {
    evaluations++;
    return f(clamp(u.map((v, i) => v * scales[i])));
  };
  const step = 1e-4;
  const gradient = (u: number[]) =>
    u.map((_, i) => {
      const up = u.slice();
      const down = u.slice();
      up[i] += step;
      down[i] -= step;
      return (fu(up) - fu(down)) / (2 * step);
    });
  let u = x0.map((v, i) => v / scales[i]);
  let fval = fu(u);
  if (!Number.isFinite(fval))
    return {
      x: clamp(x0.slice()),
      fval,
      success: false,
      message: "the function is not finite at the start",
      iterations: 0,
      evaluations,
    };
  let g = gradient(u);
  // the inverse metric starts as the inverse of the diagonal curvature
  let hInv = identity(n).map((row, i) => row.map((v) => v / Math.max(diagonalCurvature(fu, u, i, fval, step), 1e-12)));
  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    const direction = hInv.map((row) => -dot(row, g));
    const edm = -0.5 * dot(g, direction);
    if (edm < 0) {
      hInv = identity(n);
      continue;
    }
    if (edm < 0.002 * tolerance) {
      return {
        x: clamp(u.map((v, i) => v * scales[i])),
        fval,
        success: true,
        message: "converged",
        iterations: iteration,
        evaluations,
      };
    }
    let alpha = 1;
    let next = u;
    let fNext = fval;
    for (let k = 0; k < 40; k++) {
      next = u.map((v, i) => v + alpha * direction[i]);
      fNext = fu(next);
      if (Number.isFinite(fNext) && fNext <= fval + 1e-4 * alpha * dot(g, direction)) break;
      alpha *= 0.5;
    }
    if (!(fNext <= fval)) {
      return {
        x: clamp(u.map((v, i) => v * scales[i])),
        fval,
        success: edm < 0.02 * tolerance,
        message: "line search failed",
        iterations: iteration,
        evaluations,
      };
    }
    const gNext = gradient(next);
    const s = next.map((v, i) => v - u[i]);
    const y = gNext.map((v, i) => v - g[i]);
    const sy = dot(s, y);
    if (sy > 1e-16) hInv = bfgsUpdate(hInv, s, y, sy);
    u = next;
    fval = fNext;
    g = gNext;
  }
  return {
    x: clamp(u.map((v, i) => v * scales[i])),
    fval,
    success: false,
    message: "too many iterations",
    iterations: maxIterations,
    evaluations,
  };
}

/**
 * Parameter errors and covariance at the minimum x of a −2 ln L statistic: the Hessian
 * by central differences (steps of 1e-3 of each scale), covariance = 2 H⁻¹.
 */
export function covarianceAt(
  f: (x: number[]) => number,
  x: readonly number[],
  scales?: readonly number[],
): { covariance: number[][]; errors: number[] } {
  const n = x.length;
  const h = x.map((v, i) => 1e-3 * (scales?.[i] ?? (Math.abs(v) > 0 ? Math.abs(v) : 1)));
  const at = (shifts: Array<[number, number]>) => {
    const p = x.slice();
    for (const [i, d] of shifts) p[i] += d;
    return f(p);
  };
  const f0 = f(x.slice());
  const hessian = identity(n).map((row) => row.map(() => 0));
  for (let i = 0; i < n; i++) {
    hessian[i][i] = (at([[i, h[i]]]) - 2 * f0 + at([[i, -h[i]]])) / (h[i] * h[i]);
    for (let j = 0; j < i; j++) {
      const v =
        (at([
          [i, h[i]],
          [j, h[j]],
        ]) -
          at([
            [i, h[i]],
            [j, -h[j]],
          ]) -
          at([
            [i, -h[i]],
            [j, h[j]],
          ]) +
          at([
            [i, -h[i]],
            [j, -h[j]],
          ])) /
        (4 * h[i] * h[j]);
      hessian[i][j] = v;
      hessian[j][i] = v;
    }
  }
  const inverse = invert(hessian);
  const covariance = inverse.map((row) => row.map((v) => 2 * v));
  return { covariance, errors: covariance.map((row, i) => Math.sqrt(Math.max(row[i], 0))) };
}

function diagonalCurvature(fu: (u: number[]) => number, u: number[], i: number, f0: number, step: number): number {
  const up = u.slice();
  const down = u.slice();
  up[i] += step;
  down[i] -= step;
  return (fu(up) - 2 * f0 + fu(down)) / (step * step);
}

function bfgsUpdate(hInv: number[][], s: number[], y: number[], sy: number): number[][] {
  const n = s.length;
  const hy = hInv.map((row) => dot(row, y));
  const yhy = dot(y, hy);
  const out = identity(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      out[i][j] = hInv[i][j] + ((sy + yhy) * s[i] * s[j]) / (sy * sy) - (hy[i] * s[j] + s[i] * hy[j]) / sy;
    }
  }
  return out;
}

function dot(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function identity(n: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
}

/** Gauss–Jordan inverse with partial pivoting; a singular matrix gives NaN entries. */
export function invert(matrix: readonly number[][]): number[][] {
  const n = matrix.length;
  const a = matrix.map((row, i) => [...row, ...identity(n)[i]]);
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r][c]) > Math.abs(a[pivot][c])) pivot = r;
    if (a[pivot][c] === 0) return matrix.map((row) => row.map(() => NaN));
    [a[c], a[pivot]] = [a[pivot], a[c]];
    const p = a[c][c];
    for (let k = 0; k < 2 * n; k++) a[c][k] /= p;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const factor = a[r][c];
      for (let k = 0; k < 2 * n; k++) a[r][k] -= factor * a[c][k];
    }
  }
  return a.map((row) => row.slice(n));
}
