import { directionalOffset } from "../coords/sphere.js";
import type { SkyCoord } from "../coords/index.js";
import { getRandomState, type RandomStateInit } from "../random/index.js";
import { convert } from "../units/index.js";
import { sampleAlongAxis } from "./irf-sample.js";
import { Irf, psfTable } from "../irf/index.js";
import { MapAxis, MapCoord, type MapCoordInput, WcsNDMap, type WcsGeom } from "../maps/index.js";
import { interpolateImagePoint } from "../maps/map-interp.js";
import { ScaledRegularGridInterpolator } from "../utils/interpolation/index.js";
import { tunedPaths } from "../utils/kernel-paths.js";
import { nearestValidPosition } from "./irf-map.js";
import { PSFKernel } from "./psf-kernel.js";
import { sharedProjection } from "./psf-kernel-projection.js";

export interface PsfKernelOptions {
  /** Where to take the PSF (default the PSF map's centre; moved to the nearest defined pixel). */
  position?: SkyCoord;
  /** Kernel half-width (deg); default the largest `containment` radius over the energies. */
  maxRadius?: number;
  /** Containment fraction setting the default size (0.999). */
  containment?: number;
  /** Oversampling factor of the kernel pixels (4). */
  factor?: number;
  /** Told when `position` has no PSF and the nearest defined pixel is used. */
  warn?: (message: string) => void;
}

/**
 * A PSF map (rad × true energy per pixel, sr⁻¹) with the exposure that weights it when
 * stacking (gammapy's `PSFMap`): containment, containment radius (map) and PSF kernels at
 * a position.
 */
export class PSFMap {
  constructor(
    readonly psfMap: WcsNDMap,
    readonly exposureMap?: WcsNDMap,
  ) {}

  /** An empty PSF map (sr⁻¹) and its exposure map (rad squashed), as gammapy's `from_geom`. */
  static fromGeom(geom: WcsGeom): PSFMap {
    return new PSFMap(
      WcsNDMap.fromGeom(geom, { unit: "sr-1" }),
      WcsNDMap.fromGeom(geom.squash("rad"), { unit: "m2 s" }),
    );
  }

