/**
 * gammapy 1.0 `InverseCDFSampler` (gammapy/utils/random/inverse_cdf.py), with numpy 1.24's
 * arithmetic: whole-array sampling of map pixels, and row-wise sampling of one value per row
 * (PSF and energy-dispersion sampling). Float32 pdfs are computed in float32, as numpy keeps
 * their dtype; searching and interpolating are in float64, as numpy casts there.
 */
import { argsort } from "./argsort.js";
import { cumsumInPlace, interpOne, numpySum, roundingOf, searchSorted } from "./numpy-kernels.js";
import { getRandomState, type RandomState, type RandomStateInit } from "./random-state.js";

export interface InverseCDFSamplerOptions {
  /** Omitted or null: sample the whole array; 1: sample along the rows of a 2-D pdf. */
  axis?: 1 | null;
  /** gammapy's `random_state` (default 0), through `getRandomState`. */
  randomState?: RandomStateInit;
}

export class InverseCDFSampler {
  readonly randomState: RandomState;
  readonly axis: 1 | null;
  /** The pdf's shape (C order). */
  readonly shape: readonly number[];
  /**
   * Whole array: the cumulative sum of the normalized pdf in `sortIndex` order (gammapy
   * `cdf`). Rows: each row's cumulative sum over its total, row after row.
   */
  readonly cdf: Float64Array | Float32Array;
  /** Whole array: the flat indices ordering the normalized pdf ascending (numpy's argsort). */
  readonly sortIndex: Int32Array;

  /** `pdf` holds the values in C order of `shape`; they must be ≥ 0 with a positive sum. */
  constructor(pdf: ArrayLike<number>, shape: readonly number[], options: InverseCDFSamplerOptions = {}) {
    const size = shape.reduce((a, b) => a * b, 1);
    if (size !== pdf.length) throw new RangeError(`InverseCDFSampler: shape [${shape}] for ${pdf.length} values`);
    this.randomState = getRandomState(options.randomState ?? 0);
    this.axis = options.axis ?? null;
    this.shape = [...shape];
    const round = roundingOf(pdf);
    const cdf = pdf instanceof Float32Array ? new Float32Array(size) : new Float64Array(size);
    if (this.axis === null) {
      const total = numpySum(pdf);
      const p = pdf instanceof Float32Array ? new Float32Array(size) : new Float64Array(size);
      for (let i = 0; i < size; i++) p[i] = round(pdf[i] / total);
      this.sortIndex = argsort(p);
      for (let i = 0; i < size; i++) cdf[i] = p[this.sortIndex[i]];
      cumsumInPlace(cdf, 0, size, round);
    } else {
      if (this.axis !== 1 || shape.length !== 2) {
        throw new RangeError("InverseCDFSampler: row sampling needs axis 1 of a 2-D pdf");
      }
      const [rows, columns] = shape;
      cdf.set(pdf);
      for (let r = 0; r < rows; r++) {
        const start = r * columns;
        cumsumInPlace(cdf, start, columns, round);
        const last = cdf[start + columns - 1];
        for (let j = 0; j < columns; j++) cdf[start + j] = round(cdf[start + j] / last);
      }
      this.sortIndex = new Int32Array(0);
    }
    this.cdf = cdf;
  }

  /**
   * gammapy `sample(size)`: `size` uniform draws searched in the cdf, mapped back to pixel
   * indices, then one uniform jitter in [−0.5, 0.5) per index (all of dimension 0 first).
   * Returns continuous pixel coordinates, one Float64Array of `size` per dimension of the pdf.
   */
  sample(size: number): Float64Array[] {
    const { draws, pix } = this.drawPixels(size);
    locatePixels(this.searchTables(), draws, pix, 0, size);
    return pix;
  }

  /**
   * The random part of `sample`, in numpy's order: the `size` draws to search, then the jitter,
   * one (dims × size) array of uniforms in [−0.5, 0.5), dimension 0 first. `pix[d]` holds the
   * jitter until `locatePixels` adds the pixel indices to it. `allocate` makes the arrays (shared
   * memory, for a helper thread to locate part of them).
   */
  drawPixels(
    size: number,
    allocate: AllocateDoubles = PLAIN_ARRAYS.doubles,
  ): { draws: Float64Array; pix: Float64Array[] } {
    return this.fillPixels({ draws: allocate(size), pix: this.shape.map(() => allocate(size)) });
  }

