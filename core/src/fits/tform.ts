import { KIND_BYTES, type NumericKind } from "./codec.js";
import { FitsError, type FitsContext } from "./errors.js";

/** A parsed binary-table column format (TFORMn). */
export interface ColumnFormat {
  code: "L" | "X" | "B" | "I" | "J" | "K" | "E" | "D" | "A" | "C" | "M" | "P" | "Q";
  repeat: number;
  /** Bytes per row. */
  width: number;
  /** Element type of P/Q variable-length arrays. */
  vlaCode?: string;
}

const SIZES: Record<string, number> = { L: 1, B: 1, I: 2, J: 4, K: 8, E: 4, D: 8, A: 1, C: 8, M: 16 };

export const NUMERIC_KIND: Partial<Record<ColumnFormat["code"], NumericKind>> = {
  B: "u8",
  I: "i16",
  J: "i32",
  K: "i64",
  E: "f32",
  D: "f64",
};

export function parseTform(tform: string, ctx: FitsContext): ColumnFormat {
  const m = /^\s*(\d*)([LXBIJKEDACMPQ])(.*)$/.exec(tform.toUpperCase());
  if (!m) throw new FitsError(`unknown TFORM '${tform}'`, ctx);
  const repeat = m[1] === "" ? 1 : Number(m[1]);
  if (!Number.isSafeInteger(repeat)) throw new FitsError(`TFORM '${tform}': repeat count too large`, ctx);
  const code = m[2] as ColumnFormat["code"];
  if (code === "P" || code === "Q") {
    const vla = /^([LXBIJKEDACM])(\(\d+\))?\s*$/.exec(m[3]);
    if (!vla) throw new FitsError(`unknown TFORM '${tform}'`, ctx);
    return { code, repeat, width: repeat * (code === "P" ? 8 : 16), vlaCode: vla[1] };
  }
  if (m[3].trim() !== "" && code !== "A") throw new FitsError(`unknown TFORM '${tform}'`, ctx);
  const width = code === "X" ? Math.ceil(repeat / 8) : repeat * SIZES[code];
  return { code, repeat, width };
}

export function elementBytes(code: string): number {
  const kind = NUMERIC_KIND[code as ColumnFormat["code"]];
  return kind ? KIND_BYTES[kind] : (SIZES[code] ?? 1);
}

/**
 * TDIM "(a,b,c)" → [a, b, c] in FITS order (first index fastest): positive integers whose
 * product is the column's repeat count (code A included: the first is the string length).
 */
export function parseTdim(tdim: string, format: ColumnFormat, ctx: FitsContext): number[] {
  const m = /^\s*\(([\d\s,]+)\)\s*$/.exec(tdim);
  const dims = m ? m[1].split(",").map((s) => Number(s.trim())) : [];
  if (!m || dims.some((n) => !Number.isSafeInteger(n) || n < 1)) {
    throw new FitsError(`cannot parse TDIM '${tdim}' (positive integers, e.g. '(3,2)')`, ctx);
  }
  // variable-length arrays: TDIM describes the heap array, whose length varies per row
  if (format.code === "P" || format.code === "Q") return dims;
  const product = dims.reduce((a, b) => a * BigInt(b), 1n); // exact however large
  if (product !== BigInt(format.repeat)) {
    throw new FitsError(`TDIM '${tdim}' holds ${product} values but the TFORM repeat count is ${format.repeat}`, ctx);
  }
  return dims;
}
