import FFT from "fft.js";
import { defaultComputeCache } from "../../utils/compute-cache.js";

/** The compute-cache namespace of FFT instances by transform size, reused across planes and calls. */
const FFT_PLANS = "fft plans";

function planFor(size: number): FFT {
  const cache = defaultComputeCache();
  const key = String(size);
  // a plan holds its twiddle table (2·size numbers) and bit-reversal table (≤ size numbers)
  return cache.get<FFT>(FFT_PLANS, key) ?? cache.set(FFT_PLANS, key, new FFT(size), 24 * size);
}

export function nextPow2(n: number): number {
  let p = 2; // fft.js needs a power of two > 1
  while (p < n) p *= 2;
  return p;
}

function transformRows(data: Float64Array, w: number, rowStart: number, rowStop: number, inverse: boolean): void {
  const plan = planFor(w);
  const input = plan.createComplexArray();
  const output = plan.createComplexArray();
  for (let r = rowStart; r < rowStop; r++) {
    const base = r * 2 * w;
    for (let k = 0; k < 2 * w; k++) input[k] = data[base + k];
    if (inverse) plan.inverseTransform(output, input);
    else plan.transform(output, input);
    for (let k = 0; k < 2 * w; k++) data[base + k] = output[k];
  }
}

function transformColumns(data: Float64Array, h: number, w: number, inverse: boolean): void {
  const plan = planFor(h);
  const input = plan.createComplexArray();
  const output = plan.createComplexArray();
  for (let c = 0; c < w; c++) {
    for (let r = 0; r < h; r++) {
      input[2 * r] = data[r * 2 * w + 2 * c];
      input[2 * r + 1] = data[r * 2 * w + 2 * c + 1];
    }
    if (inverse) plan.inverseTransform(output, input);
    else plan.transform(output, input);
    for (let r = 0; r < h; r++) {
      data[r * 2 * w + 2 * c] = output[2 * r];
      data[r * 2 * w + 2 * c + 1] = output[2 * r + 1];
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

/**
 * Convolutions of one image pair with many kernels through FFTs: the two real images travel as
 * one complex image (real and imaginary parts), whose spectrum is computed once; each kernel
 * then costs one forward and one inverse transform. Results are the "same"-size windows (see
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
    this.h = nextPow2(ny + maxKy - 1);
    this.w = nextPow2(nx + maxKx - 1);
    this.spectrum = new Float64Array(2 * this.h * this.w);
    this.mass = [0, 0];
    for (let i = 0; i < ny * nx; i++) {
      this.mass[0] += Math.abs(re[i]);
      if (im) this.mass[1] += Math.abs(im[i]);
    }
    for (let i = 0; i < ny; i++) {
      for (let j = 0; j < nx; j++) {
        this.spectrum[2 * (i * this.w + j)] = re[i * nx + j];
        if (im) this.spectrum[2 * (i * this.w + j) + 1] = im[i * nx + j];
      }
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
    if (ny + ky - 1 > h || nx + kx - 1 > w)
      throw new Error(`SpectralConvolver: kernel ${ky}×${kx} larger than the padding allows`);
    work.fill(0);
    for (let i = 0; i < ky; i++) for (let j = 0; j < kx; j++) work[2 * (i * w + j)] = kernel[i * kx + j];
    forward2d(work, h, w, ky);
    for (let k = 0; k < h * w; k++) {
      const ar = spectrum[2 * k];
      const ai = spectrum[2 * k + 1];
      const br = work[2 * k];
      const bi = work[2 * k + 1];
      work[2 * k] = ar * br - ai * bi;
      work[2 * k + 1] = ar * bi + ai * br;
    }
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
      for (let j = 0; j < nx; j++) {
        const at = 2 * ((i + oy) * w + j + ox);
        re[i * nx + j] = Math.abs(work[at]) <= tolRe ? 0 : work[at];
        if (im) im[i * nx + j] = Math.abs(work[at + 1]) <= tolIm ? 0 : work[at + 1];
      }
    }
    return out;
  }
}

/** Same-size 2-D convolution through zero-padded power-of-two FFTs (see direct.ts for the definition). */
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
