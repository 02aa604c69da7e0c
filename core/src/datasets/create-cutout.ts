import type { SkyCoord } from "../coords/index.js";
import type { AngleInput, CutoutMode, PairInput, WcsGeom } from "../maps/index.js";
import { WcsNDMap } from "../maps/index.js";
import { EDispKernelMap } from "./edisp-kernel-map.js";
import { EDispMap } from "./edisp-map.js";
import { MapDataset, type MapDatasetCreateOptions } from "./map-dataset.js";
import { PSFMap } from "./psf-map.js";

/**
 * `MapDataset.create(geom, options).cutout(position, width, mode, name)`, value for value, without
 * making the whole dataset and copying from it: each map is made on its cut geometry as `create`
 * makes it. A maker fills a cutout of the empty target for each run (gammapy's
 * `stacked.cutout(pointing, width)`); copying the target's zeros into it was ~5 ms a run, and
 * the target itself as large as an all-sky geometry makes it. `create`'s maps are empty except
 * the energy dispersion's diagonal, the same in every pixel: made on the cut geometry it is
 * what a cutout copies, but for the pixels of a partial cutout beyond the target, which a
 * cutout leaves at 0.
 */
export function createCutout(
  geom: WcsGeom,
  options: MapDatasetCreateOptions,
  position: SkyCoord,
  width: PairInput<AngleInput>,
  mode: CutoutMode,
  name: string,
): MapDataset {
  const { image, energyTrue, migra, psfGeom, edispGeom } = MapDataset.checkCreate(geom, options, options.name);
  const cut = (g: WcsGeom) => g.cutout(position, width, mode);
  const cutEdisp = cut(edispGeom);
  const edisp = migra ? EDispMap.fromGeom(cutEdisp) : EDispKernelMap.fromGeom(cutEdisp);
  if (mode === "partial") zeroBeyond(edisp.edispMap, edispGeom);
  const countsGeom = cut(geom);
  return new MapDataset({
    name,
    counts: WcsNDMap.fromGeom(countsGeom),
    exposure: WcsNDMap.fromGeom(cut(image.toCube([energyTrue])), { unit: "m2 s" }),
    background: WcsNDMap.fromGeom(countsGeom),
    psf: PSFMap.fromGeom(cut(psfGeom)),
    edisp,
    maskSafe: WcsNDMap.fromGeom(countsGeom, { dtype: "bool" }),
  });
}

/** Zero the pixels of `map` (a partial cutout of `parent`'s grid) that lie beyond `parent`. */
function zeroBeyond(map: WcsNDMap, parent: WcsGeom): void {
  const { nx, ny, imageSize } = map.geom;
  const { cutout } = map.geom.cutoutSlices(parent);
  const [y0, y1] = [cutout[0].start, cutout[0].stop];
  const [x0, x1] = [cutout[1].start, cutout[1].stop];
  const data = map.data;
  for (let plane = 0; plane < data.length; plane += imageSize) {
    for (let y = 0; y < ny; y++) {
      const row = plane + y * nx;
      if (y < y0 || y >= y1) data.fill(0, row, row + nx);
      else {
        data.fill(0, row, row + x0);
        data.fill(0, row + x1, row + nx);
      }
    }
  }
}
