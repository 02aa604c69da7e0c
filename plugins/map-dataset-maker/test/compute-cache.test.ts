import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import {
  ComputeCache,
  DataStore,
  MapAxis,
  MapDataset,
  setDefaultComputeCache,
  WcsGeom,
  type WcsNDMap,
} from "@gammaflow/core";
import { toStorePath } from "@gammaflow/core/node";
import { MapDatasetMaker } from "../src/map-dataset-maker.js";
import { REPO } from "./stores.js";

const RUNS = [23523, 23592, 23526, 23559];

function sameBits(a: WcsNDMap["data"], b: WcsNDMap["data"], what: string): void {
  assert.equal(a.length, b.length, `${what}: length`);
  const bytes = (m: WcsNDMap["data"]) => new Uint8Array(m.buffer, m.byteOffset, m.byteLength);
  assert.ok(Buffer.compare(bytes(a), bytes(b)) === 0, `${what}: not bit for bit the same`);
}

/**
 * The README's reduction (the 4 bundled Crab runs, cut out, reduced, stacked) twice over, with
 * `cache` as the process default or passed to the maker: each run's maps and the stack's.
 */
function reduce(cache: ComputeCache, explicit: boolean): WcsNDMap[] {
  const previous = setDefaultComputeCache(explicit ? new ComputeCache() : cache);
  try {
    const store = DataStore.fromDir(toStorePath(path.join(REPO, "data/hess-dl3-dr1")));
    const energy = MapAxis.fromBounds(1, 10, 11, { name: "energy", unit: "TeV", interp: "log" });
    const geom = WcsGeom.create({ skydir: [83.63, 22.01], axes: [energy], width: 5, binsz: 0.02 });
    const maker = new MapDatasetMaker(explicit ? { cache } : {});
    const maps: WcsNDMap[] = [];
    // the second pass meets the first's entries, or their evictions
    for (let pass = 0; pass < 2; pass++) {
      const stacked = MapDataset.create(geom, { name: "stacked" });
      for (const obs of store.getObservations(RUNS)) {
        const run = maker.run(stacked.cutout(obs.pointingRadec, "6 deg"), obs);
        maps.push(run.exposure!, run.background!, run.psf!.psfMap, run.edisp!.edispMap);
        stacked.stack(run);
      }
      maps.push(stacked.counts, stacked.exposure!, stacked.background!, stacked.psf!.psfMap, stacked.edisp!.edispMap);
    }
    return maps;
  } finally {
    setDefaultComputeCache(previous);
  }
}

test("a reduction with a tiny cache cap (evictions throughout) gives bit for bit the maps of the default cap", () => {
  const reference = reduce(new ComputeCache(), false);
  for (const explicit of [false, true]) {
    // a few entries of a cutout's size at a time: most are evicted before their reuse
    const tiny = new ComputeCache({ maxBytes: 4 * 2 ** 20, maxEntryBytes: 4 * 2 ** 20 });
    const maps = reduce(tiny, explicit);
    const stats = tiny.stats();
    assert.ok(stats.evictions > 20 && stats.hits > 0, `evictions and hits: ${JSON.stringify(stats)}`);
    assert.ok(stats.bytes <= 4 * 2 ** 20);
    for (const ns of ["prepared background irfs", "background fov coordinates", "irf offset cells"]) {
      assert.ok(stats.namespaces[ns]?.misses > 0, `${ns} goes through the given cache`);
    }
    const which = explicit ? "maker's cache" : "default cache";
    for (const [i, m] of maps.entries()) sameBits(m.data, reference[i].data, `map ${i} (${which})`);
  }
  // nothing kept at all: every value recomputed
  const none = new ComputeCache({ maxBytes: 0 });
  for (const [i, m] of reduce(none, false).entries()) sameBits(m.data, reference[i].data, `map ${i}, nothing kept`);
  assert.equal(none.stats().hits, 0);
});
