// A page read as a browser reads it (parse5: the HTML standard's tree construction), for tests.
import { parse } from "parse5";

/** An element or text node of the parsed page (parse5's default tree). */
export interface PageNode {
  nodeName: string;
  tagName?: string;
  attrs?: Array<{ name: string; value: string }>;
  childNodes?: PageNode[];
  value?: string;
  /** A <template>'s content. */
  content?: PageNode;
}

export function parsePage(text: string): PageNode {
  return parse(text) as unknown as PageNode;
}

/** Every element under `root` (depth first, in document order), `root` included. */
export function elements(root: PageNode): PageNode[] {
  const out: PageNode[] = [];
  const walk = (node: PageNode) => {
    if (node.tagName) out.push(node);
    for (const child of node.childNodes ?? []) walk(child);
    if (node.content) walk(node.content);
  };
  walk(root);
  return out;
}

export function attr(node: PageNode, name: string): string | undefined {
  return node.attrs?.find((a) => a.name === name)?.value;
}

export function byTag(root: PageNode, tag: string): PageNode[] {
  return elements(root).filter((e) => e.tagName === tag);
}

export function byId(root: PageNode, id: string): PageNode | undefined {
  return elements(root).find((e) => attr(e, "id") === id);
}

/** The text of a node, as textContent gives it. */
export function textOf(node: PageNode): string {
  if (node.nodeName === "#text") return node.value ?? "";
  return (node.childNodes ?? []).map(textOf).join("");
}

/** The cells' texts of each body row of table `id` (whitespace trimmed). */
export function tableRows(root: PageNode, id: string): string[][] {
  const table = byId(root, id);
  if (!table) throw new Error(`no table '${id}' in the page`);
  const body = byTag(table, "tbody")[0];
  return byTag(body, "tr").map((row) => byTag(row, "td").map((cell) => textOf(cell).trim()));
}
