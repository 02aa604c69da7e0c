// Write maps with gammaflow for scripts/check_map_interop.py (gammapy reads them back).
// Usage: npm run build && node scripts/write-interop-maps.mjs DIR && /usr/bin/python3 scripts/check_map_interop.py DIR
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { MapAxis, WcsGeom, WcsNDMap } from "@gammaflow/core";
import { writeMap } from "@gammaflow/core/node";

const dir = process.argv[2] ?? "out/interop-maps";
mkdirSync(dir, { recursive: true });
const energy = MapAxis.fromBounds(1, 10, 11, { name: "energy", unit: "TeV", interp: "log" });
const energyTrue = MapAxis.fromEnergyBounds(0.3, 30, 5, { unit: "TeV", name: "energy_true" });
const rad = MapAxis.fromBounds(0, 0.66, 6, { name: "rad", unit: "deg" });
const migra = MapAxis.fromBounds(0.2, 5, 8, { name: "migra", unit: "" });
const foo = MapAxis.fromNodes([1, 2, 4], { name: "foo", unit: "m", interp: "log" });
const cases = [
  [
    "counts-crab",
    { skydir: [83.63, 22.01], width: 1, binsz: 0.1, axes: [energy] },
    "float32",
    "",
    "counts",
    "counts-crab.fits",
  ],
  [
    "exposure-gz",
    { skydir: [83.63, 22.01], width: [0.8, 0.5], binsz: 0.1, axes: [energyTrue] },
    "float64",
    "m2 s",
    "exposure",
    "exposure.fits.gz",
  ],
  [
    "psf-gal-tan",
    { skydir: [184.56, -5.78], frame: "galactic", proj: "TAN", width: [0.5, 0.3], binsz: 0.1, axes: [rad, energyTrue] },
    "float32",
    "sr-1",
    "psf",
    "psf.fits",
  ],
  [
    "edisp-ait",
    { skydir: [10, 5], frame: "galactic", proj: "AIT", width: [0.6, 0.4], binsz: 0.2, axes: [migra, energyTrue] },
    "float32",
    "",
    "edisp",
    "edisp.fits",
  ],
  [
    "mask-sin",
    { skydir: [329.72, -30.22], proj: "SIN", width: [0.5, 0.4], binsz: 0.1 },
    "bool",
    "",
    "mask_safe",
    "mask.fits",
  ],
  [
    "primary-center",
    { skydir: [0, 0], width: [0.3, 0.2], binsz: 0.1, axes: [foo] },
    "float32",
    "cm-2 s-1",
    null,
    "primary.fits",
  ],
];
const expected = [];
for (const [name, spec, dtype, unit, hdu, file] of cases) {
  const geom = WcsGeom.create(spec);
  const map = WcsNDMap.fromGeom(geom, { dtype, unit, meta: { case: name } });
  map.data.forEach((_, i) => (map.data[i] = dtype === "bool" ? (i * 7) % 3 === 0 : Math.fround(Math.sin(i) * 100)));
  writeMap(map, path.join(dir, file), { hdu: hdu ?? undefined });
  expected.push({
    name,
    file,
    hdu,
    dtype,
    unit,
    dataShape: geom.dataShape,
    wcs: {
      ctype: [...geom.wcs.params.ctype],
      crval: [...geom.wcs.crval],
      crpix: [...geom.wcs.crpix],
      cdelt: [...geom.wcs.cdelt],
    },
    axes: geom.axes.map((a) => ({
      name: a.name,
      nodeType: a.nodeType,
      interp: a.interp,
      unit: a.unit,
      edges: [...a.edges],
    })),
    data: [...map.data],
  });
}
writeFileSync(path.join(dir, "expected.json"), JSON.stringify(expected));
console.log(`wrote ${cases.length} maps to ${dir}`);
