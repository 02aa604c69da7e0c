import { transformFrame, type SkyCoord } from "../../coords/index.js";
import type { FitsFile } from "../../fits/index.js";
import { mapFromFits, WcsNDMap, type WcsGeom } from "../../maps/index.js";
import { convert, parseUnit } from "../../units/index.js";
import type { GridInterpMethod } from "../../utils/interpolation/index.js";
import type { ModelDict } from "../model.js";
import { SpatialModel, type SpatialRegion } from "./spatial-model.js";

export interface TemplateSpatialModelOptions {
  /** Scale the map to integrate to 1 over its pixels (default true, as gammapy). */
  normalize?: boolean;
  /** The file the map came from (written by `toDict`). */
  filename?: string;
  meta?: Record<string, unknown>;
  /** Interpolation between pixel centres (gammapy's interp_kwargs `method`, default linear). */
  method?: GridInterpMethod;
  /** The value outside the map (gammapy's interp_kwargs `fill_value`, default 0); undefined: extrapolate. */
  fillValue?: number | null;
}

/** How many grids' values a template keeps (the data's geometry and its cutouts in a fit). */
const GRID_CACHE_ENTRIES = 8;

/**
 * gammapy 1.0's TemplateSpatialModel: values interpolated (linear in pixel coordinates, 0
 * outside the map, negative values clipped to 0) from the map, which by default is normalised
 * as gammapy does: divided by its sum and by each pixel's solid angle (sr⁻¹). A map with an
 * `energy_true` axis is energy dependent: normalised per energy plane, interpolated in energy
 * too (in the axis' pixel coordinates: log for log axes), 0 beyond its first and last nodes.
 * The frame is the map's.
 */
export class TemplateSpatialModel extends SpatialModel {
  /** The template as evaluated (normalised when `normalize`); its unit is sr⁻¹ or compatible. */
  readonly map: WcsNDMap;
  readonly normalize: boolean;
  readonly filename?: string;
  readonly meta: Record<string, unknown>;
  private readonly method: GridInterpMethod;
  private readonly fillValue: number | undefined;
  private readonly toSr: number;
  private readonly gridValues = new Map<string, Float64Array>();

  constructor(map: WcsNDMap, options: TemplateSpatialModelOptions = {}) {
    super([], {}, map.geom.frame);
    const axes = map.geom.axesNames;
    if (!(axes.length === 0 || (axes.length === 1 && axes[0] === "energy_true")))
      throw new Error(
        `TemplateSpatialModel: the map has axes ${axes.join(", ")}; a template has no axis or one named energy_true`,
      );
    this.normalize = options.normalize ?? true;
    this.filename = options.filename;
    this.meta = options.meta ?? {};
    this.method = options.method ?? "linear";
    this.fillValue = options.fillValue === null ? undefined : (options.fillValue ?? 0);
    let template = this.normalize ? normalized(map) : map.copy();
    // gammapy assumes sr⁻¹ for a map without unit
    if (template.unit === "" || parseUnit(template.unit).isDimensionless) template = template.copy({ unit: "sr-1" });
    this.map = template;
    this.toSr = parseUnit(template.unit).factorTo(parseUnit("sr-1"));
  }

  /** A template from a FITS file in gammapy's map layout. */
  static fromFits(file: FitsFile, options: TemplateSpatialModelOptions = {}): TemplateSpatialModel {
    return new TemplateSpatialModel(mapFromFits(file), { filename: file.fileName, ...options });
  }

  get tag(): readonly string[] {
    return ["TemplateSpatialModel", "template"];
  }

  /** Whether the map has an energy_true axis (gammapy's `is_energy_dependent`). */
  override get isEnergyDependent(): boolean {
    return !this.map.geom.isImage;
  }

  /** The map's centre. */
  get position(): SkyCoord {
    return this.map.geom.centerSkydir;
  }

  /** Half the map's larger side. */
  get evaluationRadius(): number {
    return Math.max(...this.map.geom.width) / 2;
  }

  /** The map's outline. */
  override get evaluationRegion(): SpatialRegion {
    const [width, height] = this.map.geom.width;
    return { type: "box", center: this.position, width, height };
  }

  override get nativeUnitToSr(): number {
    return this.toSr;
  }

  /** sr⁻¹ at each (lon, lat) (deg, the map's frame) and, for an energy-dependent map, true energy (TeV). */
  evaluate(lon: ArrayLike<number>, lat: ArrayLike<number>, energy?: ArrayLike<number>): Float64Array {
    const { x, y } = this.map.geom.wcs.worldToPix(lon, lat);
    if (!this.isEnergyDependent) return this.interpolate([x, y]);
    if (!energy) throw new Error("TemplateSpatialModel: an energy-dependent template needs energies to evaluate");
    const axis = this.map.geom.axisByName("energy_true");
    const energyTeV = axis.unit === "TeV" ? energy : Float64Array.from(energy, (e) => convert(e, "TeV", axis.unit));
    return this.interpolate([x, y, axis.coordToPix(energyTeV)]);
  }

