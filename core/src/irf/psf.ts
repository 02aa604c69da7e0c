import type { BinTableHdu, Header } from "../fits/index.js";
import { MapAxis } from "../maps/axis/index.js";
import { ScaledRegularGridInterpolator } from "../utils/interpolation/index.js";
import { columnUnitFactor } from "../units/index.js";
import { readIrfAxes, readIrfData, axisColumns } from "./gadf.js";
import type { Irf, IrfCoords } from "./irf.js";
import { checkIrfValues, type IrfLoadOptions } from "./validate.js";

const SR_PER_DEG2 = (Math.PI / 180) ** 2;

/** gammapy's default PSF rad axis: 0–0.66° in 66 bins. */
export const RAD_AXIS_DEFAULT = MapAxis.fromBounds(0, 0.66, 66, { name: "rad", unit: "deg" });

/** Coordinates of a PSF query: arrays of equal length (or scalars), canonical units. */
export interface PsfCoords {
  energy_true: number | ArrayLike<number>;
  offset: number | ArrayLike<number>;
}

function asArray(v: number | ArrayLike<number>): ArrayLike<number> {
  return typeof v === "number" ? [v] : v;
}

const searchRadiiCache = new WeakMap<MapAxis, Float64Array>();

/** The radii a containment radius is chosen from: the rad axis upsampled 20× (its centres; kept per axis). */
function searchRadii(radAxis: MapAxis): Float64Array {
  let rads = searchRadiiCache.get(radAxis);
  if (!rads) searchRadiiCache.set(radAxis, (rads = radAxis.upsample(20).center));
  return rads;
}

/**
 * Radius (deg) containing `fraction` of the PSF for each of `n` queries: the rad of an axis
 * upsampled 20× whose containment is closest to the fraction (gammapy's `containment_radius`).
 */
export function containmentRadiusBySearch(
  containmentAt: (rads: Float64Array, query: number) => ArrayLike<number>,
  n: number,
  fraction: number,
  radAxis: MapAxis,
): Float64Array {
  const rads = searchRadii(radAxis);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const c = containmentAt(rads, i);
    let best = 0;
    for (let k = 1; k < rads.length; k++) if (Math.abs(c[k] - fraction) < Math.abs(c[best] - fraction)) best = k;
    out[i] = rads[best];
  }
  return out;
}

/** Table PSF operations on a psf_table `Irf` (PSF3D): containment and its radius. */
export const psfTable = {
  /** Fraction of the PSF within `rad` (deg). */
  containment(psf: Irf, coords: (PsfCoords | IrfCoords) & { rad: number | ArrayLike<number> }): Float64Array {
    return psf.cumsum("rad").evaluate({ ...coords });
  },

  /**
   * Radius (deg) containing `fraction` at each query; `coords` name the PSF's other axes
   * (e.g. energy_true and offset), arrays of one common length or scalars.
   */
  containmentRadius(psf: Irf, fraction: number, coords: PsfCoords | IrfCoords): Float64Array {
    const columns = Object.entries(coords).map(([name, v]) => [name, asArray(v)] as const);
    const n = Math.max(1, ...columns.map(([, v]) => v.length));
    const cumsum = psf.cumsum("rad");
    const [first, second] = psf.axes;
    if (psf.axes.length === 2 && second.name === "rad" && columns.length === 1 && columns[0][0] === first.name) {
      // a table over (energy, rad) at many energies: every radius at every energy in one outer
      // product (the rad cells found once), ~10× faster than a query per energy
      const rads = searchRadii(second);
      const values = cumsum.evaluateOuter(columns[0][1], { rad: rads });
      const m = rads.length;
      return containmentRadiusBySearch((_, i) => values.subarray(i * m, (i + 1) * m), n, fraction, second);
    }
    return containmentRadiusBySearch(
      (rads, i) => {
        const query: IrfCoords = { rad: rads };
        for (const [name, v] of columns) query[name] = v[v.length === 1 ? 0 : i];
        return cumsum.evaluate(query);
      },
      n,
      fraction,
      psf.axis("rad"),
    );
  },
};

type Params = Record<string, Float64Array>;

/**
 * Analytic PSFs with parameters tabulated in true energy and offset (gammapy's
 * ParametricPSF): parameters interpolated linearly (log energy), clipped at 0.
 */
export abstract class ParametricPsf {
  private readonly interpolators: Record<string, ScaledRegularGridInterpolator>;

  constructor(
    readonly tag: string,
    readonly axes: MapAxis[],
    readonly parameters: Params,
    readonly meta?: Header,
  ) {
    this.interpolators = {};
    for (const [name, values] of Object.entries(parameters)) {
      this.interpolators[name] = new ScaledRegularGridInterpolator(
        axes.map((a) => a.center),
        values,
        { pointsScale: axes.map((a) => a.interp) },
      );
    }
  }

  evaluateParameters(coords: PsfCoords): Params {
    const query = [asArray(coords.energy_true), asArray(coords.offset)];
    const out: Params = {};
    for (const [name, interp] of Object.entries(this.interpolators)) out[name] = interp.evaluate(query, { clip: true });
    return out;
  }

  /** PSF value (sr⁻¹) at `rad` (deg). */
  evaluate(coords: PsfCoords & { rad: number | ArrayLike<number> }): Float64Array {
    const pars = this.evaluateParameters(coords);
    const rad = asArray(coords.rad);
    const n = Math.max(rad.length, ...Object.values(pars).map((p) => p.length));
    return Float64Array.from(
      { length: n },
      (_, i) => this.value(rad[rad.length === 1 ? 0 : i], pick(pars, i)) / SR_PER_DEG2,
    );
  }

