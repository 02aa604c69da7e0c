/**
 * numpy's legacy `np.random.RandomState` (numpy 1.24 `mtrand.pyx`): the same MT19937 stream,
 * the same draws for the same seed, method by method. Integer-valued results (Poisson,
 * randint, choice indices) are numbers, arrays of them Float64Arrays (exact up to 2⁵³).
 */
import { boundedMasked, bitMask, randomInterval } from "./bounded.js";
import { choiceIndices } from "./choice.js";
import { crLog } from "./cr-log.js";
import { MT19937, MT_STATE_WORDS } from "./mt19937.js";
import { checkPoissonLam, checkPoissonLams, fillPoisson, poissonDraw, PtrsConstants } from "./poisson.js";

const MAX_SEED = 0xffffffff;

/** The generator state, as `RandomState.get_state()`'s legacy tuple holds it. */
export interface RandomStateSnapshot {
  /** The 624 words of the MT19937 state. */
  key: Uint32Array;
  /** Index of the next word to temper (624: the state is twisted first). */
  pos: number;
  /** Whether a second Gaussian of the last pair is kept for the next call. */
  hasGauss: boolean;
  gauss: number;
}

export class RandomState {
  private readonly bits = new MT19937();
  private hasGauss = false;
  private gauss = 0;
  private readonly ptrs = new PtrsConstants();

  /**
   * `RandomState(seed)`: an integer in [0, 2³²−1] (numpy's `_legacy_seeding`: `init_genrand`),
   * an array of such integers (`init_by_array`), or nothing for a seed from the platform's
   * entropy (crypto.getRandomValues), as numpy does for `None`.
   */
  constructor(seed?: number | ArrayLike<number>) {
    this.seed(seed);
  }

  /** Re-seeds in place (numpy `RandomState.seed`); the kept Gaussian is dropped. */
  seed(seed?: number | ArrayLike<number>): void {
    if (seed === undefined) {
      const words = new Uint32Array(MT_STATE_WORDS);
      globalThis.crypto.getRandomValues(words);
      this.bits.key.set(words);
      this.bits.key[0] = 0x80000000; // as numpy: never the all-zero state
      this.bits.pos = MT_STATE_WORDS;
    } else if (typeof seed === "number") {
      checkSeedWord(seed);
      this.bits.seed(seed);
    } else {
      if (seed.length === 0) throw new RangeError("RandomState: Seed must be non-empty");
      for (let i = 0; i < seed.length; i++) checkSeedWord(seed[i]);
      this.bits.seedByArray(seed);
    }
    this.hasGauss = false;
    this.gauss = 0;
  }

  /** numpy `get_state()`: a copy of the state. */
  getState(): RandomStateSnapshot {
    return { key: this.bits.key.slice(), pos: this.bits.pos, hasGauss: this.hasGauss, gauss: this.gauss };
  }

  /** numpy `set_state(state)`. */
  setState(state: RandomStateSnapshot): void {
    if (state.key.length !== MT_STATE_WORDS) throw new RangeError("setState: key must have 624 words");
    if (!(Number.isInteger(state.pos) && state.pos >= 0 && state.pos <= MT_STATE_WORDS)) {
      throw new RangeError(`setState: pos must be an integer in [0, 624], got ${state.pos}`);
    }
    this.bits.key.set(state.key);
    this.bits.pos = state.pos;
    this.hasGauss = state.hasGauss;
    this.gauss = state.hasGauss ? state.gauss : 0;
  }

  /** An independent generator in the same state (the copy's stream repeats this one's). */
  clone(): RandomState {
    const copy = new RandomState(0);
    copy.setState(this.getState());
    return copy;
  }

  /** The next raw 32-bit word (numpy's `next_uint32`, what `randint` and `shuffle` mask). */
  nextUint32(): number {
    return this.bits.next32();
  }

  /** numpy `random_sample(size)`: uniform doubles in [0, 1), 53 bits from two words each. */
  randomSample(): number;
  randomSample(size: number): Float64Array;
  randomSample(size?: number): number | Float64Array {
    if (size === undefined) return this.bits.nextDouble();
    const out = new Float64Array(checkSize(size));
    this.bits.fillDoubles(out);
    return out;
  }

  /** numpy `random()`: the alias of `random_sample`. */
  random(): number;
  random(size: number): Float64Array;
  random(size?: number): number | Float64Array {
    return size === undefined ? this.bits.nextDouble() : this.randomSample(size);
  }

