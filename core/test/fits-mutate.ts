// Mutated copies of a bundled H.E.S.S. run, written to a temp dir, for the hostile-input tests.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { FitsError, FitsFile } from "../src/fits/index.js";
import { BUNDLED_HESS } from "./fixtures.js";

export const RUN_23523 = path.join(BUNDLED_HESS, "data", "hess_dl3_dr1_obs_id_023523.fits.gz");

/** Run 23523 inflated: PRIMARY, EVENTS, GTI, AEFF, EDISP, PSF, BKG. */
export const run23523 = gunzipSync(readFileSync(RUN_23523));

/** Byte offset where each HDU of run 23523 starts. */
export const hduStarts = (() => {
  const starts: number[] = [];
  let at = 0;
  for (const hdu of FitsFile.parse(run23523).hdus) {
    starts.push(at);
    at += hdu.storedSize;
  }
  return starts;
})();

const dir = mkdtempSync(path.join(tmpdir(), "gammaflow-hostile-"));

/** Write bytes to the temp dir; returns the path. */
export function tempFile(name: string, bytes: Uint8Array): string {
  const p = path.join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

/** Offset of the header card `key` of HDU `hdu` in run 23523. */
export function cardOffset(hdu: number, key: string): number {
  const text = new TextDecoder("latin1").decode(run23523);
  for (let at = hduStarts[hdu]; ; at += 80) {
    const card = text.slice(at, at + 80);
    if (card.startsWith(key.padEnd(8)) || (key === "END" && card === "END".padEnd(80))) return at;
    assert.ok(!card.startsWith("END     "), `card ${key} in HDU ${hdu}`);
  }
}

/** A copy of run 23523 with the card `key` of HDU `hdu` replaced by `card` (padded to 80). */
export function withCard(hdu: number, key: string, card: string, bytes: Uint8Array = run23523): Uint8Array {
  const copy = new Uint8Array(bytes);
  const at = cardOffset(hdu, key);
  for (let i = 0; i < 80; i++) copy[at + i] = card.padEnd(80).charCodeAt(i);
  return copy;
}

export function expectFitsError(fn: () => unknown, ...patterns: RegExp[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof FitsError, `a FitsError, got ${String(e)}`);
    for (const p of patterns) assert.match(e.message, p);
    return true;
  });
}