  /** `drawPixels` into arrays given (one `draws` and a `pix` per dimension, of the same length). */
  fillPixels(drawn: { draws: Float64Array; pix: Float64Array[] }): { draws: Float64Array; pix: Float64Array[] } {
    if (this.axis !== null) throw new Error("InverseCDFSampler.sample: whole-array mode only (axis null)");
    if (drawn.pix.length !== this.shape.length)
      throw new RangeError("InverseCDFSampler.fillPixels: one pix per dimension");
    this.randomState.fillUniform(drawn.draws, 0, 1);
    for (const p of drawn.pix) this.randomState.fillUniform(p, -0.5, 0.5);
    return drawn;
  }

  /**
   * What `locatePixels` searches: the cdf as doubles, the guide table (null: a plain binary
   * search) and the pixel index of each sorted position per dimension. Plain data: it crosses
   * to a helper thread (made by `allocate`s of shared memory, it is not copied).
   */
  searchTables(allocate: AllocateTables = PLAIN_ARRAYS): SearchTables {
    if (this.axis !== null) throw new Error("InverseCDFSampler.searchTables: whole-array mode only (axis null)");
    if (this.tables && this.tables.allocate === allocate) return this.tables.tables;
    const tables = {
      cdf: this.cdfAsDoubles(allocate),
      guide: this.guideTable(allocate),
      indices: this.pixelIndices(allocate),
    };
    this.tables = { allocate, tables };
    return tables;
  }

  private tables?: { allocate: AllocateTables; tables: SearchTables };

  /**
   * Per dimension, the pixel index of each sorted position (sortIndex unravelled in C order of
   * the shape): a draw's coordinates are then one lookup each, not divisions.
   */
  private pixelIndices(allocate: AllocateTables): Int32Array[] {
    const n = this.sortIndex.length;
    const dims = this.shape.length;
    const indices = this.shape.map(() => allocate.ints(n));
    for (let j = 0; j < n; j++) {
      let flat = this.sortIndex[j];
      for (let d = dims - 1; d > 0; d--) {
        const rest = Math.floor(flat / this.shape[d]);
        indices[d][j] = flat - rest * this.shape[d];
        flat = rest;
      }
      indices[0][j] = flat;
    }
    return indices;
  }

  /**
   * The cdf as doubles, for the search (numpy compares float64 draws with it cast so): one
   * element type there, where float32 and float64 cdfs (a background map's and the time grid's
   * in one event sampling) made V8's loads polymorphic (1e6 background events ~8 % faster).
   */
  private cdfAsDoubles(allocate: AllocateTables): Float64Array {
    if (this.cdf instanceof Float64Array && allocate === PLAIN_ARRAYS) return this.cdf;
    const doubles = allocate.doubles(this.cdf.length);
    doubles.set(this.cdf);
    return doubles;
  }

  /**
   * For a sorted, finite cdf: guide[b] = the first index whose value is ≥ b/K, so that a draw
   * in [b/K, (b+1)/K) is searched between guide[b] and guide[b+1] only. K is a power of two
   * (≥ 4 × the cdf's length, at most 2²²): a draw's bucket, floor(u·K), is then exact, and the
   * buckets hold ~0–1 values each (1e6 draws on a 10⁴-bin map: 19 → 8 ms with K = n). The
   * result is the one np.searchsorted gives; null (the plain search) for any other cdf.
   */
  private guideTable(allocate: AllocateTables): Int32Array | null {
    const cdf = this.cdf;
    const n = cdf.length;
    let sorted = n > 0 && Number.isFinite(cdf[0]);
    for (let i = 1; i < n && sorted; i++) sorted = cdf[i] >= cdf[i - 1] && Number.isFinite(cdf[i]);
    if (!sorted) return null;
    const buckets = 2 ** Math.min(MAX_GUIDE_BITS, Math.ceil(Math.log2(4 * n)));
    const guide = allocate.ints(buckets + 1);
    let at = 0;
    for (let b = 0; b <= buckets; b++) {
      const bound = b / buckets;
      while (at < n && cdf[at] < bound) at++;
      guide[b] = at;
    }
    return guide;
  }

