/**
 * Celestial axes of a WCS image, computed through our own projection (as astropy's WCSAxes
 * draws them): a graticule of constant-longitude and constant-latitude lines, curved where the
 * projection curves them, and ticks where those lines cross the image frame.
 */
import type { Wcs2D } from "../maps/wcs/index.js";
import { DMS_SPACINGS, formatDms, formatHms, HMS_SPACINGS } from "./labels.js";

/** A tick on one edge of the frame: its value (deg), label and position along the edge (map pixels). */
export interface FrameTick {
  readonly value: number;
  readonly label: string;
  /** 0-based map pixel coordinate along the edge: x on the bottom and top, y on the left and right. */
  readonly position: number;
}

/** A graticule line in 0-based map pixel coordinates; NaN breaks it where it does not project. */
export interface GraticuleLine {
  readonly coordinate: "lon" | "lat";
  readonly value: number;
  readonly x: Float64Array;
  readonly y: Float64Array;
}

export interface SkyAxes {
  /** "Right Ascension" or "Galactic Longitude". */
  readonly lonName: string;
  readonly latName: string;
  readonly lonSpacing: number;
  readonly latSpacing: number;
  /** Longitude ticks on the bottom (labelled) and top edges. */
  readonly bottom: readonly FrameTick[];
  readonly top: readonly FrameTick[];
  /** Latitude ticks on the left (labelled) and right edges. */
  readonly left: readonly FrameTick[];
  readonly right: readonly FrameTick[];
  readonly lines: readonly GraticuleLine[];
}

/** At most this many grid values per coordinate over the image (WCSAxes shows a handful too). */
const MAX_TICKS = 6;
const LINE_SAMPLES = 200;

/** Axes of an nx×ny image on `wcs`: grid spacings from the sky the image covers. */
export function skyAxes(wcs: Wcs2D, nx: number, ny: number): SkyAxes {
  const equatorial = wcs.frame === "icrs";
  const range = worldRange(wcs, nx, ny);
  const lonSpacing = chooseSpacing(range.lonMax - range.lonMin, equatorial ? HMS_SPACINGS : DMS_SPACINGS);
  const latSpacing = chooseSpacing(range.latMax - range.latMin, DMS_SPACINGS);
  const lonLabel = (v: number) => (equatorial ? formatHms(v, lonSpacing) : formatDms(v, lonSpacing, false));
  const latLabel = (v: number) => formatDms(v, latSpacing, true);
  const lonValues = gridValues(range.lonMin, range.lonMax, lonSpacing);
  const latValues = gridValues(Math.max(-90, range.latMin), Math.min(90, range.latMax), latSpacing);

  const edge = (fixed: "x" | "y", at: number, coordinate: "lon" | "lat") => {
    const values = coordinate === "lon" ? lonValues : latValues;
    const label = coordinate === "lon" ? lonLabel : latLabel;
    return edgeTicks(wcs, fixed, at, fixed === "y" ? nx : ny, coordinate, range.lonCentre, values, label);
  };
  const latPad = 0.2 * (range.latMax - range.latMin) + latSpacing;
  const lonPad = 0.2 * (range.lonMax - range.lonMin) + lonSpacing;
  const lines = [
    ...lonValues.map((v) => traceLine(wcs, "lon", v, range.latMin - latPad, range.latMax + latPad)),
    ...latValues.map((v) => traceLine(wcs, "lat", v, range.lonMin - lonPad, range.lonMax + lonPad)),
  ];
  return {
    lonName: equatorial ? "Right Ascension" : "Galactic Longitude",
    latName: equatorial ? "Declination" : "Galactic Latitude",
    lonSpacing,
    latSpacing,
    bottom: edge("y", -0.5, "lon"),
    top: edge("y", ny - 0.5, "lon"),
    left: edge("x", -0.5, "lat"),
    right: edge("x", nx - 0.5, "lat"),
    lines,
  };
}

interface WorldRange {
  readonly lonCentre: number;
  /** Longitudes unwrapped around lonCentre: lonMin may be < 0 or lonMax > 360. */
  readonly lonMin: number;
  readonly lonMax: number;
  readonly latMin: number;
  readonly latMax: number;
}

/** Longitude relative to `centre`, in (−180°, 180°]. */
function relativeLon(lon: number, centre: number): number {
  return 180 - ((((180 - (lon - centre)) % 360) + 360) % 360);
}

