/**
 * Render a 2-D sky map as an RGBA image with an optional colour bar.
 */
import { Canvas, type Box } from "./canvas.js";
import { colorAt, getColorMap, type ColorMap, type Rgb } from "./colormap.js";
import { GLYPH_HEIGHT, textWidth } from "./font.js";
import { colorBarTicks, makeValueScale, type Stretch, type ValueScale } from "./ticks.js";

/** Options of {@link renderMapImage}. */
export interface MapImageOptions {
  /** Colour map name: "viridis" (default), "inferno" or "gray". */
  readonly colormap?: string;
  /** Mapping of values onto the colour map (default "linear"). */
  readonly stretch?: Stretch;
  /** Value drawn with the lowest colour (default: smallest finite value). */
  readonly vmin?: number;
  /** Value drawn with the highest colour (default: largest finite value). */
  readonly vmax?: number;
  /** Integer magnification, canvas pixels per map pixel (default: enough for about 400 px width). */
  readonly scale?: number;
  /** Draw a colour bar with tick labels to the right of the map (default true). */
  readonly colorBar?: boolean;
  /** Title drawn above the map, in upper case (letters, digits, space and . , : - + = * / ( ) ^ _). */
  readonly label?: string;
}

/** A rendered image: RGBA bytes, rows top to bottom, and where its parts were drawn. */
export interface MapImage {
  readonly rgba: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly layout: {
    /** The map itself. */
    readonly image: Box;
    /** The colour bar's gradient (without frame and ticks), if drawn. */
    readonly colorBar?: Box;
  };
}

const BACKGROUND: Rgb = [255, 255, 255];
const INK: Rgb = [34, 34, 34];
const TARGET_WIDTH = 400;

/**
 * Render a row-major 2-D map (`data[y * nx + x]`) as an RGBA image.
 * Row y = 0 is the bottom of the map, as in FITS/WCS images, so it is drawn
 * last: north (increasing y) is up. NaN pixels get {@link NAN_COLOR}.
 */
export function renderMapImage(
  data: ArrayLike<number>,
  nx: number,
  ny: number,
  options: MapImageOptions = {},
): MapImage {
  if (!Number.isInteger(nx) || !Number.isInteger(ny) || nx < 1 || ny < 1) {
    throw new RangeError(`renderMapImage: invalid map size ${nx}x${ny}`);
  }
  if (data.length !== nx * ny) {
    throw new RangeError(`renderMapImage: expected ${nx * ny} values, got ${data.length}`);
  }
  const zoom = options.scale ?? Math.max(1, Math.ceil(TARGET_WIDTH / nx));
  if (!Number.isInteger(zoom) || zoom < 1)
    throw new RangeError(`renderMapImage: scale must be a positive integer, got ${zoom}`);

  const colormap = getColorMap(options.colormap ?? "viridis");
  const valueScale = makeValueScale(...valueRange(data, options), options.stretch ?? "linear");
  const withBar = options.colorBar ?? true;
  const title = options.label?.toUpperCase() ?? "";

  // Text is drawn at 2x on images big enough for it to stay proportionate.
  const imageWidth = nx * zoom;
  const imageHeight = ny * zoom;
  const fontSize = Math.max(imageWidth, imageHeight) >= 300 ? 2 : 1;
  const pad = withBar || title ? 8 * fontSize : 0;
  const titleHeight = title ? (GLYPH_HEIGHT + 6) * fontSize : 0;
  const image: Box = { x: pad, y: pad + titleHeight, width: imageWidth, height: imageHeight };

  const bar = withBar ? colorBarLayout(image, fontSize, valueScale) : undefined;
  const contentRight = bar ? bar.right : image.x + image.width;
  const contentBottom = image.y + Math.max(image.height, bar?.box.height ?? 0);
  const canvas = new Canvas(
    Math.max(contentRight, pad + textWidth(title) * fontSize) + pad,
    contentBottom + pad,
    BACKGROUND,
  );

  if (title) canvas.drawText(title, pad, pad, fontSize, INK);
  drawMap(canvas, image, data, nx, ny, zoom, colormap, valueScale);
  if (pad > 0) canvas.outline(image, INK);
  if (bar) drawColorBar(canvas, bar, colormap, fontSize);

  return {
    rgba: canvas.rgba,
    width: canvas.width,
    height: canvas.height,
    layout: bar ? { image, colorBar: bar.box } : { image },
  };
}

/** vmin and vmax from the options, defaulting to the finite data range. */
function valueRange(data: ArrayLike<number>, options: MapImageOptions): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (Number.isFinite(v)) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (lo > hi) [lo, hi] = [0, 1]; // no finite data at all
  const vmin = options.vmin ?? Math.min(lo, options.vmax ?? lo);
  const vmax = options.vmax ?? Math.max(hi, vmin);
  if (!Number.isFinite(vmin) || !Number.isFinite(vmax) || vmin > vmax) {
    throw new RangeError(`renderMapImage: invalid value range vmin=${vmin}, vmax=${vmax}`);
  }
  return [vmin, vmax];
}

function drawMap(
  canvas: Canvas,
  image: Box,
  data: ArrayLike<number>,
  nx: number,
  ny: number,
  zoom: number,
  colormap: ColorMap,
  valueScale: ValueScale,
): void {
  for (let y = 0; y < ny; y++) {
    const top = image.y + (ny - 1 - y) * zoom; // flip: map row 0 is the bottom
    for (let x = 0; x < nx; x++) {
      const color = colorAt(colormap, valueScale.toUnit(data[y * nx + x]!));
      canvas.fillRect({ x: image.x + x * zoom, y: top, width: zoom, height: zoom }, color);
    }
  }
}

interface ColorBarLayout {
  readonly box: Box;
  readonly ticks: readonly { label: string; y: number }[];
  readonly labelX: number;
  /** Rightmost x used by the bar and its labels. */
  readonly right: number;
}

function colorBarLayout(image: Box, fontSize: number, valueScale: ValueScale): ColorBarLayout {
  // Short maps still get a bar tall enough for a few readable labels.
  const height = Math.max(image.height, 100 * fontSize);
  const box: Box = { x: image.x + image.width + 12 * fontSize, y: image.y, width: 12 * fontSize, height };
  const lineHeight = (GLYPH_HEIGHT + 4) * fontSize;
  const bottom = box.y + box.height - 1;
  const ticks = colorBarTicks(valueScale, height, lineHeight).map((tick) => ({
    label: tick.label,
    y: bottom - Math.round(tick.t * (height - 1)),
  }));
  const labelX = box.x + box.width + 6 * fontSize;
  const widest = Math.max(...ticks.map((tick) => textWidth(tick.label)));
  return { box, ticks, labelX, right: labelX + widest * fontSize };
}

function drawColorBar(canvas: Canvas, bar: ColorBarLayout, colormap: ColorMap, fontSize: number): void {
  const { box } = bar;
  for (let row = 0; row < box.height; row++) {
    const t = box.height > 1 ? row / (box.height - 1) : 0; // row 0 is the bottom: vmin
    canvas.fillRect({ x: box.x, y: box.y + box.height - 1 - row, width: box.width, height: 1 }, colorAt(colormap, t));
  }
  canvas.outline(box, INK);
  const tickStart = box.x + box.width + 1;
  for (const tick of bar.ticks) {
    canvas.fillRect({ x: tickStart, y: tick.y, width: 3 * fontSize, height: 1 }, INK);
    const textTop = tick.y - Math.floor((GLYPH_HEIGHT * fontSize) / 2);
    canvas.drawText(tick.label, bar.labelX, textTop, fontSize, INK);
  }
}
