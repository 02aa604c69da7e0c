/**
 * Colour maps defined by evenly spaced anchor colours, interpolated linearly.
 */

/** An 8-bit colour `[red, green, blue]`, each 0..255. */
export type Rgb = readonly [number, number, number];

/** A colour map: anchor colours (components 0..1) evenly spaced over t = 0..1. */
export interface ColorMap {
  readonly name: string;
  readonly anchors: readonly (readonly [number, number, number])[];
}

/** Colour returned for NaN: a neutral mid grey. */
export const NAN_COLOR: Rgb = [128, 128, 128];

// Anchors at t = 0, 1/16, ..., 1: entries 0, 16, 32, ..., 255 of matplotlib's
// published 256-entry viridis and inferno tables (van der Walt & Smith, CC0).
const VIRIDIS: ColorMap = {
  name: "viridis",
  anchors: [
    [0.267004, 0.004874, 0.329415],
    [0.282327, 0.094955, 0.417331],
    [0.278826, 0.17549, 0.483397],
    [0.258965, 0.251537, 0.524736],
    [0.229739, 0.322361, 0.545706],
    [0.19943, 0.387607, 0.554642],
    [0.172719, 0.448791, 0.557885],
    [0.149039, 0.508051, 0.55725],
    [0.127568, 0.566949, 0.550556],
    [0.120081, 0.622161, 0.534946],
    [0.153894, 0.680203, 0.504172],
    [0.239374, 0.735588, 0.455688],
    [0.360741, 0.785964, 0.387814],
    [0.506271, 0.828786, 0.300362],
    [0.668054, 0.861999, 0.196293],
    [0.83527, 0.886029, 0.102646],
    [0.993248, 0.906157, 0.143936],
  ],
};

const INFERNO: ColorMap = {
  name: "inferno",
  anchors: [
    [0.001462, 0.000466, 0.013866],
    [0.042253, 0.028139, 0.141141],
    [0.129285, 0.047293, 0.290788],
    [0.238273, 0.036621, 0.396353],
    [0.3415, 0.062325, 0.429425],
    [0.441207, 0.099338, 0.431594],
    [0.54092, 0.134729, 0.415123],
    [0.640135, 0.171438, 0.381065],
    [0.735683, 0.215906, 0.330245],
    [0.817341, 0.270954, 0.27039],
    [0.890341, 0.347957, 0.198286],
    [0.944285, 0.442772, 0.120354],
    [0.977092, 0.55085, 0.03905],
    [0.987945, 0.667748, 0.058329],
    [0.976108, 0.789974, 0.196018],
    [0.948683, 0.910473, 0.395289],
    [0.988362, 0.998364, 0.644924],
  ],
};

const GRAY: ColorMap = {
  name: "gray",
  anchors: [
    [0, 0, 0],
    [1, 1, 1],
  ],
};

/** The built-in colour maps by name. */
export const COLOR_MAPS: Readonly<Record<string, ColorMap>> = {
  viridis: VIRIDIS,
  inferno: INFERNO,
  gray: GRAY,
  grey: GRAY,
};

/** Look up a built-in colour map by name (case-insensitive); throws on unknown names. */
export function getColorMap(name: string): ColorMap {
  const map = COLOR_MAPS[name.toLowerCase()];
  if (!map) {
    throw new RangeError(`unknown colour map '${name}' (known: ${Object.keys(COLOR_MAPS).join(", ")})`);
  }
  return map;
}

/**
 * Colour of a colour map at position t.
 *
 * @param map - a colour map or the name of a built-in one.
 * @param t - position along the map; clipped to [0, 1]. NaN gives {@link NAN_COLOR}.
 * @returns the 8-bit colour `[r, g, b]`.
 */
export function colorAt(map: ColorMap | string, t: number): Rgb {
  if (Number.isNaN(t)) return NAN_COLOR;
  const { anchors } = typeof map === "string" ? getColorMap(map) : map;
  if (anchors.length === 1) return to8bit(anchors[0]!, anchors[0]!, 0);
  const clipped = Math.min(1, Math.max(0, t));
  const pos = clipped * (anchors.length - 1);
  const lower = Math.min(Math.floor(pos), anchors.length - 2);
  return to8bit(anchors[lower]!, anchors[lower + 1]!, pos - lower);
}

/** Blend two 0..1 anchor colours and round to 8 bits. */
function to8bit(a: readonly number[], b: readonly number[], frac: number): Rgb {
  const channel = (i: number) => Math.round(255 * (a[i]! + (b[i]! - a[i]!) * frac));
  return [channel(0), channel(1), channel(2)];
}