/** The sky under the image, from a grid of pixels over it and its edges (a pole inside: all longitudes). */
function worldRange(wcs: Wcs2D, nx: number, ny: number): WorldRange {
  const [lonCentre] = wcs.pixToWorld1((nx - 1) / 2, (ny - 1) / 2);
  const steps = 40;
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i <= steps; i++) {
    for (let j = 0; j <= steps; j++) {
      xs.push(-0.5 + (nx * i) / steps);
      ys.push(-0.5 + (ny * j) / steps);
    }
  }
  const { lon, lat } = wcs.pixToWorld(xs, ys);
  let [lonMin, lonMax, latMin, latMax] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let k = 0; k < lon.length; k++) {
    if (!Number.isFinite(lon[k])) continue;
    const rel = relativeLon(lon[k], lonCentre);
    lonMin = Math.min(lonMin, rel);
    lonMax = Math.max(lonMax, rel);
    latMin = Math.min(latMin, lat[k]);
    latMax = Math.max(latMax, lat[k]);
  }
  const inside = ([x, y]: [number, number]) => x >= -0.5 && x <= nx - 0.5 && y >= -0.5 && y <= ny - 0.5;
  if (inside(wcs.worldToPix1(0, 90)) || inside(wcs.worldToPix1(0, -90))) [lonMin, lonMax] = [-180, 180];
  return { lonCentre, lonMin: lonCentre + lonMin, lonMax: lonCentre + lonMax, latMin, latMax };
}

/** The finest candidate spacing giving at most MAX_TICKS values over `span`. */
function chooseSpacing(span: number, candidates: readonly number[]): number {
  let chosen = candidates[0];
  for (const spacing of candidates) if (span / spacing <= MAX_TICKS) chosen = spacing;
  return chosen;
}

function gridValues(min: number, max: number, spacing: number): number[] {
  const values: number[] = [];
  for (let k = Math.ceil(min / spacing - 1e-9); k * spacing <= max + 1e-9 * spacing; k++) values.push(k * spacing);
  return values;
}

/** A line of constant longitude (over latitudes from..to) or latitude (over longitudes), in pixels. */
function traceLine(wcs: Wcs2D, coordinate: "lon" | "lat", value: number, from: number, to: number): GraticuleLine {
  const along = Array.from({ length: LINE_SAMPLES + 1 }, (_, i) => from + ((to - from) * i) / LINE_SAMPLES);
  const clamped = coordinate === "lon" ? along.map((lat) => Math.max(-90, Math.min(90, lat))) : along;
  const lon = coordinate === "lon" ? clamped.map(() => value) : clamped;
  const lat = coordinate === "lon" ? clamped : clamped.map(() => value);
  const { x, y } = wcs.worldToPix(lon, lat);
  breakJumps(x, y);
  return { coordinate, value, x, y };
}

/** NaN between samples that jump (a projection's discontinuity), so no line spans the image. */
function breakJumps(x: Float64Array, y: Float64Array): void {
  const steps: number[] = [];
  for (let i = 1; i < x.length; i++) steps.push(Math.hypot(x[i] - x[i - 1], y[i] - y[i - 1]));
  const typical = steps.filter(Number.isFinite).sort((a, b) => a - b)[Math.floor(steps.length / 2)] ?? 0;
  for (let i = 1; i < x.length; i++) {
    if (steps[i - 1] > 20 * typical + 1) {
      x[i] = NaN;
      y[i] = NaN;
    }
  }
}

/**
 * Where the grid values of one coordinate cross an edge of the frame (x or y fixed at `at`):
 * the coordinate sampled finely along the edge, crossings interpolated between samples.
 */
function edgeTicks(
  wcs: Wcs2D,
  fixed: "x" | "y",
  at: number,
  length: number,
  coordinate: "lon" | "lat",
  lonCentre: number,
  values: readonly number[],
  label: (value: number) => string,
): FrameTick[] {
  const samples = Math.max(200, 4 * length);
  const along = Array.from({ length: samples + 1 }, (_, i) => -0.5 + (length * i) / samples);
  const fixedArray = along.map(() => at);
  const world = fixed === "y" ? wcs.pixToWorld(along, fixedArray) : wcs.pixToWorld(fixedArray, along);
  const c = Array.from(world[coordinate], (v) => (coordinate === "lon" ? lonCentre + relativeLon(v, lonCentre) : v));
  const ticks: FrameTick[] = [];
  for (const value of values) {
    for (let i = 1; i < c.length; i++) {
      const [a, b] = [c[i - 1] - value, c[i] - value];
      // a sign change (not a wrap of ±180° between neighbours)
      if (!(a <= 0 ? b > 0 : b <= 0) || Math.abs(c[i] - c[i - 1]) > 90) continue;
      const position = along[i - 1] + (a / (a - b)) * (along[i] - along[i - 1]);
      ticks.push({ value, label: label(value), position });
    }
  }
  return ticks.sort((p, q) => p.position - q.position);
}
