import { CARD_LENGTH, parseCard, type Card, type HeaderValue } from "./card.js";
import { FitsError, type FitsContext } from "./errors.js";

export const BLOCK = 2880;

/** An HDU header: ordered cards with case-insensitive lookup (the first occurrence wins). */
export class Header {
  readonly cards: Card[];
  private index = new Map<string, number>();

  constructor(cards: Card[] = []) {
    this.cards = [...cards];
    this.reindex();
  }

  private reindex(): void {
    this.index.clear();
    this.cards.forEach((c, i) => {
      const k = c.key.toUpperCase();
      if (c.value !== undefined && !this.index.has(k)) this.index.set(k, i);
    });
  }

  get(key: string): HeaderValue | undefined {
    const i = this.index.get(key.toUpperCase());
    return i === undefined ? undefined : this.cards[i].value;
  }

  has(key: string): boolean {
    return this.index.has(key.toUpperCase());
  }

  set(key: string, value: HeaderValue, comment?: string): void {
    const i = this.index.get(key.toUpperCase());
    if (i === undefined) {
      this.cards.push({ key: key.toUpperCase(), value, comment });
      this.index.set(key.toUpperCase(), this.cards.length - 1);
    } else {
      this.cards[i] = { key: this.cards[i].key, value, comment: comment ?? this.cards[i].comment };
    }
  }

  delete(key: string): void {
    const k = key.toUpperCase();
    for (let i = this.cards.length - 1; i >= 0; i--) if (this.cards[i].key.toUpperCase() === k) this.cards.splice(i, 1);
    this.reindex();
  }

  keys(): string[] {
    return this.cards.filter((c) => c.value !== undefined).map((c) => c.key);
  }

  /** An integer keyword, checked: present, integral and within [min, max]. */
  int(key: string, context: FitsContext, min = -Infinity, max = Infinity, fallback?: number): number {
    const v = this.get(key);
    if (v === undefined || v === null) {
      if (fallback !== undefined) return fallback;
      throw new FitsError(`missing required keyword ${key}`, context);
    }
    const n = typeof v === "bigint" ? Number(v) : v;
    if (typeof n !== "number" || !Number.isInteger(n) || n < min || n > max) {
      throw new FitsError(`keyword ${key} = ${String(v)} is not an integer in [${min}, ${max}]`, {
        ...context,
        where: `card ${key}`,
      });
    }
    return n;
  }

  /** A numeric keyword, or the fallback when absent. */
  num(key: string, fallback: number, context: FitsContext): number {
    const v = this.get(key);
    if (v === undefined || v === null) return fallback;
    const n = typeof v === "bigint" ? Number(v) : v;
    if (typeof n !== "number" || !Number.isFinite(n))
      throw new FitsError(`keyword ${key} = ${String(v)} is not a number`, { ...context, where: `card ${key}` });
    return n;
  }

  str(key: string): string | undefined {
    const v = this.get(key);
    return typeof v === "string" ? v : undefined;
  }
}

/**
 * Read header cards from `bytes` at `offset` up to END. Returns the header and the offset
 * of the data (after the header's 2880-byte blocks); in a prefix of the file, undefined when
 * the header goes on past the bytes there are.
 */
export function readHeader(
  bytes: Uint8Array,
  offset: number,
  context: FitsContext,
  first: "SIMPLE" | "XTENSION",
  prefix = false,
): { header: Header; dataOffset: number } | undefined {
  const cards: Card[] = [];
  let pos = offset;
  const decoder = new TextDecoder("latin1");
  for (;;) {
    if (pos + CARD_LENGTH > bytes.length) {
      if (prefix) return undefined;
      throw new FitsError(
        `header has no END card before the end of the file (truncated at byte ${bytes.length})`,
        context,
      );
    }
    const record = bytes.subarray(pos, pos + CARD_LENGTH);
    const text = decoder.decode(record);
    checkCardBytes(record, text, pos, pos === offset ? first : undefined, context);
    pos += CARD_LENGTH;
    if (text === END_CARD) break;
    const card = parseCard(text, context);
    const last = cards[cards.length - 1];
    if (card.key === "CONTINUE" && last && typeof last.value === "string" && last.value.endsWith("&")) {
      const cont = parseContinue(text, context);
      last.value = last.value.slice(0, -1) + cont.value;
      if (cont.comment) last.comment = cont.comment;
      continue;
    }
    cards.push(card);
  }
  const used = pos - offset;
  const dataOffset = offset + Math.ceil(used / BLOCK) * BLOCK;
  return { header: new Header(cards), dataOffset };
}

const END_CARD = "END".padEnd(CARD_LENGTH);

/**
 * A header card is printable ASCII (32–126); the first is SIMPLE or XTENSION and neither
 * appears later. Data bytes read as a header (wrong NAXISn before, a blanked END) stop here.
 */
function checkCardBytes(
  record: Uint8Array,
  text: string,
  pos: number,
  first: "SIMPLE" | "XTENSION" | undefined,
  context: FitsContext,
): void {
  const key = text.slice(0, 8).trimEnd();
  if (first && key !== first) {
    throw new FitsError(
      `expected the ${first} card at byte ${pos}, found ${describe(record)}: the bytes there are ` +
        "neither an HDU header nor zero padding (wrong NAXISn or PCOUNT in the HDU before?)",
      context,
    );
  }
  const bad = record.findIndex((b) => b < 32 || b > 126);
  if (bad >= 0) {
    throw new FitsError(
      `header card at byte ${pos} has byte 0x${record[bad].toString(16).padStart(2, "0")} at column ${bad + 1}, ` +
        "not printable ASCII (data read as a header: a missing or blanked END card?)",
      context,
    );
  }
  if (!first && (key === "SIMPLE" || key === "XTENSION")) {
    throw new FitsError(`${key} card at byte ${pos} inside a header (the END card before it is missing?)`, context);
  }
  if (key === "END" && text !== END_CARD) {
    throw new FitsError(`END card at byte ${pos} is not blank after END: '${text.trimEnd()}'`, context);
  }
}

/** The start of a record for messages: its text when printable, else its bytes in hex. */
function describe(record: Uint8Array): string {
  const head = record.subarray(0, 16);
  if (head.every((b) => b >= 32 && b <= 126)) return `'${new TextDecoder("latin1").decode(record).trimEnd()}'`;
  return `bytes ${[...head].map((b) => b.toString(16).padStart(2, "0")).join(" ")} …`;
}

function parseContinue(text: string, context: FitsContext): { value: string; comment?: string } {
  const body = text.slice(8).trim();
  const m = /^'((?:[^']|'')*)'\s*(?:\/(.*))?$/.exec(body);
  if (!m) throw new FitsError(`cannot parse CONTINUE card '${text.trimEnd()}'`, context);
  return { value: m[1].replace(/''/g, "'").trimEnd(), comment: m[2]?.trim() };
}
