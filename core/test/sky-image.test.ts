import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { SkyCoord } from "../src/coords/index.js";
import { colorAt, formatUnit, skyImageSvg, type SkyImage } from "../src/images/index.js";
import { formatDms, formatHms } from "../src/images/labels.js";
import { MapAxis, smoothMap, WcsGeom, WcsNDMap } from "../src/maps/index.js";
import { rasterizeSvg, readFits, type RasterImage } from "../src/nodejs/index.js";
import { BUNDLED_HESS } from "./fixtures.js";

const CRAB = [83.63, 22.01] as const;
const python = "/usr/bin/python3";
const hasAstropy = spawnSync(python, ["-c", "import astropy.wcs, scipy.ndimage"]).status === 0;

/** The combined chain's geometry: 5° at 0.02° around the Crab (CAR, oblique: CRVAL2 = 22.01°). */
function crabGeom(): WcsGeom {
  return WcsGeom.create({ skydir: [...CRAB], width: 5, binsz: 0.02 });
}

/** Counts of the four bundled Crab runs, 1–10 TeV, as one image: real data, no reduction. */
function crabCounts(): WcsNDMap {
  const counts = WcsNDMap.fromGeom(crabGeom());
  for (const obsId of [23523, 23526, 23559, 23592]) {
    const events = readFits(path.join(BUNDLED_HESS, "data", `hess_dl3_dr1_obs_id_0${obsId}.fits.gz`)).table("EVENTS");
    const energy = events.columnAsFloat64("ENERGY");
    const keep = (i: number) => energy[i] >= 1 && energy[i] < 10;
    const select = (values: Float64Array) => values.filter((_, i) => keep(i));
    counts.fillEvents({
      lon: select(events.columnAsFloat64("RA")),
      lat: select(events.columnAsFloat64("DEC")),
      columns: {},
    });
  }
  return counts;
}

/** The texts of an SVG document's <text> elements. */
function texts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
}

function rgbAt(raster: RasterImage, x: number, y: number): number[] {
  const i = (Math.round(y) * raster.width + Math.round(x)) * 4;
  return [...raster.rgba.subarray(i, i + 3)];
}

/** Map pixel (x, y) of an SVG position of a figure (inverse of layout.toSvg). */
function mapPixelOf(figure: SkyImage, sx: number, sy: number): [number, number] {
  const { image, zoom } = figure.layout;
  const ny = image.height / zoom;
  return [(sx - image.x) / zoom - 0.5, ny - 0.5 - (sy - image.y) / zoom];
}

test("angles and units read as astronomers write them", () => {
  assert.equal(formatHms(83.75, 1.25), "5h35m");
  assert.equal(formatHms(83.625, 0.125), "5h34m30s");
  assert.equal(formatHms(90, 15), "6h");
  assert.equal(formatHms(-15, 15), "23h");
  assert.equal(formatDms(22, 1, true), "+22°");
  assert.equal(formatDms(-5.5, 0.5, true), "−5°30′");
  assert.equal(formatDms(0, 1, true), "0°");
  assert.equal(formatDms(-1, 1, false), "359°");
  assert.equal(formatDms(22.0125, 15 / 3600, true), "+22°00′45″");
  assert.equal(formatUnit("cm-2 s-1 TeV-1"), "cm⁻² s⁻¹ TeV⁻¹");
  assert.equal(formatUnit("m2 s"), "m² s");
  assert.equal(formatUnit("sr-1"), "sr⁻¹");
});

