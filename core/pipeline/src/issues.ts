import type { ErrorObject } from "ajv";
import { didYouMean } from "@gammaflow/core";
import type { OverrideSource } from "./overrides.js";

/**
 * One problem in a graph, located by a JSON pointer (e.g. /nodes/2/params/offsetMax) and, once
 * located (`locateIssues`), by what a person typed: the node id, the param, the value found and
 * the --set override that put it there.
 */
export interface GraphIssue {
  path: string;
  message: string;
  /** The node's id, when the problem is in a node. */
  node?: string;
  /** The param (its top-level key), when the problem is in a node's params. */
  param?: string;
  /** The value found there, when there is one. */
  value?: unknown;
  /** The --set override that put the value there ("safe.offsetMax=3 degs"). */
  override?: string;
  /** The place for people: `safe.offsetMax`, `inputs.geom.width`, `node 'safe'`, `edge 'a' → 'b'`. */
  where?: string;
}

export class GraphValidationError extends Error {
  constructor(
    readonly issues: GraphIssue[],
    source = "graph",
  ) {
    const blamed = issues.some((i) => i.override) ? " with its --set overrides" : "";
    const lines = issues.map((i) => {
      const from = i.override ? ` (from --set ${i.override})` : "";
      return `  ${i.where ?? (i.path || "/")}${from}: ${i.message}`;
    });
    super(`${source}${blamed} is not valid:\n${lines.join("\n")}`);
    this.name = "GraphValidationError";
  }
}

const BOUNDS = new Set(["minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"]);
/** The canonical unit of a quantity's schema ("" for none or dimensionless). */
const unitOf = (e: ErrorObject) => String((e.parentSchema as Record<string, unknown> | undefined)?.["x-unit"] ?? "");

/** Short enough to echo in a message. */
function shown(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const text = JSON.stringify(value);
  return text !== undefined && text.length <= 80 ? text : undefined;
}

/**
 * ajv's errors (compiled with `verbose`) as issues under `prefix`, one per path: the value found
 * is echoed, an unknown key (`what`: a param or a key) and an enum value get the nearest known
 * names. anyOf branches each report; the most specific message (our x- keywords) is kept.
 */
export function issuesOf(
  errors: ErrorObject[] | null | undefined,
  prefix: string,
  what: "param" | "key" = "key",
): GraphIssue[] {
  const byPath = new Map<string, string>();
  for (const e of errors ?? []) {
    let path = prefix + e.instancePath;
    let message = `${e.message ?? "is not valid"}`;
    if (e.keyword === "additionalProperties") {
      const key = (e.params as { additionalProperty: string }).additionalProperty;
      const known = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      path += `/${key}`;
      const listed = known.length ? ` (${what}s: ${known.join(", ")})` : "";
      message = `unknown ${what} '${key}'${didYouMean(key, known)}${listed}`;
    } else if (e.keyword === "required") {
      const key = (e.params as { missingProperty: string }).missingProperty;
      path += `/${key}`;
      message = `${what} '${key}' is required`;
    } else if (e.keyword === "enum") {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues;
      const names = allowed.filter((v): v is string => typeof v === "string");
      const near = typeof e.data === "string" ? didYouMean(e.data, names) : "";
      message = `${message}: ${allowed.map((v) => JSON.stringify(v)).join(", ")}; got ${shown(e.data)}${near}`;
    } else if (BOUNDS.has(e.keyword) && unitOf(e)) {
      // a bare number where a quantity is expected is in the canonical unit: say so
      message = `${message} ${unitOf(e)}, got ${shown(e.data)} (a bare number is taken in ${unitOf(e)})`;
    } else if (!e.keyword.startsWith("x-") && shown(e.data) !== undefined && typeof e.data !== "object") {
      message += `, got ${shown(e.data)}`;
    }
    if (!byPath.has(path) || e.keyword.startsWith("x-")) byPath.set(path, message);
  }
  return [...byPath].map(([path, message]) => ({ path, message }));
}

/** The value at a JSON pointer, or undefined. */
function valueAt(root: unknown, pointer: string): unknown {
  let at = root;
  for (const key of pointer.split("/").slice(1)) {
    if (at === null || typeof at !== "object" || !Object.hasOwn(at, key)) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

interface GraphShape {
  nodes?: Array<{ id?: unknown }>;
  edges?: Array<{ from?: unknown; to?: unknown }>;
}

/** `where` for people, and node, param, value and the blamed override of each issue in `graph`. */
export function locateIssues(graph: unknown, issues: GraphIssue[], overrides: readonly OverrideSource[] = []) {
  const { nodes = [], edges } = (graph ?? {}) as GraphShape;
  return issues.map((issue): GraphIssue => {
    const located: GraphIssue = { ...issue };
    const value = valueAt(graph, issue.path);
    if (value !== undefined && (typeof value !== "object" || shown(value) !== undefined)) located.value = value;
    const node = /^\/nodes\/(\d+)(?:\/params\/([^/]+)((?:\/[^/]+)*))?/.exec(issue.path);
    const edge = /^\/edges\/(\d+)/.exec(issue.path);
    const id = node && nodes[Number(node[1])]?.id;
    if (node && typeof id === "string") {
      located.node = id;
      if (node[2]) {
        located.param = node[2];
        const below = node[3].replace(/\/([^/]+)/g, (_, k) => (/^\d+$/.test(k) ? `[${k}]` : `.${k}`));
        located.where = `${id}.${node[2]}${below}`;
      } else {
        located.where = `node '${id}'`;
      }
    } else if (issue.path.startsWith("/inputs")) {
      located.where = issue.path.slice(1).replaceAll("/", ".");
    } else if (edge && edges?.[Number(edge[1])]) {
      const e = edges[Number(edge[1])];
      located.where = `edge '${String(e.from)}' → '${String(e.to)}'`;
    }
    // the last override to a place wins, as it did when applied
    const source = [...overrides]
      .reverse()
      .find((o) => issue.path === o.pointer || issue.path.startsWith(`${o.pointer}/`));
    if (source) located.override = source.override;
    return located;
  });
}
