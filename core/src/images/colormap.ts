/**
 * Colour maps sampled from d3-scale-chromatic (matplotlib's viridis family and ColorBrewer's
 * diverging RdBu) into 256-entry tables, looked up as matplotlib does: entry ⌊t·256⌋.
 */
import {
  interpolateCividis,
  interpolateGreys,
  interpolateInferno,
  interpolateMagma,
  interpolatePlasma,
  interpolateRdBu,
  interpolateViridis,
} from "d3-scale-chromatic";

/** An 8-bit colour `[red, green, blue]`, each 0..255. */
export type Rgb = readonly [number, number, number];

/** A colour map: 256 colours from t = 0 to t = 1. */
export interface ColorMap {
  readonly name: string;
  readonly table: readonly Rgb[];
  /** Diverging maps (RdBu) centre on zero by default: vmin = −vmax. */
  readonly diverging: boolean;
}

const TABLE_SIZE = 256;

/** The built-in colour maps' names, and the d3 interpolator each samples (t: 0 → 1). */
const INTERPOLATORS: Readonly<Record<string, { at: (t: number) => string; diverging?: true }>> = {
  viridis: { at: interpolateViridis },
  magma: { at: interpolateMagma },
  inferno: { at: interpolateInferno },
  plasma: { at: interpolatePlasma },
  cividis: { at: interpolateCividis },
  // d3's Greys runs white → black; matplotlib's gray black → white
  gray: { at: (t) => interpolateGreys(1 - t) },
  // matplotlib's RdBu: red at the low end; RdBu_r: blue low, red high (significance maps)
  RdBu: { at: interpolateRdBu, diverging: true },
  RdBu_r: { at: (t) => interpolateRdBu(1 - t), diverging: true },
};

/** Names accepted by {@link getColorMap}. */
export const COLOR_MAP_NAMES: readonly string[] = Object.keys(INTERPOLATORS);

const cache = new Map<string, ColorMap>();

/** A built-in colour map by name (exact, as matplotlib spells it); throws on unknown names. */
export function getColorMap(name: string): ColorMap {
  const cached = cache.get(name);
  if (cached) return cached;
  const source = Object.hasOwn(INTERPOLATORS, name) ? INTERPOLATORS[name] : undefined;
  if (!source) throw new RangeError(`unknown colour map '${name}' (known: ${COLOR_MAP_NAMES.join(", ")})`);
  const table = Array.from({ length: TABLE_SIZE }, (_, i) => parseColor(source.at(i / (TABLE_SIZE - 1))));
  const map: ColorMap = { name, table, diverging: source.diverging ?? false };
  cache.set(name, map);
  return map;
}

/** Colour at position t in [0, 1] (clipped), or undefined for NaN (drawn transparent). */
export function colorAt(map: ColorMap | string, t: number): Rgb | undefined {
  if (Number.isNaN(t)) return undefined;
  const { table } = typeof map === "string" ? getColorMap(map) : map;
  return table[Math.min(TABLE_SIZE - 1, Math.max(0, Math.floor(t * TABLE_SIZE)))];
}

/** "#rrggbb" or "rgb(r, g, b)", the two forms d3's interpolators return. */
function parseColor(css: string): Rgb {
  if (css.startsWith("#") && css.length === 7) {
    return [1, 3, 5].map((i) => Number.parseInt(css.slice(i, i + 2), 16)) as unknown as Rgb;
  }
  const match = /^rgb\((\d+), ?(\d+), ?(\d+)\)$/.exec(css);
  if (!match) throw new Error(`colour map: cannot read the colour '${css}'`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

/** "#rrggbb" of an 8-bit colour, for SVG attributes. */
export function cssColor([r, g, b]: Rgb): string {
  return `#${[r, g, b].map((c) => c.toString(16).padStart(2, "0")).join("")}`;
}