  containment(coords: PsfCoords & { rad: number | ArrayLike<number> }): Float64Array {
    const pars = this.evaluateParameters(coords);
    const rad = asArray(coords.rad);
    const n = Math.max(rad.length, ...Object.values(pars).map((p) => p.length));
    return Float64Array.from({ length: n }, (_, i) => this.fraction(rad[rad.length === 1 ? 0 : i], pick(pars, i)));
  }

  containmentRadius(fraction: number, coords: PsfCoords): Float64Array {
    const pars = this.evaluateParameters(coords);
    const n = Math.max(...Object.values(pars).map((p) => p.length));
    return containmentRadiusBySearch(
      (rads, i) => rads.map((r) => this.fraction(r, pick(pars, i))),
      n,
      fraction,
      RAD_AXIS_DEFAULT,
    );
  }

  /** Value in deg⁻² for one parameter set. */
  protected abstract value(rad: number, p: Record<string, number>): number;
  protected abstract fraction(rad: number, p: Record<string, number>): number;

  protected static readParameters(
    table: BinTableHdu,
    columns: Record<string, string>,
    tag: string,
    options: IrfLoadOptions,
  ): { axes: MapAxis[]; parameters: Params } {
    const axes = ["energy_true", "offset"].map((name) => {
      const axis = readIrfAxes(table).find((a) => a.name === name);
      if (!axis) throw new Error(`${table.location}: ${tag} needs an axis '${name}' (columns ${axisColumns(name)})`);
      return axis;
    });
    const parameters: Params = {};
    for (const [name, column] of Object.entries(columns)) {
      if (!table.hasColumn(column)) throw new Error(`${table.location}: ${tag} needs a column ${column}`);
      const { data } = readIrfData(table, column);
      checkIrfValues(table, column, data, { axes, needsPositive: false }, options);
      // gammapy stores the parameters as float32, sigmas of 0 replaced by 1
      const values = Float64Array.from(data, (v) => Math.fround(v));
      if (name.startsWith("sigma")) {
        const factor = columnUnitFactor(table, column, "deg");
        for (let i = 0; i < values.length; i++) values[i] = values[i] === 0 ? 1 : Math.fround(values[i] * factor);
      }
      parameters[name] = values;
    }
    return { axes, parameters };
  }
}

function pick(pars: Params, i: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(pars)) out[k] = v[v.length === 1 ? 0 : i];
  return out;
}

/** Normalised weights and sigmas of the three Gaussians (gammapy's MultiGauss2D). */
function gaussComponents(p: Record<string, number>): Array<[number, number]> {
  const sigmas = [p.sigma_1, p.sigma_2, p.sigma_3];
  const amplitudes = [1, p.ampl_2, p.ampl_3];
  const norms = sigmas.map((s, i) => 2 * p.scale * amplitudes[i] * s * s);
  const total = norms.reduce((a, b) => a + (Number.isNaN(b) ? 0 : b), 0);
  return sigmas.map((s, i) => {
    const w = norms[i] / total;
    return [Number.isFinite(w) ? w : 0, s];
  });
}

/** Triple-Gaussian PSF (psf_3gauss, CTA 1DC). */
export class EnergyDependentMultiGaussPSF extends ParametricPsf {
  static fromTable(table: BinTableHdu, options: IrfLoadOptions = {}): EnergyDependentMultiGaussPSF {
    const { axes, parameters } = ParametricPsf.readParameters(
      table,
      {
        sigma_1: "SIGMA_1",
        sigma_2: "SIGMA_2",
        sigma_3: "SIGMA_3",
        scale: "SCALE",
        ampl_2: "AMPL_2",
        ampl_3: "AMPL_3",
      },
      "psf_3gauss",
      options,
    );
    return new EnergyDependentMultiGaussPSF("psf_3gauss", axes, parameters, table.header);
  }

  protected value(rad: number, p: Record<string, number>): number {
    let sum = 0;
    for (const [w, s] of gaussComponents(p))
      sum += (w / (2 * Math.PI * s * s)) * Math.exp((-0.5 * rad * rad) / (s * s));
    return sum;
  }

  protected fraction(rad: number, p: Record<string, number>): number {
    let sum = 0;
    for (const [w, s] of gaussComponents(p)) sum += w * (1 - Math.exp((-0.5 * rad * rad) / (s * s)));
    return sum;
  }
}

/** King-profile PSF (psf_king). */
export class PSFKing extends ParametricPsf {
  static fromTable(table: BinTableHdu, options: IrfLoadOptions = {}): PSFKing {
    const { axes, parameters } = ParametricPsf.readParameters(
      table,
      { gamma: "GAMMA", sigma: "SIGMA" },
      "psf_king",
      options,
    );
    return new PSFKing("psf_king", axes, parameters, table.header);
  }

  protected value(rad: number, { gamma, sigma }: Record<string, number>): number {
    return (
      (1 / (2 * Math.PI * sigma * sigma)) * (1 - 1 / gamma) * (1 + (rad * rad) / (2 * gamma * sigma * sigma)) ** -gamma
    );
  }

  protected fraction(rad: number, { gamma, sigma }: Record<string, number>): number {
    return 1 - (1 + (rad * rad) / (2 * gamma * sigma * sigma)) ** (1 - gamma);
  }
}

/** Any PSF an observation can have: a table (psf_table) or a parametric one. */
export type Psf = Irf | ParametricPsf;

export function loadParametricPsf(
  table: BinTableHdu,
  hduClass: string,
  options: IrfLoadOptions = {},
): ParametricPsf | undefined {
  if (hduClass === "psf_3gauss") return EnergyDependentMultiGaussPSF.fromTable(table, options);
  if (hduClass === "psf_king") return PSFKing.fromTable(table, options);
  return undefined;
}
