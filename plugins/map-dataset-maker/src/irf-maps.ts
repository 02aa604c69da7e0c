import { Irf, WcsNDMap, type Psf, type SkyCoord, type WcsGeom } from "@gammaflow/core";

/**
 * Per-pixel offsets repeated for every bin of the first axis ([rad|migra, energy_true] maps):
 * `values` and `offset` of length nbin·npix, in the map's data order within one energy plane.
 */
function planeCoords(geom: WcsGeom, pointing: SkyCoord, axisName: string) {
  const first = geom.axisByName(axisName);
  const energy = geom.axisByName("energy_true");
  if (geom.axes.length !== 2 || geom.axes[0] !== first || geom.axes[1] !== energy) {
    throw new Error(`geometry axes must be [${axisName}, energy_true], got [${geom.axesNames.join(", ")}]`);
  }
  const offsetImage = geom.separation(pointing);
  const n = geom.imageSize;
  const offset = new Float64Array(first.nbin * n);
  const values = new Float64Array(first.nbin * n);
  first.center.forEach((c, k) => {
    offset.set(offsetImage, k * n);
    values.fill(c, k * n, (k + 1) * n);
  });
  return { offset, values, energies: energy.center };
}

/** IRF values on every (true energy, first-axis bin, pixel) of the map, in data order. */
function evaluateOnMap(irf: Psf, axisName: "rad" | "migra", geom: WcsGeom, pointing: SkyCoord): Float64Array {
  const { offset, values, energies } = planeCoords(geom, pointing, axisName);
  if (irf instanceof Irf) return irf.evaluateOuter(energies, { offset, [axisName]: values });
  // parametric PSFs: evaluated energy by energy
  const m = values.length;
  const out = new Float64Array(energies.length * m);
  energies.forEach((e, j) => out.set(irf.evaluate({ energy_true: e, offset, rad: values }), j * m));
  return out;
}

/**
 * PSF map of one observation (gammapy 1.0's `make_psf_map`): the PSF at each pixel's
 * offset, for every rad and true-energy bin, normalised to unit containment along rad.
 * Returns the map (deg⁻², like gammapy's) on a geometry with axes [rad, energy_true].
 */
export function makePsfMap(psf: Psf, pointing: SkyCoord, geom: WcsGeom): WcsNDMap {
  const map = WcsNDMap.fromGeom(geom, { data: evaluateOnMap(psf, "rad", geom, pointing), unit: "sr-1" });
  map.normalize("rad");
  return map;
}

/**
 * Energy-dispersion map of one observation (gammapy 1.0's `make_edisp_map`): the migration
 * density at each pixel's offset for every migra and true-energy bin, normalised along migra.
 * Returns the map on a geometry with axes [migra, energy_true].
 */
export function makeEdispMap(edisp: Irf, pointing: SkyCoord, geom: WcsGeom): WcsNDMap {
  const map = WcsNDMap.fromGeom(geom, { data: evaluateOnMap(edisp, "migra", geom, pointing), unit: "" });
  map.normalize("migra");
  return map;
}