test("the Crab counts figure has its title, axis names, unit and tick labels as SVG text", () => {
  const counts = crabCounts();
  const figure = skyImageSvg(counts, {
    title: "stacked counts",
    subtitle: "1–10 TeV · obs 23523, 23526, 23559, 23592",
    colorBarLabel: "Counts",
  });
  const labels = texts(figure.svg);
  for (const expected of ["stacked counts", "1–10 TeV · obs 23523, 23526, 23559, 23592", "Right Ascension"]) {
    assert.ok(labels.includes(expected), `'${expected}' in ${labels.join(" | ")}`);
  }
  assert.ok(labels.includes("Declination") && labels.includes("Counts"));
  // 5° at Dec 22°: RA every 5 minutes of time (1.25°), Dec every degree
  assert.deepEqual(
    figure.layout.axes.bottom.map((t) => t.label),
    ["5h45m", "5h40m", "5h35m", "5h30m", "5h25m"],
  );
  assert.deepEqual(
    figure.layout.axes.left.map((t) => t.label),
    ["+24°", "+23°", "+22°", "+21°", "+20°"].reverse(),
  );
  for (const tick of [...figure.layout.axes.bottom, ...figure.layout.axes.left]) {
    assert.ok(labels.includes(tick.label), tick.label);
  }
});

test("ticks sit where the WCS puts their value on the frame, checked against astropy", {
  skip: hasAstropy ? false : "python3 with astropy not available",
}, () => {
  const geom = crabGeom();
  const { axes } = skyImageSvg(WcsNDMap.fromGeom(geom), {}).layout;
  const points = [
    ...axes.bottom.map((t) => [t.position, -0.5, t.value, 0]),
    ...axes.left.map((t) => [-0.5, t.position, t.value, 1]),
    ...axes.right.map((t) => [geom.nx - 0.5, t.position, t.value, 1]),
  ];
  const header = Object.fromEntries(geom.wcs.headerCards().map((c) => [c.key, c.value]));
  const script = [
    "import sys, json",
    "from astropy.wcs import WCS",
    "header, points = json.loads(sys.stdin.read())",
    "w = WCS(header)",
    "out = [float(w.wcs_pix2world([[x, y]], 0)[0][axis]) for x, y, _, axis in points]",
    "print(json.dumps(out))",
  ].join("\n");
  const result = spawnSync(python, ["-c", script], { input: JSON.stringify([header, points]), encoding: "utf8" });
  assert.equal(result.status, 0, result.stderr);
  const world: number[] = JSON.parse(result.stdout);
  points.forEach(([x, y, value], i) => {
    const d = Math.abs(((world[i] - value + 540) % 360) - 180);
    assert.ok(d < 1e-6, `tick ${value} at pixel (${x}, ${y}): astropy says ${world[i]}`);
  });
  // the oblique CAR curves the parallels: +24° meets the left and right edges at other heights than the middle
  const line = axes.lines.find((l) => l.coordinate === "lat" && l.value === 24);
  assert.ok(line);
  const ys = Array.from(line.y).filter(Number.isFinite);
  assert.ok(Math.max(...ys) - Math.min(...ys) > 2, "a curved parallel");
});

test("a TAN image near the pole gets a curved graticule with converging meridians", () => {
  const geom = WcsGeom.create({ skydir: [30, 60], width: 16, binsz: 0.1, proj: "TAN" });
  const { axes } = skyImageSvg(WcsNDMap.fromGeom(geom), {}).layout;
  const meridians = axes.lines.filter((l) => l.coordinate === "lon");
  assert.ok(meridians.length >= 3);
  for (const tick of axes.bottom) {
    const [lon] = geom.wcs.pixToWorld1(tick.position, -0.5);
    assert.ok(Math.abs(((lon - tick.value + 540) % 360) - 180) < 1e-6, `${tick.label}`);
  }
  // meridians spread downwards (away from the pole): the bottom ticks lie wider apart than the top ones
  const spread = (ticks: readonly { position: number }[]) => ticks.at(-1)!.position - ticks[0].position;
  const common = axes.bottom.filter((b) => axes.top.some((t) => t.value === b.value));
  const commonTop = axes.top.filter((t) => common.some((b) => b.value === t.value));
  assert.ok(common.length >= 2 && spread(common) > spread(commonTop));
});

