// A sky image's map pixels in chromium: drawn nearest-neighbour (the style's pixelated), as resvg
// draws them for the PNGs (core's sky-image test).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser } from "playwright-core";
import { colorAt, skyImageSvg, WcsGeom, WcsNDMap } from "@gammaflow/core";
import { launch } from "./browser.js";

let browser: Browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test("chromium draws a sky image's map pixels nearest-neighbour", async () => {
  const geom = WcsGeom.create({ skydir: [83.63, 22.01], npix: [2, 1], binsz: 1 });
  const map = WcsNDMap.fromGeom(geom, { data: Float32Array.of(0, 1) });
  const figure = skyImageSvg(map, { colormap: "viridis", grid: false });
  const { image } = figure.layout;
  const page = await browser.newPage();
  const row = await page.evaluate(
    async ({ svg, y }) => {
      const img = new Image();
      img.src = URL.createObjectURL(new Blob([svg], { type: "image/svg+xml" }));
      await img.decode();
      const canvas = document.createElement("canvas");
      canvas.width = img.width;
      canvas.height = img.height;
      const context = canvas.getContext("2d")!;
      context.drawImage(img, 0, 0);
      return Array.from(context.getImageData(0, Math.round(y), canvas.width, 1).data);
    },
    { svg: figure.svg, y: image.y + image.height / 2 },
  );
  await page.close();
  const [low, high] = [colorAt("viridis", 0)!, colorAt("viridis", 1)!];
  const near = (x: number, c: readonly number[]) => c.every((v, i) => Math.abs(row[4 * x + i] - v) <= 2);
  const between: number[] = [];
  for (let x = Math.ceil(image.x) + 2; x < image.x + image.width - 2; x++)
    if (!near(x, low) && !near(x, high)) between.push(x);
  assert.ok(between.length <= 1, `${between.length} columns blended, at ${between.slice(0, 5).join(", ")}…`);
});
