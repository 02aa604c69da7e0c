// The machine's own ceiling for parallel reduction, beside bench/workers.mjs: the 21 PKS 2155-304
// runs reduced in one process, then split over two separate processes (no threads, no pool). If
// two processes do not reach ~2×, the cores (or memory bandwidth) of this machine are the limit,
// not the worker pool.
import { spawnSync, spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const part = process.argv[2];

if (part === undefined) {
  const t1 = performance.now();
  spawnSync(process.execPath, [fileURLToPath(import.meta.url), "0", "1"], { stdio: "inherit" });
  const one = performance.now() - t1;
  const t2 = performance.now();
  await Promise.all(
    ["0", "1"].map(
      (p) =>
        new Promise((resolve) =>
          spawn(process.execPath, [fileURLToPath(import.meta.url), p, "2"], { stdio: "inherit" }).on("close", resolve),
        ),
    ),
  );
  const two = performance.now() - t2;
  console.log(
    `one process ${(one / 1000).toFixed(2)} s, two processes ${(two / 1000).toFixed(2)} s: ` +
      `speed-up ${(one / two).toFixed(2)}× (the best a 2-worker pool can do here)`,
  );
} else {
  const { DataStore, MapAxis, MapDataset, WcsGeom } = await import("@gammaflow/core");
  const { toStorePath } = await import("@gammaflow/core/node");
  const { gammapyDataDir } = await import("@gammaflow/core/node");
  const { MapDatasetMaker } = await import("@gammaflow/map-dataset-maker");
  const store = DataStore.fromDir(toStorePath(path.join(gammapyDataDir(path.resolve(here, "..")), "hess-dl3-dr1")));
  const ids = store.obsTable
    .selectTargetName("PKS 2155-304")
    .obsIds.filter((_, i) => i % Number(process.argv[3]) === Number(part));
  const energy = MapAxis.fromBounds(1, 10, 11, { name: "energy", unit: "TeV", interp: "log" });
  const target = MapDataset.create(
    WcsGeom.create({ skydir: [329.71694, -30.2255], axes: [energy], width: 5, binsz: 0.02 }),
  );
  const maker = new MapDatasetMaker();
  for (const obs of store.getObservations(ids)) maker.run(target.cutout(obs.pointingRadec, "6 deg"), obs);
}
