import {
  angleDeg,
  EDispKernelMap,
  firstRoot,
  ScaledRegularGridInterpolator,
  WcsNDMap,
  type AngleInput,
  type MapData,
  type MapDataset,
  type Observation,
  type SkyCoord,
  type WcsGeom,
} from "@gammaflow/core";

function trueEnergyName(geom: WcsGeom): string {
  return geom.axes.some((a) => a.name === "energy_true") ? "energy_true" : "energy";
}

export type SafeMaskMethod = "aeff-default" | "aeff-max" | "edisp-bias" | "offset-max" | "bkg-peak";
export const SAFE_MASK_METHODS: readonly SafeMaskMethod[] = [
  "aeff-default",
  "aeff-max",
  "edisp-bias",
  "offset-max",
  "bkg-peak",
];

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
      if (!SAFE_MASK_METHODS.includes(m))
        throw new Error(`SafeMaskMaker: '${m}' is not a valid method (choose from ${SAFE_MASK_METHODS.join(", ")})`);
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
      .interpByCoord(
        { lon: position.lon, lat: position.lat, frame: exposure.geom.frame, [trueEnergyName(exposure.geom)]: energies },
        { method: "nearest" },
      )
      .map((v) => v / livetime);
    const first = area.findIndex((v) => v > 0);
    if (first < 0) return new Uint8Array(geom.size); // no effective area there: nothing is safe
    const spectrum = new ScaledRegularGridInterpolator([energies], area, { pointsScale: ["log"], valuesScale: "log" });
    const threshold = (this.aeffPercent / 100) * Math.max(...area);
    const root = firstRoot(
      (e) => 1e12 * (spectrum.evaluate([[e]])[0] - threshold),
      energies[first],
      energies[energies.length - 1],
    );
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
   * Energy bins above the energy where the energy bias of the dataset's EDisp map or kernel map
   * (at `position`, default the map centre) falls below `biasPercent` % (gammapy's "edisp-bias").
   */
  makeMaskEnergyEdispBias(dataset: MapDataset): Uint8Array {
    const geom = dataset.counts.geom;
    if (!dataset.edisp) throw new Error(`SafeMaskMaker: 'edisp-bias' needs an EDisp map in dataset '${dataset.name}'`);
    const kernel = dataset.edisp.getEdispKernel(this.position, geom.axisByName("energy"));
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
    const needObservation = (method: string): Observation => {
      if (!observation) throw new Error(`SafeMaskMaker: method '${method}' requires an observation`);
      return observation;
    };
    // "offset-max" and "aeff-default" give one image and one flag per energy plane: they are
    // AND-ed in together with the valid-background mask, plane by plane, without building
    // their cubes (unless a subclass provides its own); the other methods' cubes follow
    const proto = SafeMaskMaker.prototype;
    let image: Uint8Array | undefined;
    let planes: Uint8Array | undefined;
    const cubes: Uint8Array[] = [];
    if (this.methods.includes("offset-max")) {
      const observation = needObservation("offset-max");
      if (this.makeMaskOffsetMax === proto.makeMaskOffsetMax)
        image = offsetImage(geom.separation(observation.pointingRadec), this.offsetMax);
      else cubes.push(this.makeMaskOffsetMax(geom, observation));
    }
    if (this.methods.includes("aeff-default")) {
      const observation = needObservation("aeff-default");
      if (this.makeMaskEnergyAeffDefault === proto.makeMaskEnergyAeffDefault) {
        const { lo, hi } = aeffDefaultRange(observation);
        planes = energyPlanes(geom, lo, hi);
      } else cubes.push(this.makeMaskEnergyAeffDefault(geom, observation));
    }
    if (this.methods.includes("aeff-max")) cubes.push(this.makeMaskEnergyAeffMax(dataset));
    if (this.methods.includes("edisp-bias")) cubes.push(this.makeMaskEnergyEdispBias(dataset));
    if (this.methods.includes("bkg-peak")) cubes.push(this.makeMaskEnergyBkgPeak(dataset));
    const start = dataset.maskSafe?.data;
    const mask =
      start instanceof Uint8Array ? start.slice() : start ? Uint8Array.from(start) : new Uint8Array(geom.size).fill(1);
    andPlaneMasks(mask, geom.imageSize, image, planes, dataset.background?.data);
    for (const cube of cubes) andCube(mask, cube);
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
  // the header alone: with a worker pool the main thread has not read the effective area
  const meta = observation.header("aeff");
  const lo = meta.get("LO_THRES");
  const hi = meta.get("HI_THRES");
  return {
    lo: typeof lo === "number" && lo !== 0 ? lo : undefined,
    hi: typeof hi === "number" && hi !== 0 ? hi : undefined,
  };
}

/** 1 where the separation from the pointing is below `max`, else 0. */
function offsetImage(separation: Float64Array, max: number): Uint8Array {
  const image = new Uint8Array(separation.length);
  for (let i = 0; i < image.length; i++) if (separation[i] < max) image[i] = 1;
  return image;
}

/**
 * mask &= image[pixel] & planes[plane] in every image plane (either may be absent), and
 * mask = 0 where the background is not finite and positive: plane by plane, and without
 * reading the background of the planes that are dropped.
 */
function andPlaneMasks(
  mask: Uint8Array,
  n: number,
  image: Uint8Array | undefined,
  planes: Uint8Array | undefined,
  bkg: MapData | undefined,
): void {
  const pixels = image ?? new Uint8Array(n).fill(255);
  // AND-ing 1 (a kept energy plane) makes the values 0/1, as the energy mask does; 255 leaves them
  const keep = planes ? 1 : 255;
  for (let at = 0; at < mask.length; at += n) {
    if (planes && !planes[at / n]) {
      mask.fill(0, at, at + n);
      continue;
    }
    if (image || planes) andImage(mask, at, n, pixels, keep);
    if (bkg) dropInvalidBackground(mask, at, n, bkg);
  }
}

/**
 * mask[at + i] &= image[i] & keep for i < n: four bytes at a time (through Uint32Array views)
 * when the plane starts on a 4-byte boundary, as all planes of a fresh array do when the
 * image size is a multiple of 4.
 */
function andImage(mask: Uint8Array, at: number, n: number, image: Uint8Array, keep: number): void {
  let i = 0;
  if ((mask.byteOffset + at) % 4 === 0 && image.byteOffset % 4 === 0) {
    i = n - (n % 4);
    andWords(
      new Uint32Array(mask.buffer, mask.byteOffset + at, i / 4),
      new Uint32Array(image.buffer, image.byteOffset, i / 4),
      keep * 0x01010101,
    );
  }
  andBytes(mask, at, image, i, n, keep);
}

/** mask[at + i] &= image[i] & keep for from ≤ i < n (the bytes `andWords` leaves). */
function andBytes(mask: Uint8Array, at: number, image: Uint8Array, from: number, n: number, keep: number): void {
  for (let i = from; i < n; i++) mask[at + i] &= image[i] & keep;
}

function andWords(mask: Uint32Array, image: Uint32Array, keep: number): void {
  for (let k = 0; k < mask.length; k++) mask[k] &= image[k] & keep;
}

/** mask = 0 where the background is not finite and positive, over [at, at + n). */
function dropInvalidBackground(mask: Uint8Array, at: number, n: number, bkg: MapData): void {
  for (let i = at; i < at + n; i++) {
    const b = bkg[i];
    if (!(b > 0 && b < Infinity)) mask[i] = 0; // (NaN fails b > 0)
  }
}

/** mask &= cube, bin by bin. */
function andCube(mask: Uint8Array, cube: Uint8Array): void {
  for (let i = 0; i < mask.length; i++) mask[i] &= cube[i];
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
