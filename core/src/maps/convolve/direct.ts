/**
 * "Same"-size 2-D convolution by direct summation (zero boundary): the full linear
 * convolution cropped starting at (K−1)//2 per dimension, like scipy's fftconvolve(mode="same").
 * Kernels made of runs of equal weights (top-hats, rings) are summed run by run from row
 * prefix sums, so their cost grows with the kernel's height rather than its area.
 */
export function convolveDirect(
  plane: ArrayLike<number>,
  ny: number,
  nx: number,
  kernel: ArrayLike<number>,
  ky: number,
  kx: number,
  out: Float32Array,
): Float32Array {
  const runs = weightRuns(kernel, ky, kx);
  let nonzero = 0;
  for (let i = 0; i < kernel.length; i++) if (kernel[i] !== 0) nonzero++;
  return runs.length * 3 < nonzero
    ? convolveRuns(plane, ny, nx, runs, ky, kx, out)
    : convolveWeights(plane, ny, nx, kernel, ky, kx, out);
}

function convolveWeights(
  plane: ArrayLike<number>,
  ny: number,
  nx: number,
  kernel: ArrayLike<number>,
  ky: number,
  kx: number,
  out: Float32Array,
): Float32Array {
  const oy = (ky - 1) >> 1;
  const ox = (kx - 1) >> 1;
  const acc = new Float64Array(nx);
  for (let i = 0; i < ny; i++) {
    acc.fill(0);
    // out[i][j] = Σ plane[p][q] · kernel[i+oy−p][j+ox−q]
    for (let a = 0; a < ky; a++) {
      const p = i + oy - a;
      if (p < 0 || p >= ny) continue;
      const rowBase = p * nx;
      const kRow = a * kx;
      for (let b = 0; b < kx; b++) {
        const w = kernel[kRow + b];
        if (w === 0) continue;
        const shift = ox - b; // q = j + shift
        const jStart = Math.max(0, -shift);
        const jStop = Math.min(nx, nx - shift);
        for (let j = jStart; j < jStop; j++) acc[j] += w * plane[rowBase + j + shift];
      }
    }
    for (let j = 0; j < nx; j++) out[i * nx + j] = acc[j];
  }
  return out;
}

/** A run of equal non-zero weights in kernel row `row`, columns [b0, b1]. */
interface WeightRun {
  row: number;
  b0: number;
  b1: number;
  weight: number;
}

function weightRuns(kernel: ArrayLike<number>, ky: number, kx: number): WeightRun[] {
  const runs: WeightRun[] = [];
  for (let a = 0; a < ky; a++) {
    let b = 0;
    while (b < kx) {
      const w = kernel[a * kx + b];
      if (w === 0) {
        b++;
        continue;
      }
      let end = b;
      while (end + 1 < kx && kernel[a * kx + end + 1] === w) end++;
      runs.push({ row: a, b0: b, b1: end, weight: w });
      b = end + 1;
    }
  }
  return runs;
}

function convolveRuns(
  plane: ArrayLike<number>,
  ny: number,
  nx: number,
  runs: WeightRun[],
  ky: number,
  kx: number,
  out: Float32Array,
): Float32Array {
  const oy = (ky - 1) >> 1;
  const ox = (kx - 1) >> 1;
  // prefix[p][q] = Σ plane[p][0..q-1]
  const prefix = new Float64Array(ny * (nx + 1));
  for (let p = 0; p < ny; p++) {
    let s = 0;
    for (let q = 0; q < nx; q++) {
      s += plane[p * nx + q];
      prefix[p * (nx + 1) + q + 1] = s;
    }
  }
  const acc = new Float64Array(nx);
  for (let i = 0; i < ny; i++) {
    acc.fill(0);
    for (const { row, b0, b1, weight } of runs) {
      const p = i + oy - row;
      if (p < 0 || p >= ny) continue;
      const base = p * (nx + 1);
      // Σ_{b=b0..b1} plane[p][j+ox−b] = prefix over q ∈ [j+ox−b1, j+ox−b0], clipped to the row
      for (let j = 0; j < nx; j++) {
        const lo = Math.max(0, j + ox - b1);
        const hi = Math.min(nx, j + ox - b0 + 1);
        if (hi > lo) acc[j] += weight * (prefix[base + hi] - prefix[base + lo]);
      }
    }
    for (let j = 0; j < nx; j++) out[i * nx + j] = acc[j];
  }
  return out;
}
