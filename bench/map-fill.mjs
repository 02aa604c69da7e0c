// Fill 1e6 events into a 250×250×11 counts map: gammaflow vs gammapy 1.0 on the same events.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { MapAxis, WcsGeom, WcsNDMap } from "@gammaflow/core";
import { bestOf, pythonBestMs, report } from "./common.mjs";

const N = 1_000_000;
let seed = 12345;
const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const ra = new Float64Array(N),
  dec = new Float64Array(N),
  energy = new Float64Array(N);
for (let i = 0; i < N; i++) {
  ra[i] = 83.63 + (random() - 0.5) * 6;
  dec[i] = 22.01 + (random() - 0.5) * 6;
  energy[i] = 0.5 * 40 ** random();
}
const dir = mkdtempSync(path.join(tmpdir(), "gammaflow-bench-"));
for (const [name, arr] of [
  ["ra", ra],
  ["dec", dec],
  ["energy", energy],
])
  writeFileSync(path.join(dir, name), arr);

const axis = MapAxis.fromBounds(1, 10, 11, { name: "energy", unit: "TeV", interp: "log" });
const geom = WcsGeom.create({ skydir: [83.63, 22.01], axes: [axis], width: 5, binsz: 0.02 });
let total = 0;
const ours = await bestOf(5, () => {
  const m = WcsNDMap.fromGeom(geom);
  m.fillEvents({ lon: ra, lat: dec, columns: { energy } });
  total = m.sum();
});

const reference = pythonBestMs(`
import time, numpy as np
from gammapy.maps import Map, MapAxis, WcsGeom
d = ${JSON.stringify(dir)}
ra, dec, energy = [np.fromfile(d + "/" + n) for n in ("ra", "dec", "energy")]
axis = MapAxis.from_bounds(1, 10, nbin=11, name="energy", unit="TeV", interp="log")
geom = WcsGeom.create(skydir=(83.63, 22.01), axes=[axis], width=5, binsz=0.02)
best = 1e99
for i in range(4):
    t0 = time.perf_counter()
    m = Map.from_geom(geom)
    m.fill_by_coord({"lon": ra, "lat": dec, "energy": energy})
    best = min(best, time.perf_counter() - t0)
assert m.data.sum() == ${total}, (m.data.sum(), ${total})
print(best * 1e3)
`);
report(`fill 1e6 events into 250×250×11 (${total} in map)`, ours, reference, "gammapy 1.0");
