import { defaultComputeCache } from "../../utils/compute-cache.js";
import { fftPlan, fftSize, type FftPlan } from "./fft-plans.js";

/** The compute-cache namespace of FFT plans by transform size, reused across planes and calls. */
const FFT_PLANS = "fft plans";

function planFor(size: number): FftPlan {
  const cache = defaultComputeCache();
  const key = String(size);
  // a plan holds its twiddle table (2·size numbers) and bit-reversal table (≤ size numbers), a
  // radix-3 one also its six buffers (a third of the size each)
  return cache.get<FftPlan>(FFT_PLANS, key) ?? cache.set(FFT_PLANS, key, fftPlan(size), 48 * size);
}

/**
 * The transform size along one axis for an image of n pixels and kernels up to k: the circular
 * convolution must leave the "same" window (from (k − 1)//2) free of wrapped values, which takes
 * n + k − 1 − (k − 1)//2 points, and hold the kernel.
 */
export function paddedSize(n: number, k: number): number {
  return fftSize(Math.max(n + k - 1 - ((k - 1) >> 1), k));
}

// The transforms read and write Float64Arrays only (fft.js indexes any array): rows are
// transformed straight from the grid, and the strided columns are gathered a few at a time, so
// that each cache line read serves every column of the block.

function transformRows(data: Float64Array, w: number, rowStart: number, rowStop: number, inverse: boolean): void {
  const plan = planFor(w);
  const output = new Float64Array(2 * w);
  for (let r = rowStart; r < rowStop; r++) {
    const row = data.subarray(2 * w * r, 2 * w * (r + 1));
    if (inverse) plan.inverseTransform(output, row);
    else plan.transform(output, row);
    row.set(output);
  }
}

/** Columns transformed together (a block of 4 complex values is one 64-byte cache line). */
const COLUMN_BLOCK = 4;

function transformColumns(data: Float64Array, h: number, w: number, inverse: boolean): void {
  const plan = planFor(h);
  const block = Array.from({ length: COLUMN_BLOCK }, () => new Float64Array(2 * h));
  const output = new Float64Array(2 * h);
  for (let c0 = 0; c0 < w; c0 += COLUMN_BLOCK) {
    const n = Math.min(COLUMN_BLOCK, w - c0);
    gatherColumns(block, n, data, h, w, c0);
    for (let b = 0; b < n; b++) {
      if (inverse) plan.inverseTransform(output, block[b]);
      else plan.transform(output, block[b]);
      block[b].set(output);
    }
    scatterColumns(data, block, n, h, w, c0);
  }
}

// The gather and scatter as functions of their own, called per block: V8 optimises them after a
// few calls (inline in transformColumns, called twice a run, they ran unoptimised while V8
// recompiled it for on-stack replacement).

/** block[b] = data's column c0 + b (h interleaved complex values, rows of w), b < n. */
function gatherColumns(block: Float64Array[], n: number, data: Float64Array, h: number, w: number, c0: number): void {
  for (let r = 0; r < h; r++) {
    const at = 2 * (r * w + c0);
    for (let b = 0; b < n; b++) {
      block[b][2 * r] = data[at + 2 * b];
      block[b][2 * r + 1] = data[at + 2 * b + 1];
    }
  }
}

/** data's column c0 + b = block[b], b < n. */
function scatterColumns(data: Float64Array, block: Float64Array[], n: number, h: number, w: number, c0: number): void {
  for (let r = 0; r < h; r++) {
    const at = 2 * (r * w + c0);
    for (let b = 0; b < n; b++) {
      data[at + 2 * b] = block[b][2 * r];
      data[at + 2 * b + 1] = block[b][2 * r + 1];
    }
  }
}

/** Forward 2-D FFT in place (h rows of w interleaved complex values); rows ≥ `filledRows` are zero and skipped. */
function forward2d(data: Float64Array, h: number, w: number, filledRows: number): void {
  transformRows(data, w, 0, filledRows, false);
  transformColumns(data, h, w, false);
}

/** Inverse 2-D FFT (normalised, as fft.js's); only rows [rowStart, rowStop) of the result are computed. */
function inverse2d(data: Float64Array, h: number, w: number, rowStart: number, rowStop: number): void {
  transformColumns(data, h, w, true);
  transformRows(data, w, rowStart, rowStop, true);
}

/** The compute-cache namespace of kernel transforms by grid size and kernel values. */
const KERNEL_SPECTRA = "fft kernel spectra";

interface KernelSpectrum {
  kernel: Float64Array;
  spectrum: Float64Array;
}

/** FNV-1a over the values' bits: a key that a hit then confirms value by value. */
function contentHash(values: Float64Array): string {
  const words = new Uint32Array(values.buffer, values.byteOffset, 2 * values.length);
  let hash = 0x811c9dc5;
  for (let i = 0; i < words.length; i++) hash = Math.imul(hash ^ words[i], 0x01000193);
  return (hash >>> 0).toString(16);
}

