import { WcsNDMap, type Irf, type Psf, type SkyCoord, type WcsGeom } from "@gammaflow/core";

/** Coordinates of every bin of a (rad|migra, energy_true) cube: per-bin arrays, C order. */
function binCoords(geom: WcsGeom, pointing: SkyCoord, axisName: string) {
  const offsetImage = geom.separation(pointing);
  const first = geom.axisByName(axisName);
  const energy = geom.axisByName("energy_true");
  if (geom.axes.length !== 2 || geom.axes[0] !== first || geom.axes[1] !== energy) {
    throw new Error(`geometry axes must be [${axisName}, energy_true], got [${geom.axesNames.join(", ")}]`);
  }
  const n = geom.imageSize;
  const size = geom.size;
  const offset = new Float64Array(size);
  const value = new Float64Array(size);
  const energyTrue = new Float64Array(size);
  const centers = first.center;
  const energies = energy.center;
  for (let e = 0; e < energy.nbin; e++) {
    for (let k = 0; k < first.nbin; k++) {
      const base = (e * first.nbin + k) * n;
      offset.set(offsetImage, base);
      value.fill(centers[k], base, base + n);
      energyTrue.fill(energies[e], base, base + n);
    }
  }
  return { offset, value, energyTrue };
}

/**
 * PSF map of one observation (gammapy 1.0's `make_psf_map`): the PSF at each pixel's
 * offset, for every rad and true-energy bin, normalised to unit containment along rad.
 * Returns the map (deg⁻², like gammapy's) on a geometry with axes [rad, energy_true].
 */
export function makePsfMap(psf: Psf, pointing: SkyCoord, geom: WcsGeom): WcsNDMap {
  const { offset, value: rad, energyTrue } = binCoords(geom, pointing, "rad");
  const data = psf.evaluate({ energy_true: energyTrue, offset, rad });
  const map = WcsNDMap.fromGeom(geom, { data, unit: "sr-1" });
  map.normalize("rad");
  return map;
}

/**
 * Energy-dispersion map of one observation (gammapy 1.0's `make_edisp_map`): the migration
 * density at each pixel's offset for every migra and true-energy bin, normalised along migra.
 * Returns the map on a geometry with axes [migra, energy_true].
 */
export function makeEdispMap(edisp: Irf, pointing: SkyCoord, geom: WcsGeom): WcsNDMap {
  const { offset, value: migra, energyTrue } = binCoords(geom, pointing, "migra");
  const data = edisp.evaluate({ energy_true: energyTrue, migra, offset });
  const map = WcsNDMap.fromGeom(geom, { data, unit: "" });
  map.normalize("migra");
  return map;
}
