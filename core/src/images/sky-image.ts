/**
 * A sky map as an SVG figure, like gammapy's `WcsNDMap.plot()` with `add_cbar=True`: the image
 * north up, celestial axes with a graticule from the map's WCS, a colour bar with its unit, and
 * a title. Text stays text; rasterise with `svgToPng` (`@gammaflow/core/node`) or in a browser.
 */
import type { WcsNDMap } from "../maps/map.js";
import type { Wcs2D } from "../maps/wcs/index.js";
import { colorAt, getColorMap, type ColorMap } from "./colormap.js";
import { formatUnit } from "./labels.js";
import { encodePng, type ZlibCompressor } from "./png.js";
import { skyAxes, type FrameTick, type SkyAxes } from "./sky-axes.js";
import { dataUrl, element, num, pathData, svgDocument, text, type Box, type FigureOptions } from "./svg.js";
import { colorBarTicks, makeValueScale, type Stretch, type ValueScale } from "./ticks.js";

export interface SkyImageOptions extends FigureOptions {
  /** Colour map name (default "viridis"; see COLOR_MAP_NAMES). */
  readonly colormap?: string;
  /** Mapping of values onto the colour map (default "linear"). */
  readonly stretch?: Stretch;
  /** Value of the lowest colour (default: the smallest finite value, or −vmax for a diverging map). */
  readonly vmin?: number;
  /** Value of the highest colour (default: the largest finite value, or the largest |value| if diverging). */
  readonly vmax?: number;
  readonly title?: string;
  /** A second, smaller title line (energy range, observations). */
  readonly subtitle?: string;
  /** Label of the colour bar (default: the map's unit). */
  readonly colorBarLabel?: string;
  /** SVG pixels per map pixel (default: the map about 480 px wide, at least 1). */
  readonly zoom?: number;
  /** Draw the coordinate grid over the image (default true). */
  readonly grid?: boolean;
  /** zlib compressor for the embedded raster (e.g. node:zlib's deflateSync); without it, stored. */
  readonly deflate?: ZlibCompressor;
}

/** Where a {@link skyImageSvg} figure put its parts, in SVG pixels (y down). */
export interface SkyImageLayout {
  readonly image: Box;
  readonly colorBar: Box;
  readonly zoom: number;
  readonly valueRange: readonly [number, number];
  /**
   * The celestial axes in map pixels; {@link SkyImageLayout.toSvg} maps them onto the figure.
   * Shared by the figures of one geometry: read, do not change.
   */
  readonly axes: SkyAxes;
  /** SVG position of the centre of map pixel coordinates (x, y) (0-based, y up). */
  toSvg(x: number, y: number): [number, number];
}

export interface SkyImage {
  readonly svg: string;
  readonly width: number;
  readonly height: number;
  readonly layout: SkyImageLayout;
}

const INK = "#222222";
const TARGET_WIDTH = 480;
const FONT = { title: 16, subtitle: 12, label: 13, tick: 12 };
const TICK_LENGTH = 5;
const MARGIN = { left: 92, bottom: 56, right: 12, top: 12 };
const BAR = { gap: 18, width: 16, labelGap: 5 };

/**
 * The celestial axes of an image, computed once per WCS and size: a dataset's previews (counts,
 * background, excess…) share one geometry, and the axes took 10–16 ms an image.
 */
const axesByWcs = new WeakMap<Wcs2D, Map<string, SkyAxes>>();

function axesOf(wcs: Wcs2D, nx: number, ny: number): SkyAxes {
  let bySize = axesByWcs.get(wcs);
  if (!bySize) axesByWcs.set(wcs, (bySize = new Map()));
  const key = `${nx}x${ny}`;
  let axes = bySize.get(key);
  if (!axes) bySize.set(key, (axes = skyAxes(wcs, nx, ny)));
  return axes;
}

