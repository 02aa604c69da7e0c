/**
 * The main job until the makers exist: read the bundled H.E.S.S. Crab run 23592 and print
 * the summary of its counts map on the geometry of the gammapy.cube documentation examples.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { MapAxis, WcsGeom, WcsNDMap } from "@gammaflow/core";
import { readFits, writeMap } from "@gammaflow/core/node";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const obsId = 23592;
const file = path.join(repoRoot, "data", "hess-dl3-dr1", "data", `hess_dl3_dr1_obs_id_0${obsId}.fits.gz`);

const started = performance.now();
const events = readFits(file).table("EVENTS");

const energyAxis = MapAxis.fromBounds(1, 10, 11, { name: "energy", unit: "TeV", interp: "log" });
const geom = WcsGeom.create({ skydir: [83.63, 22.01], axes: [energyAxis], width: 5, binsz: 0.02 });
const counts = WcsNDMap.fromGeom(geom);
counts.fillEvents({
  lon: events.columnAsFloat64("RA"),
  lat: events.columnAsFloat64("DEC"),
  columns: { energy: events.columnAsFloat64("ENERGY") },
});
const elapsed = performance.now() - started;

const image = counts.sumOverAxes();
let total = 0;
let maxIndex = 0;
image.data.forEach((v, i) => {
  total += v;
  if (v > image.data[maxIndex]) maxIndex = i;
});
const [maxLon, maxLat] = geom.wcs.pixToWorld1(maxIndex % geom.nx, Math.floor(maxIndex / geom.nx));
const perBin = counts.geom.axes[0].center.map((_, k) => counts.getImageByIdx([k]).sum());
const edges = energyAxis.edges;

console.log(`H.E.S.S. DL3 DR1 run ${obsId}: ${events.nrows} events (${path.relative(repoRoot, file)})\n`);
console.log(geom.toString());
console.log();
console.log(counts.toString());
console.log();
console.log(`Counts in the map: ${total}`);
console.log("Counts per energy bin:");
perBin.forEach((n, k) => console.log(`  ${edges[k].toFixed(3).padStart(7)} – ${edges[k + 1].toFixed(3).padStart(7)} TeV : ${n}`));
console.log(`Brightest pixel: ${image.data[maxIndex]} counts at RA ${maxLon.toFixed(3)}°, Dec ${maxLat.toFixed(3)}°`);
const out = path.join(repoRoot, "out", `counts_${obsId}.fits.gz`);
await import("node:fs").then((fs) => fs.mkdirSync(path.dirname(out), { recursive: true }));
writeMap(counts, out, { hdu: "counts" });
console.log(`\nRead and binned in ${elapsed.toFixed(0)} ms; counts map written to ${path.relative(repoRoot, out)}`);