function sameBits(a: Float64Array, b: Float64Array): boolean {
  const x = new Uint32Array(a.buffer, a.byteOffset, 2 * a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, 2 * b.length);
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/**
 * The forward transform of a ky×kx kernel zero-padded to h×w. Cached: a chain's ring kernel is
 * the same for every run, and transforming it was a third of each run's FFT work.
 */
function kernelSpectrum(kernel: ArrayLike<number>, ky: number, kx: number, h: number, w: number): Float64Array {
  const values = new Float64Array(ky * kx);
  for (let i = 0; i < values.length; i++) values[i] = kernel[i];
  const key = `${h}x${w} ${ky}x${kx} ${contentHash(values)}`;
  const cache = defaultComputeCache();
  const hit = cache.get<KernelSpectrum>(KERNEL_SPECTRA, key);
  if (hit && sameBits(hit.kernel, values)) return hit.spectrum;
  const spectrum = new Float64Array(2 * h * w);
  for (let i = 0; i < ky; i++) for (let j = 0; j < kx; j++) spectrum[2 * (i * w + j)] = values[i * kx + j];
  forward2d(spectrum, h, w, ky);
  if (!hit) cache.set(KERNEL_SPECTRA, key, { kernel: values, spectrum }, 8 * (values.length + spectrum.length));
  return spectrum;
}

/**
 * Convolutions of one image pair with many kernels through FFTs: the two real images travel as
 * one complex image (real and imaginary parts), whose spectrum is computed once; each kernel
 * then costs one inverse transform (and a forward one, the first time on a grid: see `kernelSpectrum`).
 * Results are the "same"-size windows (see
 * direct.ts), float32 like gammapy's. The padding fits kernels up to `maxKy`×`maxKx`.
 */
export class SpectralConvolver {
  private readonly h: number;
  private readonly w: number;
  private readonly spectrum: Float64Array;
  private readonly work: Float64Array;
  /** Σ|re|, Σ|im|: with the kernel's largest weight, they bound the transforms' round-off. */
  private readonly mass: [number, number];

  constructor(
    readonly ny: number,
    readonly nx: number,
    maxKy: number,
    maxKx: number,
    re: ArrayLike<number>,
    im?: ArrayLike<number>,
  ) {
    if (re.length !== ny * nx || (im && im.length !== ny * nx))
      throw new Error(`SpectralConvolver: images must have ${ny}×${nx} values`);
    this.h = paddedSize(ny, maxKy);
    this.w = paddedSize(nx, maxKx);
    this.spectrum = new Float64Array(2 * this.h * this.w);
    this.mass = [absSum(re), im ? absSum(im) : 0];
    for (let i = 0; i < ny; i++) {
      placeRow(this.spectrum, 2 * i * this.w, re, i * nx, nx);
      if (im) placeRow(this.spectrum, 2 * i * this.w + 1, im, i * nx, nx);
    }
    forward2d(this.spectrum, this.h, this.w, ny);
    this.work = new Float64Array(this.spectrum.length);
  }

  /** Both images convolved with one kernel (ky×kx, row-major): [re ⊛ k, im ⊛ k]. */
  convolve(
    kernel: ArrayLike<number>,
    ky: number,
    kx: number,
    out: [Float32Array, Float32Array?] = [new Float32Array(this.ny * this.nx), new Float32Array(this.ny * this.nx)],
  ): [Float32Array, Float32Array?] {
    const { h, w, ny, nx, work, spectrum } = this;
    if (paddedSize(ny, ky) > h || paddedSize(nx, kx) > w)
      throw new Error(`SpectralConvolver: kernel ${ky}×${kx} larger than the padding allows`);
    const kernelSpectrumOnGrid = kernelSpectrum(kernel, ky, kx, h, w);
    multiplySpectra(work, spectrum, kernelSpectrumOnGrid);
    const oy = (ky - 1) >> 1;
    const ox = (kx - 1) >> 1;
    inverse2d(work, h, w, oy, oy + ny);
    // Values below the FFT's round-off bound are zeros (e.g. a ring lying wholly in an
    // exclusion region), not ~1e-14 noise: "no off acceptance" must test as ≤ 0.
    let kmax = 0;
    for (let i = 0; i < ky * kx; i++) kmax = Math.max(kmax, Math.abs(kernel[i]));
    const scale = 16 * Number.EPSILON * Math.log2(h * w) * kmax;
    const [tolRe, tolIm] = [scale * this.mass[0], scale * this.mass[1]];
    const [re, im] = out;
    for (let i = 0; i < ny; i++) {
      const from = 2 * ((i + oy) * w + ox);
      windowRow(re, i * nx, work, from, nx, tolRe);
      if (im) windowRow(im, i * nx, work, from + 1, nx, tolIm);
    }
    return out;
  }
}

// The loops of the convolver as functions of their own: it runs once per image pair, and inline
// V8 ran its loops unoptimised while it recompiled the method for on-stack replacement.

/** Σ|values|. */
function absSum(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += Math.abs(values[i]);
  return sum;
}

/** out[at + 2j] = values[from + j] for j < n: one image row into the real or imaginary parts. */
function placeRow(out: Float64Array, at: number, values: ArrayLike<number>, from: number, n: number): void {
  for (let j = 0; j < n; j++) out[at + 2 * j] = values[from + j];
}

/** out = a × b, complex values interleaved. */
function multiplySpectra(out: Float64Array, a: Float64Array, b: Float64Array): void {
  for (let k = 0; k < out.length; k += 2) {
    const ar = a[k];
    const ai = a[k + 1];
    const br = b[k];
    const bi = b[k + 1];
    out[k] = ar * br - ai * bi;
    out[k + 1] = ar * bi + ai * br;
  }
}

/** out[at + j] = values[from + 2j] for j < n, or 0 where its magnitude is ≤ tol (one row of the window). */
function windowRow(out: Float32Array, at: number, values: Float64Array, from: number, n: number, tol: number): void {
  for (let j = 0; j < n; j++) {
    const v = values[from + 2 * j];
    out[at + j] = Math.abs(v) <= tol ? 0 : v;
  }
}

/** Same-size 2-D convolution through zero-padded FFTs (2^k or 3·2^k points; see direct.ts for the definition). */
export function convolveFft(
  plane: ArrayLike<number>,
  ny: number,
  nx: number,
  kernel: ArrayLike<number>,
  ky: number,
  kx: number,
  out: Float32Array,
): Float32Array {
  return new SpectralConvolver(ny, nx, ky, kx, plane).convolve(kernel, ky, kx, [out])[0];
}
