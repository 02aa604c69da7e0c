import { angleDeg, firstRoot, ScaledRegularGridInterpolator, WcsNDMap, type AngleInput, type MapDataset, type Observation, type SkyCoord, type WcsGeom } from "@gammaflow/core";

function trueEnergyName(geom: WcsGeom): string {
  return geom.axes.some((a) => a.name === "energy_true") ? "energy_true" : "energy";
}

export type SafeMaskMethod = "aeff-default" | "aeff-max" | "edisp-bias" | "offset-max" | "bkg-peak";
export const SAFE_MASK_METHODS: readonly SafeMaskMethod[] = ["aeff-default", "aeff-max", "edisp-bias", "offset-max", "bkg-peak"];

export interface SafeMaskMakerOptions {
  methods?: readonly SafeMaskMethod[];
  /** Maximum offset from the pointing for "offset-max" (deg or an angle string). */
  offsetMax?: AngleInput;
  /** Percentage of the maximum effective area that starts the safe range ("aeff-max"). */
  aeffPercent?: number;
  /** Largest energy bias accepted, in percent ("edisp-bias"). */
  biasPercent?: number;
  /** Where "aeff-max" reads the effective area; default the dataset's centre. */
  position?: SkyCoord;
}

/**
 * Safe data-range masks (gammapy 1.0's SafeMaskMaker): the dataset's mask AND'ed with a
 * valid-background mask and each requested method. It never changes the data.
 */
export class SafeMaskMaker {
  readonly methods: readonly SafeMaskMethod[];
  readonly offsetMax: number;
  readonly aeffPercent: number;
  readonly biasPercent: number;
  readonly position?: SkyCoord;

  constructor(options: SafeMaskMakerOptions = {}) {
    const methods = options.methods ?? ["aeff-default"];
    for (const m of methods) {
      if (!SAFE_MASK_METHODS.includes(m)) throw new Error(`SafeMaskMaker: '${m}' is not a valid method (choose from ${SAFE_MASK_METHODS.join(", ")})`);
    }
    this.methods = methods;
    this.offsetMax = angleDeg(options.offsetMax ?? "3 deg", "offsetMax");
    this.aeffPercent = options.aeffPercent ?? 10;
    this.biasPercent = options.biasPercent ?? 10;
    this.position = options.position;
  }

  /**
   * Energy bins above the true energy where the effective area (exposure / live time at the
   * position) first reaches `aeffPercent` % of its maximum (gammapy 1.0's "aeff-max").
   */
  makeMaskEnergyAeffMax(dataset: MapDataset): Uint8Array {
    const geom = dataset.counts.geom;
    const exposure = dataset.exposure;
    const livetime = exposure?.meta.livetime;
    if (!exposure || typeof livetime !== "number") {
      throw new Error(`SafeMaskMaker: 'aeff-max' needs an exposure map with a live time in dataset '${dataset.name}'`);
    }
    const position = (this.position ?? geom.centerSkydir).transformTo(exposure.geom.frame);
    const energies = exposure.geom.axisByName(trueEnergyName(exposure.geom)).center;
    const area = exposure
      .interpByCoord({ lon: position.lon, lat: position.lat, frame: exposure.geom.frame, [trueEnergyName(exposure.geom)]: energies }, { method: "nearest" })
      .map((v) => v / livetime);
    const first = area.findIndex((v) => v > 0);
    if (first < 0) return new Uint8Array(geom.size); // no effective area there: nothing is safe
    const spectrum = new ScaledRegularGridInterpolator([energies], area, { pointsScale: ["log"], valuesScale: "log" });
    const threshold = (this.aeffPercent / 100) * Math.max(...area);
    const root = firstRoot((e) => 1e12 * (spectrum.evaluate([[e]])[0] - threshold), energies[first], energies[energies.length - 1]);
    return energyMask(geom, Number.isNaN(root) ? energies[first] : root);
  }