test("the brightest pixel of the rendered Crab counts image lies where the WCS puts the Crab", () => {
  const counts = smoothMap(crabCounts(), "0.04 deg");
  const figure = skyImageSvg(counts, { colormap: "viridis", grid: false });
  const raster = rasterizeSvg(figure.svg);
  const { image } = figure.layout;
  const top = colorAt("viridis", 1)!;
  let best = { d: Infinity, x: 0, y: 0 };
  for (let y = image.y; y < image.y + image.height; y++) {
    for (let x = image.x; x < image.x + image.width; x++) {
      const [r, g, b] = rgbAt(raster, x, y);
      const d = (r - top[0]) ** 2 + (g - top[1]) ** 2 + (b - top[2]) ** 2;
      if (d < best.d) best = { d, x: x + 0.5, y: y + 0.5 };
    }
  }
  assert.ok(best.d < 100, `the top colour of the map is drawn (squared distance ${best.d})`);
  const [px, py] = mapPixelOf(figure, best.x, best.y);
  const [cx, cy] = counts.geom.wcs.worldToPix1(...CRAB);
  const binsz = 0.02;
  assert.ok(Math.hypot(px - cx, py - cy) * binsz < 0.05, `peak at pixel (${px}, ${py}), Crab at (${cx}, ${cy})`);
});

test("the map's pixels are drawn nearest-neighbour in the PNG (gammapy's interpolation=\"nearest\")", () => {
  // two map pixels, 0 and 1: across their border the PNG goes from one colour to the other at once
  const geom = WcsGeom.create({ skydir: [...CRAB], npix: [2, 1], binsz: 1 });
  const map = WcsNDMap.fromGeom(geom, { data: Float32Array.of(0, 1) });
  const figure = skyImageSvg(map, { colormap: "viridis", grid: false });
  const raster = rasterizeSvg(figure.svg);
  const { image } = figure.layout;
  const y = image.y + image.height / 2;
  const [low, high] = [colorAt("viridis", 0)!, colorAt("viridis", 1)!];
  const near = (rgb: number[], c: readonly number[]) => rgb.every((v, i) => Math.abs(v - c[i]) <= 2);
  const between: number[] = [];
  for (let x = Math.ceil(image.x) + 2; x < image.x + image.width - 2; x++) {
    const rgb = rgbAt(raster, x, y);
    if (!near(rgb, low) && !near(rgb, high)) between.push(x);
  }
  // (one column of the border may be shared by both: anti-aliasing of the edge)
  assert.ok(between.length <= 1, `${between.length} columns blended, at ${between.slice(0, 5).join(", ")}…`);
});

