// HDU-by-HDU comparison of two FITS files: same HDUs, same header cards (CHECKSUM/DATASUM aside),
// same data; floats within a few units in the last place of their type.
import { BinTableHdu, type FitsFile, ImageHdu } from "@gammaflow/core";

/** Relative tolerance of a float type: 4 ulp (the last bits of exp/log differ between V8 versions). */
const TOLERANCE = { f32: 4 * 2 ** -23, f64: 4 * 2 ** -52 };
const CHECKSUMS = new Set(["CHECKSUM", "DATASUM"]);

export interface HduDifferences {
  /** Problems beyond the tolerance, each naming the HDU, card or column. */
  problems: string[];
  /** Float values that differ within the tolerance, by HDU name. */
  withinTolerance: Record<string, number>;
}

export function compareFits(actual: FitsFile, expected: FitsFile): HduDifferences {
  const problems: string[] = [];
  const withinTolerance: Record<string, number> = {};
  if (actual.hdus.length !== expected.hdus.length)
    problems.push(`${actual.hdus.length} HDUs, expected ${expected.hdus.length}`);
  expected.hdus.forEach((want, i) => {
    const got = actual.hdus[i];
    if (!got) return;
    const where = `HDU ${i} (${want.name || "primary"})`;
    const cards = (h: typeof want) => h.header.cards.filter((c) => !CHECKSUMS.has(c.key));
    const [a, b] = [cards(got), cards(want)];
    if (a.length !== b.length) problems.push(`${where}: ${a.length} cards, expected ${b.length}`);
    let near = 0;
    b.forEach((card, j) => {
      const other = a[j];
      if (other?.key !== card.key) problems.push(`${where}: card ${j} is ${other?.key}, expected ${card.key}`);
      else if (typeof card.value === "number" && typeof other.value === "number") {
        if (!close(other.value, card.value, TOLERANCE.f64))
          problems.push(`${where} ${card.key}: ${other.value} ≠ ${card.value}`);
        else if (other.value !== card.value) near++;
      } else if (other.value !== card.value)
        problems.push(`${where} ${card.key}: ${String(other.value)} ≠ ${String(card.value)}`);
    });
    if (want instanceof ImageHdu && got instanceof ImageHdu)
      near += compareArrays(got.data(), want.data(), `${where} data`, problems);
    if (want instanceof BinTableHdu && got instanceof BinTableHdu)
      for (const { name } of want.columns)
        near += compareArrays(got.column(name), want.column(name), `${where} column ${name}`, problems);
    if (near) withinTolerance[want.name] = near;
  });
  return { problems, withinTolerance };
}

type Values = ArrayLike<unknown>;

function compareArrays(got: Values, want: Values, where: string, problems: string[]): number {
  if (got.length !== want.length) {
    problems.push(`${where}: ${got.length} values, expected ${want.length}`);
    return 0;
  }
  if (Array.isArray(want) && ArrayBuffer.isView(want[0])) {
    // a vector column: one typed array per row
    let near = 0;
    for (let r = 0; r < want.length; r++)
      near += compareArrays(got[r] as Values, want[r], `${where} row ${r}`, problems);
    return near;
  }
  const tolerance = want instanceof Float32Array ? TOLERANCE.f32 : TOLERANCE.f64;
  const isFloat = want instanceof Float32Array || want instanceof Float64Array;
  let near = 0;
  for (let k = 0; k < want.length; k++) {
    const [x, y] = [got[k], want[k]];
    if (Object.is(x, y)) continue;
    if (isFloat && close(x as number, y as number, tolerance)) near++;
    else {
      problems.push(`${where}[${k}]: ${String(x)} ≠ ${String(y)}`);
      return near;
    }
  }
  return near;
}

function close(x: number, y: number, tolerance: number): boolean {
  return Math.abs(x - y) <= tolerance * Math.max(Math.abs(x), Math.abs(y));
}