  /** Pixels closer than `offsetMax` to the pointing (all energies). */
  makeMaskOffsetMax(geom: WcsGeom, observation: Observation): Uint8Array {
    const separation = geom.separation(observation.pointingRadec);
    return broadcastImage(geom, (i) => separation[i] < this.offsetMax);
  }

  /** Energy bins inside the effective area's LO_THRES/HI_THRES (TeV), when defined. */
  makeMaskEnergyAeffDefault(geom: WcsGeom, observation: Observation): Uint8Array {
    const { lo, hi } = aeffDefaultRange(observation);
    return energyMask(geom, lo, hi);
  }

  /**
   * Energy bins above the energy where the energy bias of the dataset's EDisp map (at
   * `position`, default the map centre) falls below `biasPercent` % (gammapy's "edisp-bias").
   */
  makeMaskEnergyEdispBias(dataset: MapDataset): Uint8Array {
    const geom = dataset.counts.geom;
    if (!dataset.edisp) throw new Error(`SafeMaskMaker: 'edisp-bias' needs an EDisp map in dataset '${dataset.name}'`);
    const kernel = dataset.edisp.getEdispKernel(geom.axisByName("energy"), this.position);
    return energyMask(geom, kernel.biasEnergy(this.biasPercent / 100));
  }

  /** Energy bins from the one where the background spectrum peaks upwards. */
  makeMaskEnergyBkgPeak(dataset: MapDataset): Uint8Array {
    const background = dataset.background;
    if (!background) throw new Error(`SafeMaskMaker: 'bkg-peak' needs a background map in dataset '${dataset.name}'`);
    const geom = background.geom;
    const spectrum = planeSums(background);
    let peak = 0;
    for (let k = 1; k < spectrum.length; k++) if (spectrum[k] > spectrum[peak]) peak = k;
    return energyMask(geom, geom.axisByName("energy").edges[peak]);
  }

  /** The dataset with its safe mask restricted by the methods (returned, and set in place). */
  run(dataset: MapDataset, observation?: Observation): MapDataset {
    const geom = dataset.counts.geom;
    const mask = dataset.maskSafe ? Uint8Array.from(dataset.maskSafe.data) : new Uint8Array(geom.size).fill(1);
    const and = (other: Uint8Array) => {
      for (let i = 0; i < mask.length; i++) mask[i] &= other[i];
    };
    if (dataset.background) dropInvalidBackground(mask, dataset.background.data);
    const needObservation = (method: string): Observation => {
      if (!observation) throw new Error(`SafeMaskMaker: method '${method}' requires an observation`);
      return observation;
    };
    // the image and energy-plane masks are AND'ed in without building their cubes (unless a
    // subclass provides its own)
    const proto = SafeMaskMaker.prototype;
    if (this.methods.includes("offset-max")) {
      const observation = needObservation("offset-max");
      if (this.makeMaskOffsetMax === proto.makeMaskOffsetMax) {
        const separation = geom.separation(observation.pointingRadec);
        andImage(mask, geom.imageSize, (i) => separation[i] < this.offsetMax);
      } else and(this.makeMaskOffsetMax(geom, observation));
    }
    if (this.methods.includes("aeff-default")) {
      const observation = needObservation("aeff-default");
      if (this.makeMaskEnergyAeffDefault === proto.makeMaskEnergyAeffDefault) {
        const { lo, hi } = aeffDefaultRange(observation);
        andPlanes(mask, geom.imageSize, energyPlanes(geom, lo, hi));
      } else and(this.makeMaskEnergyAeffDefault(geom, observation));
    }
    if (this.methods.includes("aeff-max")) and(this.makeMaskEnergyAeffMax(dataset));
    if (this.methods.includes("edisp-bias")) and(this.makeMaskEnergyEdispBias(dataset));
    if (this.methods.includes("bkg-peak")) and(this.makeMaskEnergyBkgPeak(dataset));
    dataset.maskSafe = WcsNDMap.fromGeom(geom, { dtype: "bool", data: mask });
    return dataset;
  }
}