  /**
   * gammapy 1.0 `sample_axis()`: one uniform draw per row, interpolated (np.interp) from the
   * row's cdf with a 0 prepended onto the bin edges −0.5, 0.5, …, M − 0.5. Returns the
   * continuous column coordinate of each row.
   */
  sampleAxis(): Float64Array {
    if (this.axis === null) throw new Error("InverseCDFSampler.sampleAxis: row mode only (axis 1)");
    const [rows, columns] = this.shape;
    const choices = this.randomState.uniform(0, 1, rows);
    const edges = new Float64Array(columns + 1);
    for (let j = 0; j <= columns; j++) edges[j] = j - 0.5;
    const row = new Float64Array(columns + 1); // [0, cdf[r, 0], …, cdf[r, M−1]]
    const out = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < columns; j++) row[j + 1] = this.cdf[r * columns + j];
      out[r] = interpOne(choices[r], row, 0, edges, 0, columns + 1);
    }
    return out;
  }
}

/** The guide table's largest size: 2²² buckets (16 MB), for cdfs of more than 2²⁰ values. */
const MAX_GUIDE_BITS = 22;

/** np.searchsorted(cdf, keys, "left") for uniform draws in [0, 1), through the guide table. */
function searchWithGuide(cdf: Float64Array, guide: Int32Array, keys: Float64Array, out: Int32Array): void {
  const n = cdf.length;
  const buckets = guide.length - 1;
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k];
    let lo = 0;
    let hi = n;
    if (key >= 0 && key < 1) {
      // exact: buckets is a power of two, so b/buckets ≤ key < (b + 1)/buckets
      const b = Math.floor(key * buckets);
      lo = guide[b];
      hi = guide[b + 1];
    }
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] < key) lo = mid + 1;
      else hi = mid;
    }
    out[k] = lo;
  }
}

// The loops of `sample` as functions of their own: a sampler draws once, and inline V8 ran
// them unoptimised while it recompiled `sample` for on-stack replacement (4 times in the event
// sampler's first runs, with as many deoptimisations between 1-D and 3-D pdfs).

const DRAW_ABOVE_CDF = "InverseCDFSampler.sample: draw above the last cdf value";

/** The tables `locatePixels` needs (`InverseCDFSampler.searchTables`). */
export interface SearchTables {
  cdf: Float64Array;
  guide: Int32Array | null;
  indices: Int32Array[];
}

/** Makes the arrays of `drawPixels`. */
export type AllocateDoubles = (length: number) => Float64Array;
/** Makes the arrays of `searchTables`. */
export interface AllocateTables {
  doubles(length: number): Float64Array;
  ints(length: number): Int32Array;
}

/** Arrays of the thread's own memory. */
export const PLAIN_ARRAYS: AllocateTables = {
  doubles: (length) => new Float64Array(length),
  ints: (length) => new Int32Array(length),
};

/**
 * The deterministic part of `sample` for the draws [from, to) of `drawPixels`: each draw searched
 * in the cdf, its pixel index added to the jitter in `pix`: in place, or into `out` (one array
 * per dimension, from 0), the draws left as they are. Ranges are independent: two threads may
 * locate two of them at once.
 */
export function locatePixels(
  tables: SearchTables,
  draws: Float64Array,
  pix: Float64Array[],
  from: number,
  to: number,
  out?: Float64Array[],
): void {
  const keys = draws.subarray(from, to);
  const found = new Int32Array(to - from);
  if (tables.guide) searchWithGuide(tables.cdf, tables.guide, keys, found);
  else searchSorted(tables.cdf, keys, "left", found);
  checkFound(found, tables.cdf.length);
  for (let d = 0; d < pix.length; d++) {
    const jitter = pix[d].subarray(from, to);
    placeInto(out ? out[d].subarray(0, to - from) : jitter, found, tables.indices[d], jitter);
  }
}

/** Throws if a draw was found beyond the cdf (a cdf whose last value is below a draw). */
function checkFound(found: Int32Array, n: number): void {
  for (let i = 0; i < found.length; i++) if (found[i] >= n) throw new RangeError(DRAW_ABOVE_CDF);
}

/** out[i] = index[found[i]] + jitter[i]: a draw's pixel coordinate along one dimension. */
function placeInto(out: Float64Array, found: Int32Array, index: Int32Array, jitter: Float64Array): Float64Array {
  for (let i = 0; i < out.length; i++) out[i] = index[found[i]] + jitter[i];
  return out;
}
