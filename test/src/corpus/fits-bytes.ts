/**
 * Raw FITS bytes for the mutation corpus: HDUs and header cards located by offset, so that a
 * mutation can damage exactly one thing (a card, a size, a byte) and leave the rest as stored.
 * Independent of gammaflow's reader on purpose: the corpus must not share its assumptions.
 */
const BLOCK = 2880;
const CARD = 80;

export interface RawHdu {
  /** Offset of the first header card. */
  start: number;
  /** Offset of the data (the header's end, padded to a block). */
  dataStart: number;
  /** Data bytes the header declares (before padding). */
  dataSize: number;
  /** Offset of the next HDU. */
  end: number;
  name: string;
  cards: Map<string, number>;
}

/** The HDUs of a FITS file as their headers declare them (throws on a file it cannot walk). */
export function rawHdus(bytes: Uint8Array): RawHdu[] {
  const hdus: RawHdu[] = [];
  let at = 0;
  while (at + BLOCK <= bytes.length) {
    const cards = new Map<string, number>();
    let offset = at;
    let ended = false;
    while (offset + CARD <= bytes.length) {
      const key = ascii(bytes, offset, 8).trimEnd();
      if (key === "END") {
        ended = true;
        break;
      }
      if (key && !cards.has(key)) cards.set(key, offset);
      offset += CARD;
    }
    if (!ended) throw new Error(`no END card in the header at ${at}`);
    const dataStart = Math.ceil((offset + CARD) / BLOCK) * BLOCK;
    const value = (key: string) => Number(cardValue(bytes, cards.get(key)));
    const naxis = value("NAXIS");
    let size = naxis > 0 ? 1 : 0;
    for (let i = 1; i <= naxis; i++) size *= value(`NAXIS${i}`);
    const pcount = cards.has("PCOUNT") ? value("PCOUNT") : 0;
    const gcount = cards.has("GCOUNT") ? value("GCOUNT") : 1;
    const dataSize = (Math.abs(value("BITPIX")) / 8) * gcount * (size + pcount);
    const end = dataStart + Math.ceil(dataSize / BLOCK) * BLOCK;
    const name = cards.has("EXTNAME") ? String(cardValue(bytes, cards.get("EXTNAME"))) : hdus.length ? "" : "PRIMARY";
    hdus.push({ start: at, dataStart, dataSize, end, name, cards });
    at = end;
  }
  return hdus;
}

export function hduNamed(bytes: Uint8Array, name: string): RawHdu {
  const hdu = rawHdus(bytes).find((h) => h.name === name);
  if (!hdu) throw new Error(`no HDU ${name}`);
  return hdu;
}

function ascii(bytes: Uint8Array, offset: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(offset, offset + length));
}

/** The value of the card at `offset`: a string without quotes, or the number/logical text. */
export function cardValue(bytes: Uint8Array, offset: number | undefined): string | undefined {
  if (offset === undefined) return undefined;
  const text = ascii(bytes, offset + 10, 70);
  if (text.trimStart().startsWith("'")) return text.trimStart().slice(1).split("'")[0].trimEnd();
  return text.split("/")[0].trim();
}

/** A copy of `bytes` with the card `key` of `hdu` rewritten to `key = value` (a number, or a string quoted). */
export function withCard(bytes: Uint8Array, hduName: string, key: string, value: string | number): Uint8Array {
  const hdu = hduNamed(bytes, hduName);
  const offset = hdu.cards.get(key);
  if (offset === undefined) throw new Error(`no card ${key} in ${hduName}`);
  const text = typeof value === "number" ? String(value).padStart(20) : `'${value.padEnd(8)}'`;
  return withText(bytes, offset, `${key.padEnd(8)}= ${text}`.padEnd(CARD));
}

/** A copy with `text` written at `offset` (ASCII). */
export function withText(bytes: Uint8Array, offset: number, text: string): Uint8Array {
  const out = bytes.slice();
  for (let i = 0; i < text.length; i++) out[offset + i] = text.charCodeAt(i) & 0xff;
  return out;
}

/** A copy with bit `bit` of the byte at `offset` flipped. */
export function withFlippedBit(bytes: Uint8Array, offset: number, bit = 0): Uint8Array {
  const out = bytes.slice();
  out[offset] ^= 1 << bit;
  return out;
}

/** The 1-based index of column `name` in a table HDU (TTYPEn). */
export function columnIndex(bytes: Uint8Array, hduName: string, name: string): number {
  const hdu = hduNamed(bytes, hduName);
  for (const [key, offset] of hdu.cards) {
    if (/^TTYPE\d+$/.test(key) && cardValue(bytes, offset)?.toUpperCase() === name) return Number(key.slice(5));
  }
  throw new Error(`no column ${name} in ${hduName}`);
}