  /**
   * Values at a grid's pixel centres (kept per grid: the template has no parameters); for an
   * energy-dependent map at each true energy of the grid's energy_true axis (planes × pixels).
   */
  evaluateGeomInto(geom: WcsGeom, out: Float64Array): void {
    const energies = this.isEnergyDependent ? energyCentres(geom) : undefined;
    const key = energies ? `${geom.gridKey}|${energies.join()}` : geom.gridKey;
    let values = this.gridValues.get(key);
    if (!values) {
      const centres = geom.imageCoord("center");
      const { lon, lat } =
        geom.frame === this.frame ? centres : transformFrame(centres.lon, centres.lat, geom.frame, this.frame);
      if (!energies) values = this.evaluate(lon, lat);
      else {
        // every pixel at every energy: the image's positions repeated per plane
        const n = lon.length;
        const repeat = (a: ArrayLike<number>) => {
          const r = new Float64Array(n * energies.length);
          for (let e = 0; e < energies.length; e++) r.set(a, e * n);
          return r;
        };
        const energy = Float64Array.from({ length: n * energies.length }, (_, i) => energies[Math.floor(i / n)]);
        values = this.evaluate(repeat(lon), repeat(lat), energy);
      }
      if (this.gridValues.size >= GRID_CACHE_ENTRIES) this.gridValues.delete(this.gridValues.keys().next().value!);
      this.gridValues.set(key, values);
    }
    out.set(values);
  }

  private interpolate(pix: Float64Array[]): Float64Array {
    const values = this.map.interpByPix(pix, { method: this.method, fillValue: this.fillValue });
    // gammapy clips negative values to 0 (NaN stays NaN, as with np.clip)
    for (let i = 0; i < values.length; i++) values[i] = Math.max(values[i], 0) * this.toSr;
    return values;
  }

  /** gammapy's `to_dict`: type, frame, no parameters, filename, normalize and unit. */
  override toDict(): ModelDict {
    return {
      type: this.tag[0],
      frame: this.frame,
      parameters: [],
      filename: this.filename ?? null,
      normalize: this.normalize,
      unit: astropyUnitText(this.map.unit),
    };
  }
}

/**
 * The map divided by its sum and by the pixel solid angles, in gammapy's precision: float32
 * maps stay float32 (numpy divides them in place), others become float64.
 */
function normalized(map: WcsNDMap): WcsNDMap {
  // an energy-dependent map: each energy plane on its own (gammapy's sum over axes (1, 2))
  const pixels = map.geom.imageSize;
  const n = map.data.length;
  const sums = new Float64Array(n / pixels);
  for (let i = 0; i < n; i++) sums[Math.floor(i / pixels)] += map.data[i];
  const solidAngle = map.geom.solidAngle();
  if (map.data instanceof Float32Array) {
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++)
      data[i] = Math.fround(map.data[i] / Math.fround(sums[Math.floor(i / pixels)])) / solidAngle[i % pixels];
    return new WcsNDMap(map.geom, data, "sr-1", "float32", structuredClone(map.meta));
  }
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) data[i] = map.data[i] / sums[Math.floor(i / pixels)] / solidAngle[i % pixels];
  return new WcsNDMap(map.geom, data, "sr-1", "float64", structuredClone(map.meta));
}

/** The true energies (TeV) of a geometry's energy_true bins, for an energy-dependent model. */
function energyCentres(geom: WcsGeom): Float64Array {
  const axis = geom.axes.find((a) => a.name === "energy_true");
  if (!axis) {
    const axes = geom.axesNames.join(", ") || "none";
    throw new Error(`TemplateSpatialModel: an energy-dependent template needs an energy_true axis (axes: ${axes})`);
  }
  const centres = axis.center;
  return axis.unit === "TeV" ? centres : Float64Array.from(centres, (e) => convert(e, axis.unit, "TeV"));
}

/** The unit as astropy prints it (gammapy's `str(map.unit)`) for the units templates carry. */
function astropyUnitText(unit: string): string {
  const u = parseUnit(unit);
  const [rad, m, s, kg] = u.exponents;
  if (m === 0 && s === 0 && kg === 0 && rad === -2) {
    if (u.scale === 1) return "1 / sr";
    if (u.scale === parseUnit("deg-2").scale) return "1 / deg2";
  }
  return unit;
}
