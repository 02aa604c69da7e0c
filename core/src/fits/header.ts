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
 * of the data (after the header's 2880-byte blocks).
 */
export function readHeader(
  bytes: Uint8Array,
  offset: number,
  context: FitsContext,
): { header: Header; dataOffset: number } {
  const cards: Card[] = [];
  let pos = offset;
  const decoder = new TextDecoder("latin1");
  for (;;) {
    if (pos + CARD_LENGTH > bytes.length) {
      throw new FitsError(
        `header has no END card before the end of the file (truncated at byte ${bytes.length})`,
        context,
      );
    }
    const text = decoder.decode(bytes.subarray(pos, pos + CARD_LENGTH));
    pos += CARD_LENGTH;
    if (text.startsWith("END") && text.slice(3).trim() === "") break;
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

function parseContinue(text: string, context: FitsContext): { value: string; comment?: string } {
  const body = text.slice(8).trim();
  const m = /^'((?:[^']|'')*)'\s*(?:\/(.*))?$/.exec(body);
  if (!m) throw new FitsError(`cannot parse CONTINUE card '${text.trimEnd()}'`, context);
  return { value: m[1].replace(/''/g, "'").trimEnd(), comment: m[2]?.trim() };
}
