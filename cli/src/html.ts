/**
 * HTML made safely: the `html` template escapes every value put into it, except `Html` made by
 * another `html` template or marked `trusted` (an SVG figure whose renderer escaped its own text).
 * A graph's names and params are the user's: they only ever go in as values.
 */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/** What a template takes: text (escaped), numbers, HTML, lists of them; undefined, null and false add nothing. */
export type HtmlValue = Html | string | number | undefined | null | false | readonly HtmlValue[];

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** `text` as HTML text or an attribute value (quoted). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

function render(value: HtmlValue): string {
  if (value === undefined || value === null || value === false) return "";
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(render).join("");
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1];
  return new Html(out);
}

/** Markup that is already safe (our SVG renderers escape the text they put in). */
export function trusted(markup: string): Html {
  return new Html(markup);
}

/** A relative href to `relativePath` (a path below the page's folder, / separated), each segment encoded. */
export function hrefTo(relativePath: string): string {
  return relativePath.split("/").map(encodeURIComponent).join("/");
}