/** The SVG figure of a one-plane sky map (a map with non-spatial axes: take an image first). */
export function skyImageSvg(map: WcsNDMap, options: SkyImageOptions = {}): SkyImage {
  const { nx, ny } = map.geom;
  if (map.data.length !== nx * ny) {
    throw new RangeError(
      `skyImageSvg: the map has ${map.data.length / (nx * ny)} image planes (axes ` +
        `${map.geom.axes.map((a) => `${a.name} ${a.nbin}`).join(", ")}); sum or slice it to one image first`,
    );
  }
  const zoom = options.zoom ?? Math.max(1, Math.round(TARGET_WIDTH / Math.max(nx, ny)));
  if (!(zoom > 0) || !Number.isFinite(zoom)) throw new RangeError(`skyImageSvg: zoom must be > 0, got ${zoom}`);
  const colormap = getColorMap(options.colormap ?? "viridis");
  const valueScale = makeValueScale(...valueRange(map.data, colormap, options), options.stretch ?? "linear");
  const axes = axesOf(map.geom.wcs, nx, ny);

  const titleHeight = (options.title ? FONT.title + 10 : 0) + (options.subtitle ? FONT.subtitle + 8 : 0);
  const image: Box = { x: MARGIN.left, y: MARGIN.top + titleHeight, width: nx * zoom, height: ny * zoom };
  const toSvg = (x: number, y: number): [number, number] => [
    image.x + (x + 0.5) * zoom,
    image.y + (ny - 0.5 - y) * zoom,
  ];
  const colorBar: Box = { x: image.x + image.width + BAR.gap, y: image.y, width: BAR.width, height: image.height };
  const bar = colorBarParts(colorBar, colormap, valueScale, options.colorBarLabel ?? formatUnit(map.unit));
  const width = Math.max(bar.right, MARGIN.left + textWidth(options.title ?? "", FONT.title)) + MARGIN.right;
  const height = image.y + image.height + MARGIN.bottom;

  const raster = rasterRgba(map.data, nx, ny, colormap, valueScale);
  const content = [
    titles(options, image),
    element("image", {
      x: image.x,
      y: image.y,
      width: image.width,
      height: image.height,
      preserveAspectRatio: "none",
      // nearest neighbour, as gammapy's interpolation="nearest": browsers take the style's
      // pixelated (optimizeSpeed is CSS's synonym for it), resvg, which knows no pixelated, the last
      // declaration (with pixelated alone it smoothed the map in every PNG)
      "image-rendering": "optimizeSpeed",
      style: "image-rendering:pixelated;image-rendering:optimizeSpeed",
      href: dataUrl("image/png", encodePng(raster, nx, ny, options.deflate)),
    }),
    options.grid === false
      ? ""
      : grid(
          axes,
          image,
          toSvg,
          meanLuminance(raster) > 0.5 ? "#000000" : "#ffffff",
          `${options.idPrefix ?? ""}map-area`,
        ),
    frameAndTicks(axes, image, toSvg),
    bar.svg,
  ];
  const layout: SkyImageLayout = { image, colorBar, zoom, valueRange: [valueScale.vmin, valueScale.vmax], axes, toSvg };
  return { svg: svgDocument(width, height, content, options), width, height, layout };
}

/** vmin and vmax from the options, else the finite data range (symmetric about 0 for diverging maps). */
function valueRange(data: ArrayLike<number>, colormap: ColorMap, options: SkyImageOptions): [number, number] {
  // two statements, not a destructured pair: the loop runs once per image, mostly before V8
  // optimises it, and the pair was an array and an iterator per pixel (~6 ms an image)
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!Number.isFinite(v)) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (lo > hi) [lo, hi] = [0, 1]; // no finite value at all
  if (colormap.diverging) [lo, hi] = [-Math.max(-lo, hi), Math.max(-lo, hi)];
  const vmin = options.vmin ?? Math.min(lo, options.vmax ?? lo);
  const vmax = options.vmax ?? Math.max(hi, vmin);
  if (!Number.isFinite(vmin) || !Number.isFinite(vmax) || vmin > vmax) {
    throw new RangeError(`skyImageSvg: invalid value range vmin=${vmin}, vmax=${vmax}`);
  }
  return [vmin, vmax];
}