  /**
   * numpy `uniform(low=0, high=1, size)`: low + (high − low)·u. The arguments keep numpy's
   * order, so `uniform(360, undefined, n)` is low = 360, high = 1, values in (1, 360].
   */
  uniform(low?: number, high?: number): number;
  uniform(low: number | undefined, high: number | undefined, size: number): Float64Array;
  uniform(low = 0, high = 1, size?: number): number | Float64Array {
    const range = uniformRange(low, high);
    if (size === undefined) return low + range * this.bits.nextDouble();
    const out = new Float64Array(checkSize(size));
    this.bits.fillDoubles(out, low, range);
    return out;
  }

  /** `uniform(low, high, out.length)` written into `out` (the same draws, no new array); returns `out`. */
  fillUniform(out: Float64Array, low = 0, high = 1): Float64Array {
    this.bits.fillDoubles(out, low, uniformRange(low, high));
    return out;
  }

  /**
   * numpy `poisson(lam=1, size)`: λ = 0 gives 0 and draws nothing; λ < 10 the multiplication
   * method, λ ≥ 10 PTRS. λ < 0, NaN or above 9.2e18 throw a RangeError.
   */
  poisson(lam?: number): number;
  poisson(lam: number | undefined, size: number): Float64Array;
  poisson(lam = 1, size?: number): number | Float64Array {
    checkPoissonLam(lam);
    if (size === undefined) return poissonDraw(this.bits, lam, this.ptrs);
    const out = new Float64Array(checkSize(size));
    for (let i = 0; i < out.length; i++) out[i] = poissonDraw(this.bits, lam, this.ptrs);
    return out;
  }

  /**
   * numpy `poisson(lams)` for an array of λ: one draw per element, in order (C order of a
   * flattened map). All λ are checked before anything is drawn, as numpy does. `out` (any
   * writable array of lams.length numbers, e.g. a Float32Array counts map) avoids the default
   * Float64Array.
   */
  poissonArray<T extends { [i: number]: number; length: number } = Float64Array>(lams: ArrayLike<number>, out?: T): T {
    checkPoissonLams(lams);
    const target = out ?? (new Float64Array(lams.length) as unknown as T);
    if (target.length !== lams.length) {
      throw new RangeError(`poissonArray: out has ${target.length} elements for ${lams.length} lams`);
    }
    fillPoisson(this.bits, lams, target);
    return target;
  }

  /**
   * numpy `standard_normal(size)`: the legacy polar Box–Muller Gaussian (`legacy_gauss`),
   * which keeps the pair's second value for the next call.
   */
  standardNormal(): number;
  standardNormal(size: number): Float64Array;
  standardNormal(size?: number): number | Float64Array {
    if (size === undefined) return this.nextGauss();
    const out = new Float64Array(checkSize(size));
    for (let i = 0; i < out.length; i++) out[i] = this.nextGauss();
    return out;
  }

  /** numpy `normal(loc=0, scale=1, size)` = loc + scale·gauss (`legacy_normal`); scale ≥ 0. */
  normal(loc?: number, scale?: number): number;
  normal(loc: number | undefined, scale: number | undefined, size: number): Float64Array;
  normal(loc = 0, scale = 1, size?: number): number | Float64Array {
    if (scale < 0 || Object.is(scale, -0)) throw new RangeError(`normal: scale < 0 (got ${scale})`);
    if (size === undefined) return loc + scale * this.nextGauss();
    const out = new Float64Array(checkSize(size));
    for (let i = 0; i < out.length; i++) out[i] = loc + scale * this.nextGauss();
    return out;
  }

