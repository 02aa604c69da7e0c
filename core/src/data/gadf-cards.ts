import type { Card } from "../fits/index.js";
import type { TimeRef } from "./gti.js";

/** HDUCLAS1 (and HDUCLAS2), HDUDOC, HDUVERS, HDUCLASS: the GADF class keywords, in gammapy's order. */
export function gadfClassCards(class1: string, class2?: string): Card[] {
  return [
    { key: "HDUCLAS1", value: class1 },
    ...(class2 ? [{ key: "HDUCLAS2", value: class2 }] : []),
    { key: "HDUDOC", value: "https://github.com/open-gamma-ray-astro/gamma-astro-data-formats" },
    { key: "HDUVERS", value: "0.2" },
    { key: "HDUCLASS", value: "GADF" },
  ];
}

/** MJDREFI, MJDREFF, TIMEUNIT, TIMESYS, TIMEREF: times in seconds after a reference. */
export function timeReferenceCards(ref: TimeRef): Card[] {
  return [
    { key: "MJDREFI", value: ref.mjdInt },
    { key: "MJDREFF", value: ref.mjdFrac, real: true },
    { key: "TIMEUNIT", value: "s" },
    { key: "TIMESYS", value: ref.scale },
    { key: "TIMEREF", value: "LOCAL" },
  ];
}

const MJD_ZERO_MS = Date.UTC(1858, 10, 17);

/** The calendar date (YYYY-MM-DD, in the reference's time scale) `seconds` after a reference. */
export function mjdDate(ref: TimeRef, seconds: number): string {
  const day = ref.mjdInt + Math.floor(ref.mjdFrac + seconds / 86400);
  return new Date(MJD_ZERO_MS + day * 86400_000).toISOString().slice(0, 10);
}
