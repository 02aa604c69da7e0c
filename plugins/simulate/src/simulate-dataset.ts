import {
  EDispKernelMap,
  edispKernelAtOffset,
  GTI,
  type IrfDict,
  MapDataset,
  type MapAxis,
  type Models,
  PSFMap,
  RAD_AXIS_DEFAULT,
  SkyCoord,
  WcsGeom,
  WcsNDMap,
} from "@gammaflow/core";
import { makeMapBackgroundIrf, makeMapExposureTrueEnergy, makePsfMap, seconds } from "@gammaflow/map-dataset-maker";

export interface SimulateDatasetOptions {
  /** Observation time (s, or a quantity such as "10 h"; default 1 h). */
  livetime?: number | string;
  /** Offset from the pointing (deg) where the PSF and the energy dispersion are taken (default 1). */
  offset?: number;
  /** True-energy axis (default the geometry's energy axis, as v0.15 uses one axis for both). */
  energyAxisTrue?: MapAxis;
  name?: string;
}

/**
 * A dataset simulated from IRFs (gammapy v0.15's `simulate_dataset`, without the counts: `fake`
 * draws them): exposure and background at each pixel's offset from the pointing, the PSF and
 * the energy dispersion of one offset (`offset`) everywhere, the models set. The IRFs come from
 * `loadIrfDict` (a CTA caldb file or a H.E.S.S. run file). v0.15's `max_radius` took no part
 * in it and is not taken.
 */
export function simulateDataset(
  models: Models,
  geom: WcsGeom,
  pointing: SkyCoord,
  irfs: IrfDict,
  options: SimulateDatasetOptions = {},
): MapDataset {
  const { aeff, bkg, psf, edisp } = irfs;
  if (!aeff) throw new Error("simulateDataset: the IRFs have no effective area");
  const livetime = seconds(options.livetime ?? "1 h");
  const offset = options.offset ?? 1;
  if (!(offset >= 0 && offset < 90)) throw new Error(`simulateDataset: offset must be in [0°, 90°), got ${offset}`);
  const energy = geom.axisByName("energy");
  const energyTrue = options.energyAxisTrue ?? energy.rename("energy_true");
  const dataset = MapDataset.create(geom, { energyAxisTrue: energyTrue, name: options.name ?? "" });
  const image = geom.toImage();
  const exposure = makeMapExposureTrueEnergy(pointing, livetime, aeff, image.toCube([energyTrue]));
  const background = bkg ? makeMapBackgroundIrf(pointing, livetime, bkg, geom) : undefined;
  const simulated = new MapDataset({
    name: dataset.name,
    counts: dataset.counts,
    exposure,
    background,
    psf: psf ? psfMapAtOffset(psf, pointing, offset, energyTrue) : undefined,
    edisp: edisp ? EDispKernelMap.fromEdispKernel(edispKernelAtOffset(edisp, offset, energyTrue, energy)) : undefined,
    gti: GTI.create([0], [livetime]),
  });
  simulated.models = models;
  return simulated;
}

/**
 * The PSF at `offset` from the pointing, the same at every position: v0.15's
 * `PSFMap.from_energy_dependent_table_psf` (an all-sky CAR map of 4 × 2 pixels of 180°, every
 * pixel holding the table), from the PSF map of one pixel at that offset (normalised along rad
 * as the maker normalises).
 */
function psfMapAtOffset(psf: IrfDict["psf"] & object, pointing: SkyCoord, offset: number, energyTrue: MapAxis): PSFMap {
  const icrs = pointing.transformTo("icrs");
  const at = new SkyCoord(icrs.lon, icrs.lat + offset <= 90 ? icrs.lat + offset : icrs.lat - offset, "icrs");
  const axes = [RAD_AXIS_DEFAULT, energyTrue];
  const one = makePsfMap(psf, icrs, WcsGeom.create({ skydir: at, npix: 1, binsz: 0.01, axes }));
  const allSky = WcsGeom.create({ skydir: [0, 0], npix: [4, 2], binsz: 180, proj: "CAR", axes });
  const n = allSky.imageSize;
  const data = new Float32Array(one.data.length * n);
  for (let i = 0; i < one.data.length; i++) data.fill(one.data[i], i * n, (i + 1) * n);
  return new PSFMap(WcsNDMap.fromGeom(allSky, { data, unit: one.unit }));
}