  /**
   * The coordinates moved by a PSF draw each (gammapy 1.0's `sample_coord`): a separation from
   * the PSF at the coordinate's position and true energy (its `energy_true`, in the map's unit),
   * a position angle uniform in degrees; lon/lat in the input's frame, `energy_true` kept.
   */
  sampleCoord(coord: MapCoordInput | MapCoord, randomState: RandomStateInit = 0): MapCoord {
    const random = getRandomState(randomState);
    const input = MapCoord.create(coord);
    const rad = this.radAxis;
    const weights = Float64Array.from(rad.center, (r, j) => r * rad.binWidth[j]);
    const separation = sampleAlongAxis(this.psfMap, input, "rad", random, weights);
    const toDeg = rad.unit === "deg" ? 1 : convert(1, rad.unit, "deg");
    const n = input.size;
    const angle = random.uniform(360, undefined, n);
    const lon = new Float64Array(n);
    const lat = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      [lon[i], lat[i]] = directionalOffset(input.lon[i], input.lat[i], angle[i], separation[i] * toDeg);
    }
    const energyTrue = input.axis("energy_true")!;
    return new MapCoord(lon, lat, new Map([["energy_true", energyTrue]]), input.frame ?? this.psfMap.geom.frame);
  }

  private get radAxis(): MapAxis {
    return this.psfMap.geom.axisByName("rad");
  }

  private get energyAxis(): MapAxis {
    return this.psfMap.geom.axisByName("energy_true");
  }

  /**
   * The map as a table PSF over (energy_true, rad, lat_idx, lon_idx), interpolated linearly
   * between pixel centres (gammapy's `_psf_irf`), so table-PSF containment applies.
   */
  private psfIrf(): Irf {
    const geom = this.psfMap.geom;
    const pixelAxis = (n: number, name: string) =>
      MapAxis.fromEdges(
        Float64Array.from({ length: n + 1 }, (_, i) => i - 0.5),
        { name },
      );
    const axes = [
      this.energyAxis,
      geom.axisByName("rad"),
      pixelAxis(geom.ny, "lat_idx"),
      pixelAxis(geom.nx, "lon_idx"),
    ];
    return new Irf("PSF map", axes, Float64Array.from(this.psfMap.data), this.psfMap.unit, undefined, { fillValue: 0 });
  }

  private pixelOf(position: SkyCoord): { lon_idx: number; lat_idx: number } {
    const [x, y] = this.psfMap.geom.toImage().coordToPix(position);
    return { lon_idx: x[0], lat_idx: y[0] };
  }

  /** Fraction of the PSF within `rad` (deg) at true energies `energyTrue` (TeV), elementwise. */
  containment(
    rad: number | ArrayLike<number>,
    energyTrue: number | ArrayLike<number>,
    position?: SkyCoord,
  ): Float64Array {
    const where = this.pixelOf(position ?? this.psfMap.geom.centerSkydir);
    return psfTable.containment(this.psfIrf(), { rad, energy_true: energyTrue, ...where });
  }

  /**
   * Radius (deg) containing `fraction` of the PSF at each true energy (TeV). The map is linear
   * between pixel centres: its (energy, rad) table at the position, as a table PSF of its own,
   * gives the containment without interpolating all four axes at each of the search's radii.
   */
  containmentRadius(fraction: number, energyTrue: number | ArrayLike<number>, position?: SkyCoord): Float64Array {
    const where = this.pixelOf(position ?? this.psfMap.geom.centerSkydir);
    return this.tableContainmentRadius(this.tableAt(where.lon_idx, where.lat_idx), fraction, energyTrue);
  }

  private tableContainmentRadius(table: Float64Array, fraction: number, energyTrue: number | ArrayLike<number>) {
    const psf = new Irf("PSF map", [this.energyAxis, this.radAxis], table, this.psfMap.unit, undefined, {
      fillValue: 0,
    });
    return psfTable.containmentRadius(psf, fraction, { energy_true: energyTrue });
  }

  /** The map's (energy_true, rad) table at fractional pixel (px, py), row-major. */
  private tableAt(px: number, py: number): Float64Array {
    const geom = this.psfMap.geom;
    return interpolateImagePoint(this.psfMap.data, geom.nx, geom.ny, px, py);
  }

  /** The containment radius (deg) at one true energy at every pixel of the PSF map's image. */
  containmentRadiusMap(energyTrue: number, fraction = 0.68): WcsNDMap {
    const geom = this.psfMap.geom.toImage();
    // Pixel centres go to the sky and back, as in gammapy: where the PSF is zero the
    // round trip's ~1e-14 pixel offsets pick up a neighbour, and gammapy reports its radius.
    const precise = geom.precise();
    const { lon: lonDeg, lat: latDeg } = precise.imageCoord("center");
    const [lon, lat] = precise.coordToPix({ lon: lonDeg, lat: latDeg });
    const radius = psfTable.containmentRadius(this.psfIrf(), fraction, {
      energy_true: energyTrue,
      lon_idx: lon,
      lat_idx: lat,
    });
    return WcsNDMap.fromGeom(geom, { data: radius, unit: "deg" });
  }

  /** `position`, or the nearest pixel centre where the PSF is defined (gammapy's `_get_nearest_valid_position`). */
  nearestValidPosition(position: SkyCoord, warn?: (message: string) => void): SkyCoord {
    return nearestValidPosition(this.psfMap, position, warn);
  }

  /**
   * The PSF kernel at `position` on the pixels of `geom` (gammapy 1.0's `get_psf_kernel`):
   * `geom` cut to odd sides 2 × max radius wide, the map interpolated linearly (extrapolated,
   * clipped at 0) at each pixel's distance from the centre on a grid `factor` times finer,
   * summed back to the kernel pixels, each energy plane normalised. `geom` needs an
   * energy_true axis.
   */
  getPsfKernel(geom: WcsGeom, options: PsfKernelOptions = {}): PSFKernel {
    const factor = options.factor ?? 4;
    const position = this.nearestValidPosition(options.position ?? this.psfMap.geom.centerSkydir, options.warn);
    // The map is linear in each axis: first its (energy, rad) table at the position (the four
    // pixels around it combined once), then each kernel pixel from that table, where
    // interpolating all four axes at every pixel of the upsampled grid cost ~80 ms a kernel.
    const { lon_idx: px, lat_idx: py } = this.pixelOf(position);
    const table = this.tableAt(px, py);
    const maxRadius =
      options.maxRadius ??
      Math.max(...this.tableContainmentRadius(table, options.containment ?? 0.999, this.energyAxis.center));
    if (!geom.axes.some((a) => a.name === "energy_true")) {
      throw new Error(
        "PSFMap.getPsfKernel: the kernel geometry needs an energy_true axis " +
          `(axes: ${geom.axesNames.join(", ") || "none"})`,
      );
    }
    if (tunedPaths()) {
      const projection = sharedProjection(geom.toOddNpix(maxRadius), factor, this.radAxis, this.energyAxis);
      const values = projection.apply(table, this.radAxis.nbin);
      if (values) return new PSFKernel(WcsNDMap.fromGeom(projection.geom, { data: values, unit: "" }));
    }
    return this.kernelByInterpolation(geom.toOddNpix(maxRadius), factor, table);
  }

  /**
   * The kernel from the table interpolated at every sub-pixel, clipped at 0 one by one: where
   * a sub-pixel or energy lies beyond the table (the projection's linear form does not hold).
   */
  private kernelByInterpolation(kernelGeom: WcsGeom, factor: number, table: Float64Array): PSFKernel {
    const upsampled = kernelGeom.upsample(factor);
    const radPix = this.radAxis.coordToPix(upsampled.separation(kernelGeom.centerSkydir));
    const energyPix = this.energyAxis.coordToPix(upsampled.axisByName("energy_true").center);
    const size = upsampled.imageSize * energyPix.length;
    const nRad = this.radAxis.nbin;
    const nEnergy = this.energyAxis.nbin;
    const grid = [
      Float64Array.from({ length: nEnergy }, (_, i) => i),
      Float64Array.from({ length: nRad }, (_, i) => i),
    ];
    const byRad = new ScaledRegularGridInterpolator(grid, table);
    // every energy at every pixel's rad: the outer product (the rad cells found once)
    const values = byRad.evaluateOuter(energyPix, [radPix], { clip: false });
    for (let i = 0; i < size; i++) if (values[i] < 0) values[i] = 0;
    const kernel = WcsNDMap.fromGeom(upsampled, { data: values, unit: "" });
    return new PSFKernel(kernel.downsample(factor));
  }
}
