import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";

/** An array written by scripts/fixtures/ring_background.py: little-endian bytes, base64. */
export interface PackedArray {
  dtype: "float32" | "float64" | "uint8" | "int64";
  shape: number[];
  b64: string;
}

export function unpack(packed: PackedArray): ArrayLike<number> {
  const bytes = Buffer.from(packed.b64, "base64");
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  switch (packed.dtype) {
    case "float32":
      return new Float32Array(buffer);
    case "float64":
      return new Float64Array(buffer);
    case "uint8":
      return new Uint8Array(buffer);
    default:
      throw new Error(`fixture: unexpected dtype ${packed.dtype}`);
  }
}

const here = path.dirname(fileURLToPath(import.meta.url));
// dist/test → the package's test/fixtures (fixtures are not compiled)
const fixturePath = path.resolve(here, "../../test/fixtures/ring_background.json.gz");

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const fixture: any = JSON.parse(gunzipSync(readFileSync(fixturePath)).toString("utf8"));

/**
 * Compare with gammapy: |got − want| ≤ rtol·|want| + floor, NaN where gammapy has NaN.
 * Returns the largest relative difference among the values above the floor.
 */
export function compareImages(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  rtol: number,
  floor: number,
  what: string,
): number {
  if (got.length !== want.length) throw new Error(`${what}: ${got.length} values, gammapy has ${want.length}`);
  let maxRel = 0;
  for (let i = 0; i < want.length; i++) {
    const g = got[i];
    const w = want[i];
    if (Number.isNaN(w) || Number.isNaN(g)) {
      if (!(Number.isNaN(w) && Number.isNaN(g)))
        throw new Error(`${what}[${i}]: ${g} vs gammapy ${w} (NaN pattern differs)`);
      continue;
    }
    const diff = Math.abs(g - w);
    if (diff > rtol * Math.abs(w) + floor)
      throw new Error(`${what}[${i}]: ${g} vs gammapy ${w} (diff ${diff}, rtol ${rtol}, floor ${floor})`);
    if (Math.abs(w) > floor) maxRel = Math.max(maxRel, diff / Math.abs(w));
  }
  return maxRel;
}

/** The largest finite |value| of an image. */
export function maxAbs(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) m = Math.max(m, Math.abs(values[i]));
  return m;
}
