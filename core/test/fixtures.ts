import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { MapDataset } from "../src/datasets/index.js";
import type { WcsNDMap } from "../src/maps/index.js";
import { TestData } from "../src/nodejs/test-data.js";

/** The repository root, from core/dist/test/<file>.js. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

/** The public data: the bundled runs, else $GAMMAPY_DATA (default ../shared/gammapy-data beside the repo). */
export const DATA = new TestData(REPO_ROOT);

/** The bundled H.E.S.S. DR1 subset (4 Crab runs). */
export const BUNDLED_HESS = path.join(REPO_ROOT, "data", "hess-dl3-dr1");

/** A dataset's maps by the HDU names gammapy writes them under (undefined where it has none). */
export function datasetMaps(d: MapDataset): Record<string, WcsNDMap | undefined> {
  return {
    COUNTS: d.counts,
    EXPOSURE: d.exposure,
    BACKGROUND: d.background,
    PSF: d.psf?.psfMap,
    PSF_EXPOSURE: d.psf?.exposureMap,
    EDISP: d.edisp?.edispMap,
    EDISP_EXPOSURE: d.edisp?.exposureMap,
    MASK_SAFE: d.maskSafe,
    MASK_FIT: d.maskFit,
  };
}

export function fixturePath(...parts: string[]): string {
  return path.join(REPO_ROOT, "core", "test", "fixtures", ...parts);
}

export function readFixture<T = any>(name: string): T {
  return JSON.parse(readFileSync(fixturePath(name), "utf8")) as T;
}

/** Largest |a-b| over arrays, with null/NaN required to match. */
export function maxAbsDiff(actual: ArrayLike<number>, expected: ArrayLike<number | null>, wrap = 0): number {
  let max = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i];
    const a = actual[i];
    if (e === null || Number.isNaN(e)) {
      if (!Number.isNaN(a)) return Infinity;
      continue;
    }
    let d = Math.abs(a - e);
    if (wrap) d = Math.min(d, Math.abs(d - wrap));
    if (!(d <= max)) max = Number.isNaN(d) ? Infinity : d;
  }
  return max;
}

/** A small deterministic pseudo-random sequence in [0, 1). */
export function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Equal lengths and every value the same number (NaN equal to NaN, −0 apart from 0). */
export function sameBits(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  assert.equal(a.length, b.length, `${what}: lengths`);
  for (let i = 0; i < a.length; i++) assert.ok(Object.is(a[i], b[i]), `${what}[${i}]: ${a[i]} vs ${b[i]}`);
}
