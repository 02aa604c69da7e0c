// SVG figures to PNG through resvg (a maintained Rust renderer with prebuilt Node binaries):
// Node only, so the browser entry of core stays free of it; a browser draws the SVG itself.
import { createRequire } from "node:module";
import type * as ResvgModule from "@resvg/resvg-js";

let resvg: typeof ResvgModule | undefined;

/** resvg's native module, loaded on first use: importing core/node never needs its binary. */
function loadResvg(): typeof ResvgModule {
  if (resvg) return resvg;
  try {
    resvg = createRequire(import.meta.url)("@resvg/resvg-js") as typeof ResvgModule;
    return resvg;
  } catch (error) {
    throw new Error(
      `rasterizeSvg: cannot load @resvg/resvg-js for ${process.platform}-${process.arch} ` +
        `(${(error as Error).message}); write the figure as SVG instead (png-preview format "svg")`,
    );
  }
}

/**
 * The fonts every PNG is drawn with: DejaVu Sans regular and bold from the `dejavu-fonts-ttf`
 * package (Bitstream Vera licence), so that figures look the same on every machine, including
 * ones with no fonts installed, and have the glyphs plots need (⁻, ², σ, °, ′, ″).
 */
function bundledFontFiles(): string[] {
  const require = createRequire(import.meta.url);
  return ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf"].map((file) => require.resolve(`dejavu-fonts-ttf/ttf/${file}`));
}

let fontFiles: string[] | undefined;

/** A rasterised figure: the PNG file and its RGBA pixels (rows top to bottom). */
export interface RasterImage {
  readonly png: Uint8Array;
  readonly rgba: Uint8Array;
  readonly width: number;
  readonly height: number;
}

/** resvg's options: the figure at `scale` × its own size, text in the bundled DejaVu Sans only. */
function renderOptions(scale: number): ResvgModule.ResvgRenderOptions {
  if (!(scale > 0) || !Number.isFinite(scale)) throw new RangeError(`rasterizeSvg: scale must be > 0, got ${scale}`);
  return {
    fitTo: { mode: "zoom", value: scale },
    font: {
      fontFiles: (fontFiles ??= bundledFontFiles()),
      loadSystemFonts: false,
      defaultFontFamily: "DejaVu Sans",
      sansSerifFamily: "DejaVu Sans",
    },
    imageRendering: 0, // optimizeQuality, except where an element asks for optimizeSpeed (the map pixels)
  };
}

function rasterImage(rendered: ResvgModule.RenderedImage): RasterImage {
  return {
    png: new Uint8Array(rendered.asPng()),
    rgba: new Uint8Array(rendered.pixels),
    width: rendered.width,
    height: rendered.height,
  };
}

/**
 * Rasterise an SVG document at its own size (`scale` 2: twice the pixels, for print). Text uses
 * the bundled DejaVu Sans only (no system fonts: the same pixels everywhere).
 */
export function rasterizeSvg(svg: string, options: { scale?: number } = {}): RasterImage {
  const renderer = new (loadResvg().Resvg)(svg, renderOptions(options.scale ?? 1));
  return rasterImage(renderer.render());
}

/**
 * `rasterizeSvg` on libuv's thread pool (resvg's `renderAsync`): the same pixels, while the
 * calling thread goes on (parsing and drawing took ~70 ms of the main thread per preview).
 */
export async function rasterizeSvgAsync(svg: string, options: { scale?: number } = {}): Promise<RasterImage> {
  const settings = renderOptions(options.scale ?? 1);
  return rasterImage(await loadResvg().renderAsync(svg, settings));
}

/** The PNG file of an SVG document (see {@link rasterizeSvg}). */
export function svgToPng(svg: string, options: { scale?: number } = {}): Uint8Array {
  return rasterizeSvg(svg, options).png;
}

/** The PNG file of an SVG document, drawn on the thread pool (see {@link rasterizeSvgAsync}). */
export async function svgToPngAsync(svg: string, options: { scale?: number } = {}): Promise<Uint8Array> {
  return (await rasterizeSvgAsync(svg, options)).png;
}
