// `@gammaflow/core/testing`: helpers for parity tests against reference numbers (sampled maps, plane sums,
// filled datasets). Built on node:assert, so kept out of the runtime entries.
import assert from "node:assert/strict";
import { appendFileSync, copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { MapDataset } from "../datasets/index.js";
import type { WcsGeom, WcsNDMap } from "../maps/index.js";

/** Sum of each image plane (finite values only). */
export function planeSums(map: WcsNDMap): number[] {
  const n = map.geom.imageSize;
  return Array.from({ length: map.data.length / n }, (_, p) => {
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const v = map.data[p * n + i];
      if (Number.isFinite(v)) sum += v;
    }
    return sum;
  });
}

/**
 * Every `step`-th pixel in x and y of every plane, and of the first non-spatial axis only
 * every `axisStep`-th bin (numpy's `data[..., ::axisStep, ::step, ::step]` for 4-D maps).
 */
export function sampleMap(map: WcsNDMap, step: number, axisStep = 1): number[] {
  const { nx, ny, imageSize } = map.geom;
  const n0 = map.geom.axes[0]?.nbin ?? 1;
  const out: number[] = [];
  for (let p = 0; p < map.data.length / imageSize; p++) {
    if ((p % n0) % axisStep !== 0) continue;
    for (let y = 0; y < ny; y += step) for (let x = 0; x < nx; x += step) out.push(map.data[(p * ny + y) * nx + x]);
  }
  return out;
}

/** Reference numbers for one map: shape, sampled values and plane sums. */
export interface SampledMap {
  shape: number[];
  sample: number[];
  planeSums: number[];
}

/**
 * Sampled values within `rtol` relative (with a floor of 1e-9 of the largest value for
 * near-zero ones) and plane sums within `sumRtol` (default `rtol`), relative to the sum
 * itself or, with `sumFloor`, at least to that same floor.
 */
export function assertMapClose(
  map: WcsNDMap,
  want: SampledMap,
  options: { step: number; axisStep?: number; rtol: number; sumRtol?: number; what: string; sumFloor?: boolean },
): void {
  const { step, axisStep = 1, rtol, what } = options;
  assert.deepEqual(map.geom.dataShape, want.shape, `${what} shape`);
  const values = sampleMap(map, step, axisStep);
  const scale = Math.max(...want.sample.map(Math.abs));
  const floor = 1e-9 * scale;
  assert.equal(values.length, want.sample.length, `${what}: sample size`);
  want.sample.forEach((e, i) =>
    assert.ok(Math.abs(values[i] - e) <= rtol * Math.max(Math.abs(e), floor), `${what}[${i}]: ${values[i]} vs ${e}`),
  );
  const sumRtol = options.sumRtol ?? rtol;
  planeSums(map).forEach((s, p) => {
    const e = want.planeSums[p];
    const reference = options.sumFloor ? Math.max(Math.abs(e), floor) : Math.abs(e);
    assert.ok(Math.abs(s - e) <= sumRtol * reference, `${what} plane ${p}: ${s} vs ${e}`);
  });
}

/** A dataset on `geom` with `counts` in every bin, background 0.5 and a safe mask everywhere. */
export function filledDataset(geom: WcsGeom, counts: number, name: string): MapDataset {
  const d = MapDataset.create(geom, { name });
  d.counts.data.fill(counts);
  d.background!.data.fill(0.5);
  d.maskSafe!.data.fill(1);
  return d;
}

export { copyFitsWithEdits, copyStoreWithEditedRun, type EditableTable } from "./edited-run.js";

/**
 * Copy a data store into `folder` as a slow copy of several runs in progress: the index files
 * first, whole, then every other file growing in `chunkBytes` pieces, one piece of each file in
 * turn, `pauseMs` between turns (a watched folder sees index entries for half-written files).
 */
export async function copyStoreInChunks(
  store: string,
  folder: string,
  options: { chunkBytes?: number; pauseMs?: number } = {},
): Promise<void> {
  const { chunkBytes = 64 * 1024, pauseMs = 20 } = options;
  const files = filesUnder(store);
  const isIndex = (f: string) => /^(hdu|obs)-index\.fits(\.gz)?$/.test(path.basename(f));
  for (const file of files.filter(isIndex)) copyFileSync(path.join(store, file), path.join(folder, file));
  const growing = files
    .filter((f) => !isIndex(f))
    .map((f) => ({ target: path.join(folder, f), bytes: readFileSync(path.join(store, f)) }));
  for (const { target } of growing) {
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, new Uint8Array(0));
  }
  for (let offset = 0; growing.some((g) => offset < g.bytes.length); offset += chunkBytes) {
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
    for (const g of growing)
      if (offset < g.bytes.length) appendFileSync(g.target, g.bytes.subarray(offset, offset + chunkBytes));
  }
}

/** Paths of the files under `dir`, relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

export { TestData } from "./test-data.js";
