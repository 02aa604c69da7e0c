import FFT from "fft.js";

/** FFT instances and work buffers by transform size, reused across planes and calls. */
const plans = new Map<number, FFT>();

function planFor(size: number): FFT {
  let plan = plans.get(size);
  if (!plan) {
    plan = new FFT(size);
    plans.set(size, plan);
  }
  return plan;
}

function nextPow2(n: number): number {
  let p = 2; // fft.js needs a power of two > 1
  while (p < n) p *= 2;
  return p;
}

/** 2-D complex FFT in place on interleaved rows (h rows of w complex values). */
function fft2d(data: Float64Array, h: number, w: number, inverse: boolean): void {
  const rowPlan = planFor(w);
  const colPlan = planFor(h);
  const rowIn = rowPlan.createComplexArray();
  const rowOut = rowPlan.createComplexArray();
  for (let r = 0; r < h; r++) {
    const base = r * 2 * w;
    for (let k = 0; k < 2 * w; k++) rowIn[k] = data[base + k];
    if (inverse) rowPlan.inverseTransform(rowOut, rowIn);
    else rowPlan.transform(rowOut, rowIn);
    for (let k = 0; k < 2 * w; k++) data[base + k] = rowOut[k];
  }
  const colIn = colPlan.createComplexArray();
  const colOut = colPlan.createComplexArray();
  for (let c = 0; c < w; c++) {
    for (let r = 0; r < h; r++) {
      colIn[2 * r] = data[r * 2 * w + 2 * c];
      colIn[2 * r + 1] = data[r * 2 * w + 2 * c + 1];
    }
    if (inverse) colPlan.inverseTransform(colOut, colIn);
    else colPlan.transform(colOut, colIn);
    for (let r = 0; r < h; r++) {
      data[r * 2 * w + 2 * c] = colOut[2 * r];
      data[r * 2 * w + 2 * c + 1] = colOut[2 * r + 1];
    }
  }
}

/** Same-size 2-D convolution through zero-padded power-of-two FFTs (see direct.ts for the definition). */
export function convolveFft(
  plane: ArrayLike<number>, ny: number, nx: number,
  kernel: ArrayLike<number>, ky: number, kx: number,
  out: Float32Array,
): Float32Array {
  const h = nextPow2(ny + ky - 1);
  const w = nextPow2(nx + kx - 1);
  const a = new Float64Array(2 * h * w);
  const b = new Float64Array(2 * h * w);
  for (let i = 0; i < ny; i++) for (let j = 0; j < nx; j++) a[2 * (i * w + j)] = plane[i * nx + j];
  for (let i = 0; i < ky; i++) for (let j = 0; j < kx; j++) b[2 * (i * w + j)] = kernel[i * kx + j];
  fft2d(a, h, w, false);
  fft2d(b, h, w, false);
  for (let k = 0; k < h * w; k++) {
    const re = a[2 * k] * b[2 * k] - a[2 * k + 1] * b[2 * k + 1];
    const im = a[2 * k] * b[2 * k + 1] + a[2 * k + 1] * b[2 * k];
    a[2 * k] = re;
    a[2 * k + 1] = im;
  }
  fft2d(a, h, w, true); // fft.js's inverse transform is normalised
  const oy = (ky - 1) >> 1;
  const ox = (kx - 1) >> 1;
  for (let i = 0; i < ny; i++) for (let j = 0; j < nx; j++) out[i * nx + j] = a[2 * ((i + oy) * w + j + ox)];
  return out;
}
