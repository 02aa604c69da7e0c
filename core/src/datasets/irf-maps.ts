import { WcsNDMap, type WcsGeom } from "../maps/index.js";

/** A PSF map (rad × true energy per pixel) with the exposure that weights it when stacking. */
export class PSFMap {
  constructor(readonly psfMap: WcsNDMap, readonly exposureMap?: WcsNDMap) {}

  /** An empty PSF map (sr⁻¹) and its exposure map (rad squashed), as gammapy's `from_geom`. */
  static fromGeom(geom: WcsGeom): PSFMap {
    return new PSFMap(WcsNDMap.fromGeom(geom, { unit: "sr-1" }), WcsNDMap.fromGeom(geom.squash("rad"), { unit: "m2 s" }));
  }
}

/** An energy-dispersion map (migra × true energy per pixel) with its weighting exposure. */
export class EDispMap {
  constructor(readonly edispMap: WcsNDMap, readonly exposureMap?: WcsNDMap) {}

  /**
   * The diagonal response (gammapy's `from_geom`): all probability at migra = 1, shared
   * linearly between the two nearest migra bins, as a density per unit migra.
   */
  static fromGeom(geom: WcsGeom): EDispMap {
    if (!geom.axes.some((a) => a.name === "energy_true")) throw new Error("EDispMap requires a true energy axis");
    const migra = geom.axisByName("migra");
    const migraIndex = geom.axisIndex("migra");
    const migra0 = migra.coordToPix(1)[0];
    const width = migra.binWidth;
    const map = WcsNDMap.fromGeom(geom, { dtype: "float64" });
    const n = geom.imageSize;
    const stride = geom.axes.slice(0, migraIndex).reduce((p, a) => p * a.nbin, 1);
    const planes = map.data.length / n;
    for (let p = 0; p < planes; p++) {
      const k = Math.floor(p / stride) % migra.nbin;
      const d = Math.abs(k - migra0);
      const value = (d < 1 ? 1 - d : 0) / width[k];
      map.data.fill(value, p * n, (p + 1) * n);
    }
    return new EDispMap(map, WcsNDMap.fromGeom(geom.squash("migra"), { unit: "m2 s" }));
  }
}