/** RGBA rows top (map row ny − 1) to bottom; NaN transparent. */
function rasterRgba(data: ArrayLike<number>, nx: number, ny: number, map: ColorMap, scale: ValueScale): Uint8Array {
  const rgba = new Uint8Array(nx * ny * 4);
  for (let y = 0; y < ny; y++) {
    const row = (ny - 1 - y) * nx;
    for (let x = 0; x < nx; x++) {
      const color = colorAt(map, scale.toUnit(data[y * nx + x]));
      if (!color) continue;
      // four stores, not set() from a new array per pixel (the loop runs once per image)
      const at = (row + x) * 4;
      rgba[at] = color[0];
      rgba[at + 1] = color[1];
      rgba[at + 2] = color[2];
      rgba[at + 3] = 255;
    }
  }
  return rgba;
}

/** Mean luminance (0 black … 1 white) of an RGBA raster, transparent pixels as the white background. */
function meanLuminance(rgba: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < rgba.length; i += 4) {
    sum += rgba[i + 3] ? (0.2126 * rgba[i] + 0.7152 * rgba[i + 1] + 0.0722 * rgba[i + 2]) / 255 : 1;
  }
  return sum / (rgba.length / 4);
}

/** Rough width of a text in the plot font (DejaVu Sans averages ~0.6 em per character). */
function textWidth(content: string, fontSize: number): number {
  return content.length * fontSize * 0.6;
}

function titles(options: SkyImageOptions, image: Box): string {
  const x = image.x;
  const parts: string[] = [];
  let y = MARGIN.top;
  if (options.title) {
    y += FONT.title;
    parts.push(text(options.title, { x, y, "font-size": FONT.title, "font-weight": "bold", fill: INK }));
    y += 10;
  }
  if (options.subtitle) {
    y += FONT.subtitle;
    parts.push(text(options.subtitle, { x, y, "font-size": FONT.subtitle, fill: "#555555" }));
  }
  return parts.join("");
}

/** The graticule, dashed, in a colour that shows on the image (white on dark maps, black on light). */
function grid(
  axes: SkyAxes,
  image: Box,
  toSvg: (x: number, y: number) => [number, number],
  color: string,
  clipId: string,
): string {
  const paths = axes.lines.map((line) => {
    const xs = new Float64Array(line.x.length);
    const ys = new Float64Array(line.x.length);
    for (let i = 0; i < xs.length; i++) [xs[i], ys[i]] = toSvg(line.x[i], line.y[i]);
    return element("path", { d: pathData(xs, ys) });
  });
  const clip = element("clipPath", { id: clipId }, element("rect", { ...image }));
  const style = {
    fill: "none",
    stroke: color,
    "stroke-opacity": 0.4,
    "stroke-width": 0.8,
    "clip-path": `url(#${clipId})`,
  };
  return element("defs", {}, clip) + element("g", { ...style, "stroke-dasharray": "3 3" }, ...paths);
}

