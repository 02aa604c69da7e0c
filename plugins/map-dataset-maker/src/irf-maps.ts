import { EDispKernelMap, EDispMap, Irf, WcsNDMap } from "@gammaflow/core";
import { edispKernelsByNodes } from "./edisp-kernel-nodes.js";
import { axisNormalization, evaluateOnImage } from "./offset-table.js";
import type { ComputeCache, ParametricPsf, Psf, SkyCoord, WcsGeom } from "@gammaflow/core";

/** Where the offset tables are kept (default `defaultComputeCache()`). */
export interface IrfMapOptions {
  cache?: ComputeCache;
}

/**
 * An IRF map: the IRF at each pixel's offset from the pointing, for every bin of the map's
 * first axis (rad or migra) and true energy, normalised along the first axis. The geometry
 * must have axes [rad|migra, energy_true].
 */
function normalizedIrfMap(
  irf: Psf,
  axisName: "rad" | "migra",
  geom: WcsGeom,
  pointing: SkyCoord,
  cache?: ComputeCache,
): WcsNDMap {
  const axis = geom.axisByName(axisName);
  const energy = geom.axisByName("energy_true");
  if (geom.axes.length !== 2 || geom.axes[0] !== axis || geom.axes[1] !== energy) {
    throw new Error(`geometry axes must be [${axisName}, energy_true], got [${geom.axesNames.join(", ")}]`);
  }
  if (irf instanceof Irf) {
    // normalised in the same pass, while each energy's values are still in cache
    const normalize = axisNormalization(axis);
    const other = { name: axisName, values: axis.center };
    const data = evaluateOnImage(irf, energy.center, geom, pointing, other, { normalize, cache });
    return WcsNDMap.fromGeom(geom, { data, unit: normalize.unit });
  }
  const map = WcsNDMap.fromGeom(geom, {
    data: evaluateParametric(irf, energy.center, axis.center, geom.separation(pointing)),
  });
  map.normalize(axisName);
  return map;
}

/** A parametric PSF at every (true energy, rad, pixel), energy by energy, in data order. */
function evaluateParametric(
  psf: ParametricPsf,
  energies: Float64Array,
  rads: Float64Array,
  offsetImage: Float64Array,
): Float64Array {
  const n = offsetImage.length;
  const m = rads.length * n;
  const offset = new Float64Array(m);
  const rad = new Float64Array(m);
  rads.forEach((r, k) => {
    offset.set(offsetImage, k * n);
    rad.fill(r, k * n, (k + 1) * n);
  });
  const out = new Float64Array(energies.length * m);
  energies.forEach((e, j) => out.set(psf.evaluate({ energy_true: e, offset, rad }), j * m));
  return out;
}

/**
 * PSF map of one observation (gammapy 1.0's `make_psf_map`): the PSF at each pixel's
 * offset, for every rad and true-energy bin, normalised to unit containment along rad.
 * Returns the map (deg⁻², like gammapy's) on a geometry with axes [rad, energy_true].
 */
export function makePsfMap(psf: Psf, pointing: SkyCoord, geom: WcsGeom, options: IrfMapOptions = {}): WcsNDMap {
  return normalizedIrfMap(psf, "rad", geom, pointing, options.cache);
}

/**
 * Energy-dispersion map of one observation (gammapy 1.0's `make_edisp_map`): the migration
 * density at each pixel's offset for every migra and true-energy bin, normalised along migra.
 * Returns the map on a geometry with axes [migra, energy_true].
 */
export function makeEdispMap(edisp: Irf, pointing: SkyCoord, geom: WcsGeom, options: IrfMapOptions = {}): WcsNDMap {
  return normalizedIrfMap(edisp, "migra", geom, pointing, options.cache);
}

/**
 * Energy-dispersion kernel map of one observation (gammapy 1.0's `make_edisp_kernel_map`): the
 * EDisp map on the IRF's own migra axis (`makeEdispMap`), integrated into the reconstructed-energy
 * bins of `geom` pixel by pixel (`EDispMap.toEdispKernelMap`). `geom` has axes [energy,
 * energy_true]; `exposure` (on `geom` with energy squashed) goes with the map.
 */
export function makeEdispKernelMap(
  edisp: Irf,
  pointing: SkyCoord,
  geom: WcsGeom,
  exposure?: WcsNDMap,
  options: IrfMapOptions = {},
): EDispKernelMap {
  const energy = geom.axisByName("energy");
  const energyTrue = geom.axisByName("energy_true");
  if (geom.axes.length !== 2 || geom.axes[0] !== energy || geom.axes[1] !== energyTrue)
    throw new Error(`geometry axes must be [energy, energy_true], got [${geom.axesNames.join(", ")}]`);
  const migraGeom = geom.toImage().toCube([edisp.axis("migra"), energyTrue]);
  const data =
    edispKernelsByNodes(edisp, pointing, migraGeom, energy, options.cache) ??
    new EDispMap(makeEdispMap(edisp, pointing, migraGeom, options)).toEdispKernelMap(energy).edispMap.data;
  // on `geom` itself: a cutout's geometry knows its parent grid (stacking's mask mapping is cached by it)
  return new EDispKernelMap(WcsNDMap.fromGeom(geom, { data }), exposure);
}
