/**
 * A small SVG writer: elements as strings, numbers rounded for compact output, text escaped.
 */

/** A rectangle in SVG user units (pixels of the rasterised image), y downwards. */
export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** Attribute values; undefined and false attributes are left out. */
export type Attributes = Readonly<Record<string, string | number | undefined | false>>;

/** The font stack of all plot text: DejaVu Sans first (it has ⁻, ², σ, °, ′ and ″). */
export const FONT_FAMILY = "DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif";

/** Round to 2 decimals, as short as possible ("12", "3.5", "-0.25"). */
export function num(value: number): string {
  const rounded = Math.round(value * 100) / 100;
  return String(Object.is(rounded, -0) ? 0 : rounded);
}

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** `<name attrs>children</name>`, or self-closed without children. */
export function element(name: string, attributes: Attributes = {}, ...children: string[]): string {
  const attrs = Object.entries(attributes)
    .filter(([, value]) => value !== undefined && value !== false)
    .map(([key, value]) => ` ${key}="${typeof value === "number" ? num(value) : escapeXml(String(value))}"`)
    .join("");
  return children.length ? `<${name}${attrs}>${children.join("")}</${name}>` : `<${name}${attrs}/>`;
}

/** A `<text>` element; its content is escaped. */
export function text(content: string, attributes: Attributes): string {
  return element("text", attributes, escapeXml(content));
}

/** A polyline path through points, `M x y L x y …`; NaN points break it into separate runs. */
export function pathData(xs: ArrayLike<number>, ys: ArrayLike<number>): string {
  let d = "";
  let pen = false;
  for (let i = 0; i < xs.length; i++) {
    if (!Number.isFinite(xs[i]) || !Number.isFinite(ys[i])) {
      pen = false;
      continue;
    }
    d += `${pen ? "L" : "M"}${num(xs[i])} ${num(ys[i])}`;
    pen = true;
  }
  return d;
}

/** What every figure takes for a place in an HTML page (the run report inlines several). */
export interface FigureOptions {
  /** What it shows, for readers who cannot see it: the figure's `<title>`, with role="img" and aria-label. */
  readonly alt?: string;
  /** Prefix of the ids inside the figure (its clip paths), so that figures in one page keep theirs apart. */
  readonly idPrefix?: string;
}

/** The whole document: a white background under `content`, described by `alt` when given. */
export function svgDocument(width: number, height: number, content: string[], options: FigureOptions = {}): string {
  const { alt } = options;
  return element(
    "svg",
    {
      xmlns: "http://www.w3.org/2000/svg",
      width,
      height,
      viewBox: `0 0 ${num(width)} ${num(height)}`,
      "font-family": FONT_FAMILY,
      role: alt !== undefined && "img",
      "aria-label": alt,
    },
    alt !== undefined ? element("title", {}, escapeXml(alt)) : "",
    element("rect", { width, height, fill: "#ffffff" }),
    ...content,
  );
}

/** A data: URL of bytes (e.g. a PNG for an `<image>`), base64 without node: built-ins. */
export function dataUrl(mime: string, bytes: Uint8Array): string {
  return `data:${mime};base64,${base64(bytes)}`;
}

const BASE64_DIGITS = new TextEncoder().encode("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
const PAD = 61; // "="

/**
 * RFC 4648 base64 of bytes, written as ASCII codes and decoded once: a string of every byte
 * (String.fromCharCode) for btoa took ~90 ns a byte, 33 ms for a sky map's 370 kB PNG.
 */
export function base64(bytes: Uint8Array): string {
  const n = bytes.length;
  const out = new Uint8Array(4 * Math.ceil(n / 3));
  const digits = BASE64_DIGITS;
  let o = 0;
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const word = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out[o++] = digits[word >>> 18];
    out[o++] = digits[(word >>> 12) & 63];
    out[o++] = digits[(word >>> 6) & 63];
    out[o++] = digits[word & 63];
  }
  if (i < n) {
    const second = i + 1 < n ? bytes[i + 1] : 0;
    const word = (bytes[i] << 16) | (second << 8);
    out[o++] = digits[word >>> 18];
    out[o++] = digits[(word >>> 12) & 63];
    out[o++] = i + 1 < n ? digits[(word >>> 6) & 63] : PAD;
    out[o++] = PAD;
  }
  return new TextDecoder().decode(out);
}
