import { FitsError, type FitsContext } from "./errors.js";

export type HeaderValue = string | number | boolean | bigint | null;

export interface Card {
  key: string;
  value?: HeaderValue;
  comment?: string;
  /** Write a number as a floating-point value even when it is integral (1687.0, not 1687). */
  real?: boolean;
}

export const CARD_LENGTH = 80;
const COMMENTARY = new Set(["COMMENT", "HISTORY", ""]);

/** Parse one 80-character card (CONTINUE cards are joined by the header parser). */
export function parseCard(text: string, context: FitsContext): Card {
  let key = text.slice(0, 8).trimEnd();
  let rest: string;
  if (key === "HIERARCH") {
    const eq = text.indexOf("=", 8);
    if (eq < 0) return { key: text.slice(9).trim(), comment: undefined };
    key = text.slice(9, eq).trim();
    rest = text.slice(eq + 1);
  } else if (COMMENTARY.has(key) || key === "CONTINUE" || text.slice(8, 10) !== "= ") {
    return { key, comment: text.slice(8).trimEnd() };
  } else {
    rest = text.slice(10);
  }
  if (!/^[A-Z0-9_\-. ]*$/i.test(key)) {
    throw new FitsError(`invalid keyword '${key}'`, { ...context, where: `card '${text.trimEnd()}'` });
  }
  const { value, comment } = parseValue(rest, { ...context, where: `card ${key}` });
  return { key, value, comment };
}

/** Value and comment after the value indicator. */
export function parseValue(text: string, context: FitsContext): { value: HeaderValue; comment?: string } {
  const s = text.trimStart();
  if (s.startsWith("'")) {
    let i = 1;
    let out = "";
    for (;;) {
      const q = s.indexOf("'", i);
      if (q < 0) throw new FitsError(`unterminated string value`, context);
      out += s.slice(i, q);
      if (s[q + 1] === "'") {
        out += "'";
        i = q + 2;
        continue;
      }
      i = q + 1;
      break;
    }
    return { value: out.trimEnd(), comment: commentOf(s.slice(i), context) };
  }
  const slash = s.indexOf("/");
  const token = (slash < 0 ? s : s.slice(0, slash)).trim();
  const comment = slash < 0 ? undefined : s.slice(slash + 1).trim();
  if (token === "") return { value: null, comment };
  if (token === "T" || token === "F") return { value: token === "T", comment };
  if (/^[-+]?\d+$/.test(token)) {
    const n = Number(token);
    return { value: Number.isSafeInteger(n) ? n : BigInt(token), comment };
  }
  if (/^[-+]?(\d+\.?\d*|\.\d+)([EeDd][-+]?\d+)?$/.test(token)) {
    return { value: Number(token.replace(/[Dd]/, "E")), comment };
  }
  if (/^\(.*\)$/.test(token)) return { value: token, comment }; // complex: kept as text
  throw new FitsError(`cannot parse value '${token}'`, context);
}

function commentOf(rest: string, context: FitsContext): string | undefined {
  const r = rest.trim();
  if (r === "") return undefined;
  if (!r.startsWith("/")) throw new FitsError(`unexpected text '${r}' after a string value`, context);
  return r.slice(1).trim();
}

// ---- formatting ----------------------------------------------------------------------

/** Format a card as one or more 80-character records (long strings use CONTINUE). */
export function formatCard(card: Card): string[] {
  const { key, value, comment } = card;
  const upper = key.toUpperCase();
  if (value === undefined) {
    const text = `${upper.padEnd(8)}${comment ? comment : ""}`;
    return chunk(text, upper);
  }
  const hierarch = upper.length > 8 || /\s/.test(upper);
  const prefix = hierarch ? `HIERARCH ${upper} = ` : `${upper.padEnd(8)}= `;
  if (typeof value === "string") return formatString(prefix, value, comment);
  const text = formatScalar(value, key, card.real);
  const body = hierarch ? prefix + text : prefix + text.padStart(20);
  return [withComment(body, comment)];
}

function formatScalar(value: Exclude<HeaderValue, string>, key: string, real = false): string {
  if (value === null) return "";
  if (typeof value === "boolean") return value ? "T" : "F";
  if (typeof value === "bigint") return value.toString();
  if (!Number.isFinite(value)) throw new FitsError(`header value of ${key} is not finite (${value})`);
  if (!real && Number.isInteger(value) && Math.abs(value) < 1e16 && !Object.is(value, -0)) {
    return String(value);
  }
  let s = String(value).toUpperCase();
  if (!/[.E]/.test(s)) s += ".0";
  else if (/^[-+]?\d+E/.test(s)) s = s.replace("E", ".0E");
  return s;
}

function withComment(body: string, comment?: string): string {
  if (!comment) return body.padEnd(CARD_LENGTH).slice(0, CARD_LENGTH);
  const text = `${body} / ${comment}`;
  return text.length <= CARD_LENGTH ? text.padEnd(CARD_LENGTH) : text.slice(0, CARD_LENGTH);
}

function formatString(prefix: string, value: string, comment?: string): string[] {
  const escaped = value.replace(/'/g, "''");
  const room = CARD_LENGTH - prefix.length - 2;
  if (escaped.length <= room) {
    // a value field of 20 columns, as astropy formats it (its checksum check re-formats CHECKSUM)
    return [withComment(`${prefix}${`'${escaped.padEnd(8)}'`.padEnd(20)}`, comment)];
  }
  // Long-string convention: '&' at the end of each piece, then CONTINUE cards.
  const records: string[] = [];
  let rest = escaped;
  let head = prefix;
  while (rest.length > 0) {
    const space = CARD_LENGTH - head.length - 3;
    let piece = rest.slice(0, space);
    if (piece.endsWith("'") && !piece.endsWith("''")) piece = piece.slice(0, -1); // never split an escaped quote
    rest = rest.slice(piece.length);
    records.push(`${head}'${piece}${rest.length ? "&" : ""}'`.padEnd(CARD_LENGTH));
    head = "CONTINUE  ";
  }
  if (comment) records.push(`CONTINUE  '' / ${comment}`.slice(0, CARD_LENGTH).padEnd(CARD_LENGTH));
  return records;
}

function chunk(text: string, key: string): string[] {
  if (text.length <= CARD_LENGTH) return [text.padEnd(CARD_LENGTH)];
  const out: string[] = [];
  const body = text.slice(8);
  for (let i = 0; i < body.length; i += 72) out.push(`${key.padEnd(8)}${body.slice(i, i + 72)}`.padEnd(CARD_LENGTH));
  return out;
}
