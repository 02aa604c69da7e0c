import type { Parameter, Parameters } from "./parameter.js";
import { Parameters as ParameterList } from "./parameter.js";

/**
 * A covariance matrix over a parameter list, in value space (gammapy 1.0's `Covariance`):
 * row-major n×n. Models hold one over their parameters; a fit sets it from the optimiser's
 * factor-space matrix.
 */
export class Covariance {
  readonly parameters: Parameters;
  private matrix: Float64Array;

  /** Without data: the diagonal of the parameters' errors squared. */
  constructor(parameters: Parameters, data?: ArrayLike<number>) {
    this.parameters = parameters;
    const n = parameters.length;
    if (data === undefined) {
      this.matrix = new Float64Array(n * n);
      parameters.toArray().forEach((p, i) => {
        this.matrix[i * n + i] = p.error ** 2;
      });
    } else {
      if (data.length !== n * n)
        throw new Error(`Covariance: ${data.length} values for ${n} parameters (needs ${n * n})`);
      this.matrix = Float64Array.from(data);
    }
  }

  get size(): number {
    return this.parameters.length;
  }

  get data(): Float64Array {
    return this.matrix;
  }

  set data(values: ArrayLike<number>) {
    const n = this.size;
    if (values.length !== n * n) throw new Error(`Covariance: ${values.length} values, expected ${n}×${n}`);
    this.matrix = Float64Array.from(values);
  }

  get(i: number, j: number): number {
    return this.matrix[i * this.size + j];
  }

  /**
   * From the optimiser's covariance of the free factors (m×m, m free and distinct parameters),
   * or of all factors (n×n): entries of frozen and repeated parameters are 0, and
   * cov_ij = scale_i · scale_j · M_ij.
   */
  static fromFactorMatrix(parameters: Parameters, factors: ArrayLike<number>): Covariance {
    const list = parameters.toArray();
    const n = list.length;
    let full: ArrayLike<number> = factors;
    if (factors.length !== n * n) {
      const used = list.map((p, i) => !p.frozen && list.indexOf(p) === i);
      const at = used.flatMap((u, i) => (u ? [i] : []));
      const m = at.length;
      if (factors.length !== m * m)
        throw new Error(`Covariance: a ${Math.sqrt(factors.length)}-square factor matrix for ${m} free parameters`);
      const expanded = new Float64Array(n * n);
      for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) expanded[at[a] * n + at[b]] = factors[a * m + b];
      full = expanded;
    }
    const data = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) data[i * n + j] = list[i].scale * list[j].scale * full[i * n + j];
    return new Covariance(parameters, data);
  }

  /** The block of several covariances on the concatenation of their parameters. */
  static fromStack(covariances: readonly Covariance[]): Covariance {
    const out = new Covariance(ParameterList.fromStack(covariances.map((c) => c.parameters)));
    for (const c of covariances) out.setSubcovariance(c);
    return out;
  }

  /** The covariance of a sub-list of the parameters. */
  getSubcovariance(parameters: Parameters): Covariance {
    const idx = parameters.toArray().map((p) => this.parameters.index(p));
    const m = idx.length;
    const data = new Float64Array(m * m);
    for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) data[a * m + b] = this.get(idx[a], idx[b]);
    return new Covariance(parameters, data);
  }

  /**
   * Writes `sub` into its parameters' rows and columns; where it changes them, their
   * correlations with the other parameters are reset to 0 (as gammapy does).
   */
  setSubcovariance(sub: Covariance): void {
    const n = this.size;
    const idx = sub.parameters.toArray().map((p) => this.parameters.index(p));
    const m = idx.length;
    let same = true;
    for (let a = 0; a < m && same; a++)
      for (let b = 0; b < m; b++) {
        const x = this.get(idx[a], idx[b]);
        const y = sub.get(a, b);
        if (!(Math.abs(x - y) <= 1e-8 + 1e-5 * Math.abs(y))) {
          same = false;
          break;
        }
      }
    if (!same)
      for (const i of idx)
        for (let k = 0; k < n; k++) {
          this.matrix[i * n + k] = 0;
          this.matrix[k * n + i] = 0;
        }
    for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) this.matrix[idx[a] * n + idx[b]] = sub.get(a, b);
  }

  /** C_ij = Σ_ij / sqrt(Σ_ii Σ_jj) (0 where a variance is 0). */
  get correlation(): Float64Array {
    const n = this.size;
    const out = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        const d = Math.sqrt(this.get(i, i) * this.get(j, j));
        out[i * n + j] = d > 0 ? this.get(i, j) / d : 0;
      }
    return out;
  }

  /** sqrt of the diagonal entry of `parameter`. */
  error(parameter: Parameter | string): number {
    const i = this.parameters.index(parameter);
    return Math.sqrt(this.get(i, i));
  }

  copy(): Covariance {
    return new Covariance(this.parameters, this.matrix);
  }
}