/** The frame, inward ticks on all four edges, labels on the bottom (longitude) and left (latitude). */
function frameAndTicks(axes: SkyAxes, image: Box, toSvg: (x: number, y: number) => [number, number]): string {
  const bottom = image.y + image.height;
  const right = image.x + image.width;
  const xOf = (tick: FrameTick) => toSvg(tick.position, 0)[0];
  const yOf = (tick: FrameTick) => toSvg(0, tick.position)[1];
  const marks = [
    ...axes.bottom.map((t) => `M${num(xOf(t))} ${num(bottom)}v${-TICK_LENGTH}`),
    ...axes.top.map((t) => `M${num(xOf(t))} ${num(image.y)}v${TICK_LENGTH}`),
    ...axes.left.map((t) => `M${num(image.x)} ${num(yOf(t))}h${TICK_LENGTH}`),
    ...axes.right.map((t) => `M${num(right)} ${num(yOf(t))}h${-TICK_LENGTH}`),
  ];
  const labelStyle = { "font-size": FONT.tick, fill: INK };
  const lonLabels = spread(axes.bottom, xOf, (t) => textWidth(t.label, FONT.tick) + 8).map((t) =>
    text(t.label, { ...labelStyle, x: xOf(t), y: bottom + FONT.tick + 4, "text-anchor": "middle" }),
  );
  const latLabels = spread(axes.left, yOf, () => FONT.tick + 4).map((t) =>
    text(t.label, { ...labelStyle, x: image.x - 5, y: yOf(t) + FONT.tick * 0.35, "text-anchor": "end" }),
  );
  const nameStyle = { "font-size": FONT.label, fill: INK, "text-anchor": "middle" };
  const centreY = image.y + image.height / 2;
  const widestLat = Math.max(0, ...axes.left.map((t) => textWidth(t.label, FONT.tick)));
  const latNameX = Math.max(FONT.label, image.x - 5 - widestLat - 10);
  return [
    element("rect", { ...image, fill: "none", stroke: INK, "stroke-width": 1 }),
    element("path", { d: marks.join(""), stroke: INK, "stroke-width": 1 }),
    ...lonLabels,
    ...latLabels,
    text(axes.lonName, { ...nameStyle, x: image.x + image.width / 2, y: bottom + 2 * FONT.tick + 16 }),
    text(axes.latName, {
      ...nameStyle,
      x: latNameX,
      y: centreY,
      transform: `rotate(-90 ${num(latNameX)} ${num(centreY)})`,
    }),
  ].join("");
}

/** The ticks whose labels do not overlap the previous label kept (labels need `size` px). */
function spread(ticks: readonly FrameTick[], at: (t: FrameTick) => number, size: (t: FrameTick) => number) {
  const kept: FrameTick[] = [];
  for (const tick of [...ticks].sort((a, b) => at(a) - at(b))) {
    const last = kept.at(-1);
    if (!last || Math.abs(at(tick) - at(last)) >= (size(tick) + size(last)) / 2) kept.push(tick);
  }
  return kept;
}

/** The colour bar: a gradient of the colour map, ticks at round values, the unit along its side. */
function colorBarParts(box: Box, colormap: ColorMap, scale: ValueScale, label: string) {
  const gradient = new Uint8Array(256 * 4);
  for (let i = 0; i < 256; i++) {
    const [r, g, b] = colorAt(colormap, (255 - i) / 255) ?? [0, 0, 0]; // row 0 is the top: vmax
    gradient.set([r, g, b, 255], i * 4);
  }
  const ticks = colorBarTicks(scale, box.height, FONT.tick + 6);
  const yAt = (t: number) => box.y + box.height - t * box.height;
  const labelX = box.x + box.width + TICK_LENGTH + BAR.labelGap;
  const widest = Math.max(0, ...ticks.map((t) => textWidth(t.label, FONT.tick)));
  const unitX = labelX + widest + 8 + FONT.label;
  const centreY = box.y + box.height / 2;
  const svg = [
    element("image", {
      ...box,
      preserveAspectRatio: "none",
      href: dataUrl("image/png", encodePng(gradient, 1, 256)),
      "data-colormap": colormap.name,
    }),
    element("rect", { ...box, fill: "none", stroke: INK, "stroke-width": 1 }),
    element("path", {
      d: ticks.map((t) => `M${num(box.x + box.width)} ${num(yAt(t.t))}h${TICK_LENGTH}`).join(""),
      stroke: INK,
    }),
    ...ticks.map((t) =>
      text(t.label, {
        x: labelX,
        y: yAt(t.t) + FONT.tick * 0.35,
        "font-size": FONT.tick,
        fill: INK,
        class: "cbar-tick",
      }),
    ),
    label
      ? text(label, {
          x: unitX,
          y: centreY,
          "font-size": FONT.label,
          fill: INK,
          "text-anchor": "middle",
          transform: `rotate(90 ${num(unitX)} ${num(centreY)})`,
        })
      : "",
  ].join("");
  return { svg, right: unitX + FONT.label };
}
