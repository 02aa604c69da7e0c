import { test } from "node:test";
import assert from "node:assert/strict";
import { rasterizeSvg, rasterizeSvgAsync, svgToPng, svgToPngAsync, type RasterImage } from "../src/nodejs/index.js";

/** A one-line SVG text on white. */
function textSvg(content: string, attributes = ""): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="240" height="40">` +
    `<rect width="240" height="40" fill="#ffffff"/>` +
    `<text x="4" y="28" font-size="20" font-family="DejaVu Sans, sans-serif" ${attributes}>${content}</text></svg>`
  );
}

/** Pixels darker than mid grey, and the columns they span. */
function ink(raster: RasterImage): { pixels: number; columns: number } {
  let pixels = 0;
  const used = new Set<number>();
  for (let i = 0; i < raster.width * raster.height; i++) {
    if (raster.rgba[4 * i] < 128) {
      pixels++;
      used.add(i % raster.width);
    }
  }
  return { pixels, columns: used.size };
}

test("PNG text is drawn with the bundled DejaVu Sans: TeV, σ, cm⁻² and bold titles", () => {
  const plain = ink(rasterizeSvg(textSvg("E / TeV σ cm⁻²")));
  assert.ok(plain.pixels > 200, `text has ink (${plain.pixels} px): a font was found`);
  const bold = ink(rasterizeSvg(textSvg("E / TeV σ cm⁻²", 'font-weight="bold"')));
  assert.ok(bold.pixels > 1.2 * plain.pixels, `bold (${bold.pixels} px) is the bold face, not regular`);
  // DejaVu Sans at 20 px: "σ" advances 12.7 px (1298/2048 em); every one of the ten is drawn.
  const sigma = ink(rasterizeSvg(textSvg("σσσσσσσσσσ")));
  assert.ok(sigma.columns > 100 && sigma.columns < 130, `ten σ span ${sigma.columns} columns`);
});

test("drawn on the thread pool, a figure has the pixels and PNG bytes drawn on the calling thread gives", async () => {
  const svg = textSvg("E / TeV σ cm⁻²", 'font-weight="bold"');
  const [sync, pooled] = [rasterizeSvg(svg, { scale: 2 }), await rasterizeSvgAsync(svg, { scale: 2 })];
  assert.deepEqual([pooled.width, pooled.height], [480, 80]);
  assert.deepEqual(pooled.rgba, sync.rgba);
  assert.deepEqual(await svgToPngAsync(svg), svgToPng(svg));
  assert.ok(ink(pooled).pixels > 0);
  await assert.rejects(rasterizeSvgAsync(svg, { scale: 0 }), /scale must be > 0/);
});
