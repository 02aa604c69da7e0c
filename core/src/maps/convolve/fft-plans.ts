// Complex FFTs of the sizes the convolver pads to: powers of two (fft.js) and three times a power
// of two, one radix-3 pass over three fft.js transforms of a third of the size. The second kind
// pads a 300-pixel image with a 91-pixel ring to 384 instead of 512: 0.56 of the area.
import FFT from "fft.js";

/** A transform of one size: interleaved complex values in and out (`out` ≠ `data`). */
export interface FftPlan {
  readonly size: number;
  transform(out: Float64Array, data: Float64Array): void;
  /** The inverse, normalised (divided by the size), as fft.js's. */
  inverseTransform(out: Float64Array, data: Float64Array): void;
}

/** The smallest size ≥ n (and ≥ 2) that `fftPlan` makes: 2^k or 3·2^k. */
export function fftSize(n: number): number {
  let pow2 = 2;
  while (pow2 < n) pow2 *= 2;
  const three = 3 * (pow2 / 4); // 3·2^(k−2): below pow2, the only 3·2^j between pow2/2 and pow2
  return three >= n && three >= 6 ? three : pow2;
}

/** A plan for `size` (2^k ≥ 2 or 3·2^k ≥ 6). */
export function fftPlan(size: number): FftPlan {
  if (isPow2(size)) return new FFT(size);
  if (size % 3 === 0 && isPow2(size / 3) && size >= 6) return new Radix3Plan(size);
  throw new RangeError(`fftPlan: size must be 2^k or 3·2^k, got ${size}`);
}

function isPow2(n: number): boolean {
  return Number.isInteger(n) && n >= 2 && (n & (n - 1)) === 0;
}

const SIN_60 = Math.sqrt(3) / 2;

/**
 * N = 3M by decimation in time: the three sub-sequences x[3m + j] transformed by fft.js (size M),
 * then X[q + sM] = Σ_j W_N^{jq} W_3^{js} X_j[q] (W = e^{∓2πi/·}).
 */
class Radix3Plan implements FftPlan {
  private readonly third: number;
  private readonly sub: FFT;
  private readonly parts: Float64Array[];
  private readonly spectra: Float64Array[];
  /** W^q and W^2q (W = e^{−2πi/N}) as (re, im, re, im) per q < M, forward; and conjugated. */
  private readonly forward: Float64Array;
  private readonly backward: Float64Array;

  constructor(readonly size: number) {
    this.third = size / 3;
    this.sub = new FFT(this.third);
    this.parts = [0, 1, 2].map(() => new Float64Array(2 * this.third));
    this.spectra = [0, 1, 2].map(() => new Float64Array(2 * this.third));
    this.forward = new Float64Array(4 * this.third);
    this.backward = new Float64Array(4 * this.third);
    for (let q = 0; q < this.third; q++) {
      const angle = (2 * Math.PI * q) / size;
      const w = [Math.cos(angle), -Math.sin(angle), Math.cos(2 * angle), -Math.sin(2 * angle)];
      for (let i = 0; i < 4; i++) {
        this.forward[4 * q + i] = w[i];
        this.backward[4 * q + i] = i % 2 ? -w[i] : w[i];
      }
    }
  }

  transform(out: Float64Array, data: Float64Array): void {
    this.run(out, data, false);
  }

  inverseTransform(out: Float64Array, data: Float64Array): void {
    this.run(out, data, true);
  }

  private run(out: Float64Array, data: Float64Array, inverse: boolean): void {
    const { parts, spectra, sub, third } = this;
    splitThree(data, parts[0], parts[1], parts[2], third);
    for (let j = 0; j < 3; j++) {
      if (inverse) sub.inverseTransform(spectra[j], parts[j]);
      else sub.transform(spectra[j], parts[j]);
    }
    if (inverse)
      combineThree(out, spectra, this.backward, third, -SIN_60, 1 / 3); // fft.js divided by M, not 3M
    else combineThree(out, spectra, this.forward, third, SIN_60, 1);
  }
}

/** a[m], b[m], c[m] = data[3m], data[3m + 1], data[3m + 2] (complex), m < n. */
function splitThree(data: Float64Array, a: Float64Array, b: Float64Array, c: Float64Array, n: number): void {
  for (let m = 0; m < n; m++) {
    const at = 6 * m;
    a[2 * m] = data[at];
    a[2 * m + 1] = data[at + 1];
    b[2 * m] = data[at + 2];
    b[2 * m + 1] = data[at + 3];
    c[2 * m] = data[at + 4];
    c[2 * m + 1] = data[at + 5];
  }
}

/**
 * The radix-3 butterflies: with b' = W^q·b, c' = W^{2q}·c (`twiddles`: W = e^{−2πi/N}, conjugated
 * for the inverse, whose `sin60` is then −√3/2), X[q] = a + b' + c' and
 * X[q ± M] = a − (b' + c')/2 ∓ i·sin60·(b' − c'), each times `scale`.
 */
function combineThree(
  out: Float64Array,
  [a, b, c]: Float64Array[],
  twiddles: Float64Array,
  n: number,
  sin60: number,
  scale: number,
): void {
  for (let q = 0; q < n; q++) {
    const c1 = twiddles[4 * q];
    const s1 = twiddles[4 * q + 1];
    const c2 = twiddles[4 * q + 2];
    const s2 = twiddles[4 * q + 3];
    const br = b[2 * q] * c1 - b[2 * q + 1] * s1;
    const bi = b[2 * q] * s1 + b[2 * q + 1] * c1;
    const cr = c[2 * q] * c2 - c[2 * q + 1] * s2;
    const ci = c[2 * q] * s2 + c[2 * q + 1] * c2;
    const ar = a[2 * q];
    const ai = a[2 * q + 1];
    const sr = br + cr;
    const si = bi + ci;
    // −i·sin60·(b' − c')
    const dr = sin60 * (bi - ci);
    const di = -sin60 * (br - cr);
    const tr = ar - 0.5 * sr;
    const ti = ai - 0.5 * si;
    out[2 * q] = (ar + sr) * scale;
    out[2 * q + 1] = (ai + si) * scale;
    out[2 * (q + n)] = (tr + dr) * scale;
    out[2 * (q + n) + 1] = (ti + di) * scale;
    out[2 * (q + 2 * n)] = (tr - dr) * scale;
    out[2 * (q + 2 * n) + 1] = (ti - di) * scale;
  }
}