/** gammapy 1.0's `energy_mask`: bins whose edges lie within [emin, emax]. */
export function energyMask(geom: WcsGeom, emin?: number, emax?: number): Uint8Array {
  const n = geom.imageSize;
  const out = new Uint8Array(geom.size);
  energyPlanes(geom, emin, emax).forEach((keep, p) => keep && out.fill(1, p * n, (p + 1) * n));
  return out;
}

/** `energyMask` per image plane: 1 where the plane's energy bin lies within [emin, emax]. */
function energyPlanes(geom: WcsGeom, emin?: number, emax?: number): Uint8Array {
  const edges = geom.axisByName("energy").edges;
  const lo = emin ?? edges[0];
  const hi = emax ?? edges[edges.length - 1];
  const energyIndex = geom.axisIndex("energy");
  const stride = geom.axes.slice(0, energyIndex).reduce((p, a) => p * a.nbin, 1);
  const nbin = edges.length - 1;
  const planes = new Uint8Array(geom.size / geom.imageSize);
  for (let p = 0; p < planes.length; p++) {
    const k = Math.floor(p / stride) % nbin;
    if (edges[k] >= lo && edges[k + 1] <= hi) planes[p] = 1;
  }
  return planes;
}

/** The effective area's LO_THRES/HI_THRES (TeV), undefined when absent or 0. */
function aeffDefaultRange(observation: Observation): { lo?: number; hi?: number } {
  const meta = observation.aeff.meta;
  const lo = meta?.get("LO_THRES");
  const hi = meta?.get("HI_THRES");
  return { lo: typeof lo === "number" && lo !== 0 ? lo : undefined, hi: typeof hi === "number" && hi !== 0 ? hi : undefined };
}

/**
 * mask = 0 where the background is not finite and positive (a plain loop in a function of
 * its own, optimised apart from `run`; typed-array from() with a mapper is several times slower).
 */
function dropInvalidBackground(mask: Uint8Array, bkg: ArrayLike<number>): void {
  for (let i = 0; i < mask.length; i++) if (!(Number.isFinite(bkg[i]) && bkg[i] > 0)) mask[i] = 0;
}

/** mask &= keep(pixel) in every plane (`broadcastImage` then AND, without the cube). */
function andImage(mask: Uint8Array, n: number, keep: (pixel: number) => boolean): void {
  const image = new Uint8Array(n);
  for (let i = 0; i < n; i++) if (keep(i)) image[i] = 1;
  for (let at = 0; at < mask.length; at += n) andRow(mask, at, image, n);
}

/** mask[at + i] &= values[i] (a function of its own: V8 optimises the plain loop). */
function andRow(mask: Uint8Array, at: number, values: Uint8Array, n: number): void {
  for (let i = 0; i < n; i++) mask[at + i] &= values[i];
}

/** mask &= planes[p] over each image plane p. */
function andPlanes(mask: Uint8Array, n: number, planes: Uint8Array): void {
  for (let p = 0; p < planes.length; p++) {
    const at = p * n;
    if (planes[p]) for (let i = 0; i < n; i++) mask[at + i] &= 1;
    else mask.fill(0, at, at + n);
  }
}

function broadcastImage(geom: WcsGeom, keep: (pixel: number) => boolean): Uint8Array {
  const n = geom.imageSize;
  const image = new Uint8Array(n);
  for (let i = 0; i < n; i++) if (keep(i)) image[i] = 1;
  // copied plane by plane (contiguous), not pixel by pixel across planes
  const out = new Uint8Array(geom.size);
  for (let p = 0; p < out.length; p += n) out.set(image, p);
  return out;
}

function planeSums(map: WcsNDMap): number[] {
  const n = map.geom.imageSize;
  const sums: number[] = [];
  for (let p = 0; p < map.data.length / n; p++) {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const v = map.data[p * n + i];
      if (Number.isFinite(v)) s += v;
    }
    sums.push(s);
  }
  return sums;
}