  /**
   * numpy `randint(low, high, size)` with the default dtype (int64): integers in [low, high),
   * or [0, low) without `high`; masked rejection sampling. Non-integer bounds are truncated
   * (numpy's int()); the range must stay within the safe integers.
   */
  randint(low: number, high?: number): number;
  randint(low: number, high: number | undefined, size: number): Float64Array;
  randint(low: number, high?: number, size?: number): number | Float64Array {
    if (size === 0) return new Float64Array(0); // numpy returns before checking the bounds
    if (high === undefined) [low, high] = [0, low];
    const lo = Math.trunc(low);
    const top = Math.trunc(high) - 1; // numpy draws from the closed [low, high − 1]
    if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(top) || !Number.isSafeInteger(top - lo)) {
      throw new RangeError(`randint: bounds [${low}, ${high}) beyond the safe integers`);
    }
    if (lo > top) throw new RangeError(`randint: low >= high (${low} >= ${high})`);
    const rng = top - lo;
    const mask = bitMask(rng);
    if (size === undefined) return lo + boundedMasked(this.bits, rng, mask);
    const out = new Float64Array(checkSize(size));
    for (let i = 0; i < out.length; i++) out[i] = lo + boundedMasked(this.bits, rng, mask);
    return out;
  }

  /**
   * numpy `choice(a, size, replace=True, p=None)`: from 0 … a−1 for a number (the indices
   * returned), else from the elements of `a`. Without `size`, one value.
   */
  choice(a: number, size?: undefined, replace?: boolean, p?: ArrayLike<number>): number;
  choice(a: number, size: number, replace?: boolean, p?: ArrayLike<number>): Float64Array;
  choice<T>(a: ArrayLike<T>, size?: undefined, replace?: boolean, p?: ArrayLike<number>): T;
  choice<T>(a: ArrayLike<T>, size: number, replace?: boolean, p?: ArrayLike<number>): T[];
  choice<T>(
    a: number | ArrayLike<T>,
    size?: number,
    replace = true,
    p?: ArrayLike<number>,
  ): number | Float64Array | T | T[] {
    if (typeof a === "number" && !Number.isSafeInteger(a)) {
      throw new RangeError(`choice: a must be 1-dimensional or an integer (got ${a})`);
    }
    const populationSize = typeof a === "number" ? a : a.length;
    const indices = choiceIndices(this, populationSize, size === undefined ? 1 : checkSize(size), replace, p);
    if (typeof a === "number") return size === undefined ? indices[0] : indices;
    return size === undefined ? a[indices[0]] : Array.from(indices, (i) => a[i]);
  }

  /** numpy `shuffle(x)` of a 1-D array, in place: Fisher–Yates from the end with `random_interval`. */
  shuffle(x: { [i: number]: unknown; length: number }): void {
    for (let i = x.length - 1; i > 0; i--) {
      const j = randomInterval(this.bits, i);
      const t = x[i];
      x[i] = x[j];
      x[j] = t;
    }
  }

  /** numpy `permutation(n)`: 0 … n−1 shuffled. */
  permutation(n: number): Float64Array {
    const out = new Float64Array(checkSize(n));
    for (let i = 0; i < n; i++) out[i] = i;
    this.shuffle(out);
    return out;
  }

  /** numpy `legacy_gauss`: polar method, r² in (0, 1), the second value kept. */
  private nextGauss(): number {
    if (this.hasGauss) {
      this.hasGauss = false;
      const kept = this.gauss;
      this.gauss = 0;
      return kept;
    }
    let x1: number;
    let x2: number;
    let r2: number;
    do {
      x1 = 2 * this.bits.nextDouble() - 1;
      x2 = 2 * this.bits.nextDouble() - 1;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt((-2 * crLog(r2)) / r2);
    this.gauss = f * x1;
    this.hasGauss = true;
    return f * x2;
  }
}

function checkSeedWord(seed: number): void {
  if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) {
    throw new RangeError(`RandomState: Seed must be between 0 and 2**32 - 1 (got ${seed})`);
  }
}

function checkSize(size: number): number {
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`size must be a non-negative integer, got ${size}`);
  return size;
}

/** numpy's `high − low` for `uniform`, refused when it is not finite. */
function uniformRange(low: number, high: number): number {
  const range = high - low;
  if (!Number.isFinite(range)) throw new RangeError("uniform: Range exceeds valid bounds");
  return range;
}

/** What `getRandomState` accepts (gammapy's `random_state` arguments). */
export type RandomStateInit = number | "random-seed" | "global-rng" | RandomState;

let globalRandomState: RandomState | undefined;

/** The process-wide generator (numpy's `np.random.mtrand._rand`), seeded from entropy on first use. */
export function getGlobalRandomState(): RandomState {
  globalRandomState ??= new RandomState();
  return globalRandomState;
}

/**
 * gammapy `get_random_state(init)`: a new generator seeded with an integer, a new one seeded
 * from entropy for "random-seed", the process-wide one for "global-rng", a generator itself
 * (shared: its users continue one stream).
 */
export function getRandomState(init: RandomStateInit): RandomState {
  if (init instanceof RandomState) return init;
  if (typeof init === "number") return new RandomState(init);
  if (init === "random-seed") return new RandomState();
  if (init === "global-rng") return getGlobalRandomState();
  throw new TypeError(`${String(init)} cannot be used to seed a RandomState`);
}
