import { GTI } from "../data/index.js";
import type { SkyCoord } from "../coords/index.js";
import { MapAxis, WcsNDMap, type AngleInput, type CutoutMode, type PairInput, type WcsGeom } from "../maps/index.js";
import { RAD_AXIS_DEFAULT } from "../irf/index.js";
import { EDispMap, PSFMap } from "./irf-maps.js";

export interface MapDatasetCreateOptions {
  /** True-energy axis; default: the reconstructed axis renamed energy_true. */
  energyAxisTrue?: MapAxis;
  /** Migration axis of the EDisp map; default 0.2–5 in 48 bins (gammapy v0.15). */
  migraAxis?: MapAxis;
  /** Offset axis of the PSF map; default 0–0.66° in 66 bins. */
  radAxis?: MapAxis;
  /** Pixel size of the IRF maps (deg); default 0.2. */
  binszIrf?: number;
  name?: string;
}

export const MIGRA_AXIS_DEFAULT = MapAxis.fromBounds(0.2, 5, 48, { name: "migra", unit: "" });
export const BINSZ_IRF_DEFAULT = 0.2;

/** v0.15 axis names map to gammapy 1.0's: "theta" → "rad", a true-energy "energy" → "energy_true". */
function axisNamed(axis: MapAxis | undefined, name: string, aliases: string[]): MapAxis | undefined {
  if (!axis) return undefined;
  if (axis.name === name) return axis;
  if (aliases.includes(axis.name.toLowerCase())) return axis.rename(name);
  throw new Error(`MapDataset.create: the ${name} axis is named '${axis.name}'`);
}

let datasetCounter = 0;

/** Binned data and IRF maps of one or more observations (gammapy's `MapDataset`). */
export class MapDataset {
  constructor(
    public name: string,
    public counts: WcsNDMap,
    public exposure?: WcsNDMap,
    public background?: WcsNDMap,
    public psf?: PSFMap,
    public edisp?: EDispMap,
    public maskSafe?: WcsNDMap,
    public maskFit?: WcsNDMap,
    public gti: GTI = GTI.create([], []),
    public meta: Record<string, unknown> = {},
  ) {}

  /** Empty maps on `geom` (counts, background, mask) and the IRF geometries gammapy derives. */
  static create(geom: WcsGeom, options: MapDatasetCreateOptions = {}): MapDataset {
    const energy = geom.axisByName("energy");
    const energyTrue = axisNamed(options.energyAxisTrue, "energy_true", ["energy"]) ?? energy.rename("energy_true");
    const rad = axisNamed(options.radAxis, "rad", ["theta"]) ?? RAD_AXIS_DEFAULT;
    const migra = axisNamed(options.migraAxis, "migra", []) ?? MIGRA_AXIS_DEFAULT;
    const image = geom.toImage();
    const irfImage = image.toBinsz(options.binszIrf ?? BINSZ_IRF_DEFAULT);
    const name = options.name ?? `dataset-${++datasetCounter}`;
    const mask = WcsNDMap.fromGeom(geom, { dtype: "bool" });
    mask.data.fill(1);
    return new MapDataset(
      name,
      WcsNDMap.fromGeom(geom),
      WcsNDMap.fromGeom(image.toCube([energyTrue]), { unit: "m2 s" }),
      WcsNDMap.fromGeom(geom),
      PSFMap.fromGeom(irfImage.toCube([rad, energyTrue])),
      EDispMap.fromGeom(irfImage.toCube([migra, energyTrue])),
      mask,
    );
  }

  /** A cutout of every map around `position` (the IRF maps on their own coarser grid). */
  cutout(position: SkyCoord, width: PairInput<AngleInput>, mode: CutoutMode = "trim", name?: string): MapDataset {
    const cut = (m?: WcsNDMap) => m?.cutout(position, width, mode);
    return new MapDataset(
      name ?? `${this.name}-cutout`,
      this.counts.cutout(position, width, mode),
      cut(this.exposure),
      cut(this.background),
      this.psf && new PSFMap(this.psf.psfMap.cutout(position, width, mode), cut(this.psf.exposureMap)),
      this.edisp && new EDispMap(this.edisp.edispMap.cutout(position, width, mode), cut(this.edisp.exposureMap)),
      cut(this.maskSafe),
      cut(this.maskFit),
      this.gti,
      structuredClone(this.meta),
    );
  }
}