test("the colour bar spans the data range: vmin's colour at the bottom, vmax's at the top, both labelled", () => {
  const counts = crabCounts();
  let max = 0;
  for (const v of counts.data) max = Math.max(max, v);
  const figure = skyImageSvg(counts, {});
  assert.deepEqual(figure.layout.valueRange, [0, max]);
  const barLabels = [...figure.svg.matchAll(/<text[^>]*class="cbar-tick"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
  assert.equal(barLabels[0], "0");
  assert.equal(barLabels.at(-1), String(max));
  const raster = rasterizeSvg(figure.svg);
  const bar = figure.layout.colorBar;
  const x = bar.x + bar.width / 2;
  const close = (actual: number[], expected: readonly number[]) =>
    actual.every((c, i) => Math.abs(c - expected[i]) <= 3) || assert.fail(`${actual} vs ${expected}`);
  close(rgbAt(raster, x, bar.y + 2), colorAt("viridis", 1)!);
  close(rgbAt(raster, x, bar.y + bar.height - 3), colorAt("viridis", 0)!);
});

test("a diverging colour map centres on zero; vmin and vmax override the data range", () => {
  const geom = crabGeom();
  const data = Float32Array.from({ length: geom.nx * geom.ny }, (_, i) => (i % 7) - 2); // −2 … 4
  const map = new WcsNDMap(geom, data, "");
  assert.deepEqual(skyImageSvg(map, { colormap: "RdBu_r" }).layout.valueRange, [-4, 4]);
  assert.deepEqual(skyImageSvg(map, { colormap: "viridis" }).layout.valueRange, [-2, 4]);
  assert.deepEqual(skyImageSvg(map, { colormap: "RdBu_r", vmin: -1, vmax: 3 }).layout.valueRange, [-1, 3]);
  assert.throws(() => skyImageSvg(map, { vmin: 3, vmax: 1 }), /invalid value range vmin=3, vmax=1/);
});

test("a cube is refused with its axes named: plot an image", () => {
  const energy = MapAxis.fromBounds(1, 10, 3, { name: "energy", unit: "TeV", interp: "log" });
  const cube = WcsNDMap.fromGeom(WcsGeom.create({ skydir: [...CRAB], width: 1, binsz: 0.1, axes: [energy] }));
  assert.throws(() => skyImageSvg(cube), /3 image planes \(axes energy 3\); sum or slice it to one image first/);
});

test("smoothMap is scipy's gaussian_filter on real counts (gammapy's map.smooth)", {
  skip: hasAstropy ? false : "python3 with scipy not available",
}, () => {
  const counts = crabCounts().cutout(new SkyCoord(...CRAB), 1);
  const smoothed = smoothMap(counts, "0.05 deg");
  const script = [
    "import sys, json, numpy as np",
    "from scipy.ndimage import gaussian_filter",
    "nx, ny, sigma, data = json.loads(sys.stdin.read())",
    "print(json.dumps(gaussian_filter(np.array(data, float).reshape(ny, nx), sigma).ravel().tolist()))",
  ].join("\n");
  const input = JSON.stringify([counts.geom.nx, counts.geom.ny, 0.05 / 0.02, Array.from(counts.data)]);
  const result = spawnSync(python, ["-c", script], { input, encoding: "utf8", maxBuffer: 1 << 26 });
  assert.equal(result.status, 0, result.stderr);
  const expected: number[] = JSON.parse(result.stdout);
  let worst = 0;
  expected.forEach((e, i) => {
    worst = Math.max(worst, Math.abs(smoothed.data[i] - e));
  });
  assert.ok(worst < 1e-12, `max |Δ| = ${worst}`);
  assert.ok(Math.abs(smoothed.sum() - counts.sum()) < 1e-9 * counts.sum(), "reflect edges keep the total");
  assert.throws(() => smoothMap(counts, -1), /finite angle or pixel count ≥ 0, got -1/);
});

test("a figure for a page: alt as its <title>, role and aria-label, escaped; its clip path's id prefixed", () => {
  const map = WcsNDMap.fromGeom(WcsGeom.create({ skydir: [...CRAB], width: 1, binsz: 0.1 }));
  const { svg } = skyImageSvg(map, { alt: 'counts of <b>"x"</b> & y', idPrefix: "fig3-" });
  assert.match(svg, /^<svg [^>]*role="img" aria-label="counts of &#60;b&#62;&#34;x&#34;&#60;\/b&#62; &#38; y">/);
  assert.match(svg, /^<svg[^>]*><title>counts of &#60;b&#62;&#34;x&#34;&#60;\/b&#62; &#38; y<\/title>/);
  assert.match(svg, /<clipPath id="fig3-map-area">/);
  assert.match(svg, /clip-path="url\(#fig3-map-area\)"/);
  assert.doesNotMatch(svg, /id="map-area"|<b>/);
  const plain = skyImageSvg(map).svg;
  assert.doesNotMatch(plain, /role=|aria-label|<title>/);
  assert.match(plain, /<clipPath id="map-area">/);
});

test("figures of one geometry share their axes, and draw the same as when drawn first", () => {
  const counts = crabCounts();
  const background = counts.copy();
  for (let i = 0; i < background.data.length; i++) background.data[i] = 0.5 * counts.data[i] + 1;
  // another geometry's figure first: its axes are its own
  const other = WcsNDMap.fromGeom(WcsGeom.create({ skydir: [...CRAB], width: 3, binsz: 0.02 }));
  const first = skyImageSvg(other).layout.axes;
  const countsFigure = skyImageSvg(counts);
  const backgroundFigure = skyImageSvg(background);
  assert.equal(backgroundFigure.layout.axes, countsFigure.layout.axes);
  assert.notEqual(countsFigure.layout.axes, first);
  // the same WCS and size as a new geometry object: the same figure as from the shared axes
  const again = WcsNDMap.fromGeom(crabGeom(), { data: background.data });
  assert.equal(skyImageSvg(again).svg, backgroundFigure.svg);
});
