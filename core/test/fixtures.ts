import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root, from core/dist/test/<file>.js. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

/** The full gammapy-data folder: $GAMMAPY_DATA, default ../shared/gammapy-data beside the repo. */
export const GAMMAPY_DATA = process.env.GAMMAPY_DATA ?? path.resolve(REPO_ROOT, "../shared/gammapy-data");

/** The bundled H.E.S.S. DR1 subset (4 Crab runs). */
export const BUNDLED_HESS = path.join(REPO_ROOT, "data", "hess-dl3-dr1");

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
