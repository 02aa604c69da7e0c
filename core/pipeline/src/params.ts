import { Type, type SchemaOptions, type TSchema, type TUnsafe } from "@sinclair/typebox";
import { parseQuantity } from "@gammaflow/core";

/** A JSON schema (draft 2020-12) object, as ajv takes it. */
export type JsonSchema = Record<string, unknown>;

/** The units quantities arrive in at `create` (gammaflow's canonical internal units). */
export type CanonicalUnit = "deg" | "TeV" | "s" | "m2" | "sr" | "";

export interface QuantityOptions extends SchemaOptions {
  /** A default as the user would write it ("3 deg") or a number in the canonical unit. */
  default?: number | string;
  minimum?: number;
  exclusiveMinimum?: number;
  maximum?: number;
}

/**
 * A physical quantity param: a number in `unit` or a string with any convertible unit
 * ("0.3 deg", "18 arcmin", "500 GeV"). The runtime converts it before `create` runs, so its
 * static type — what the plugin receives — is a plain number in `unit`. Bounds apply to the
 * converted value.
 */
export function Quantity(unit: CanonicalUnit, options: QuantityOptions = {}): TUnsafe<number> {
  return Type.Unsafe<number>({ ...options, type: ["number", "string"], "x-unit": unit });
}

/** An angle, a pair of angles (lon, lat widths), both canonical degrees after resolution. */
export function AngleOrPair(options: SchemaOptions = {}): TUnsafe<number | [number, number]> {
  return Type.Unsafe<number | [number, number]>({
    ...options,
    anyOf: [Quantity("deg"), { type: "array", items: Quantity("deg"), minItems: 2, maxItems: 2 }],
  });
}

/**
 * Where a string param puts files: "path", a file or folder inside the run's output folder
 * (placeholders such as {name} allowed); "name", one path segment (a dataset name that writers
 * use through {name}). `validate` refuses `..`, absolute paths and, for a name, any "/"; the
 * writer checks the filled-in path again on real paths (outputFile).
 */
export type OutputPathKind = "path" | "name";

export function OutputPath(
  kind: OutputPathKind = "path",
  options: SchemaOptions & { default?: string } = {},
): TUnsafe<string> {
  return Type.Unsafe<string>({ ...options, type: "string", "x-output-path": kind });
}

/** Why `value` cannot be an output path of that kind, or undefined when it can. */
export function outputPathProblem(kind: OutputPathKind, value: string): string | undefined {
  const segments = value.split(/[\\/]/);
  if (kind === "name" && (segments.length > 1 || value === "." || value === ".."))
    return `must be a name without '/' or '\\' (files are named after it), got '${value}'`;
  if (value.startsWith("/") || value.startsWith("\\") || /^[A-Za-z]:[\\/]/.test(value))
    return `must be a relative path inside the output folder, got '${value}'`;
  if (segments.includes("..")) return `must stay inside the output folder (no '..' segment), got '${value}'`;
  return undefined;
}

/** What a quantity in each canonical unit is, for people. */
const DIMENSIONS: Record<string, string> = {
  deg: "an angle",
  TeV: "an energy",
  s: "a time",
  m2: "an area",
  sr: "a solid angle",
  "": "a dimensionless number",
};

/**
 * Why the string `value` is not a quantity in `unit`, or undefined when it is:
 * `"3 degs" is not an angle (e.g. "3 deg"): unknown unit 'degs' … — did you mean 'deg'?`.
 */
export function quantityProblem(value: string, unit: string): string | undefined {
  try {
    parseQuantity(value, unit).to(unit);
    return undefined;
  } catch (e) {
    const number = /^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)/.exec(value)?.[1] ?? "1";
    const example = `${number} ${unit}`.trim();
    const what = DIMENSIONS[unit] ?? `a quantity in ${unit}`;
    return `${JSON.stringify(value)} is not ${what} (e.g. "${example}"): ${(e as Error).message}`;
  }
}

/** One problem in a param value, located by a JSON pointer relative to the params. */
export interface ParamIssue {
  path: string;
  message: string;
}

/** Decides whether a value matches a subschema (for anyOf/oneOf branches); ajv-backed. */
export type SchemaMatcher = (schema: TSchema | JsonSchema, value: unknown) => boolean;

/**
 * Resolve a validated param object by its schema, as Vega resolves a transform's declared
 * params by type before the transform runs: every `x-unit` string becomes a number in its
 * canonical unit, and a quantity's bounds are checked on the converted value. Returns a new
 * value; the input is not modified.
 */
export function resolveParams(
  schema: JsonSchema,
  value: unknown,
  matches: SchemaMatcher,
): { value: unknown; issues: ParamIssue[] } {
  const issues: ParamIssue[] = [];
  const resolved = resolveValue(schema, value, "", matches, issues);
  return { value: resolved, issues };
}

function resolveValue(
  schema: JsonSchema,
  value: unknown,
  path: string,
  matches: SchemaMatcher,
  issues: ParamIssue[],
): unknown {
  const unit = schema["x-unit"];
  if (typeof unit === "string" && (typeof value === "string" || typeof value === "number")) {
    return resolveQuantity(schema, unit, value, path, issues);
  }
  for (const key of ["anyOf", "oneOf"] as const) {
    const branches = schema[key] as JsonSchema[] | undefined;
    const branch = branches?.find((b) => matches(b, value));
    if (branch) return resolveValue(branch, value, path, matches, issues);
  }
  if (Array.isArray(value)) {
    const items = schema.items as JsonSchema | undefined;
    return items ? value.map((v, i) => resolveValue(items, v, `${path}/${i}`, matches, issues)) : value;
  }
  if (value !== null && typeof value === "object") {
    const properties = schema.properties as Record<string, JsonSchema> | undefined;
    if (!properties) return value;
    const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    for (const [key, sub] of Object.entries(properties)) {
      if (key in out) out[key] = resolveValue(sub, out[key], `${path}/${key}`, matches, issues);
    }
    return out;
  }
  return value;
}

function resolveQuantity(
  schema: JsonSchema,
  unit: string,
  value: string | number,
  path: string,
  issues: ParamIssue[],
): number {
  const problem = typeof value === "string" ? quantityProblem(value, unit) : undefined;
  if (problem) {
    issues.push({ path, message: problem });
    return Number.NaN;
  }
  const number = typeof value === "number" ? value : parseQuantity(value, unit).to(unit).value;
  const converted = `${number} ${unit}`.trim();
  const shown = typeof value === "string" && value.trim() !== converted ? `${value} (${converted})` : converted;
  const bound = (key: string, fails: (limit: number) => boolean, words: string) => {
    const limit = schema[key];
    if (typeof limit === "number" && fails(limit))
      issues.push({ path, message: `must be ${words} ${limit} ${unit}, got ${shown}` });
  };
  bound("minimum", (m) => number < m, "≥");
  bound("exclusiveMinimum", (m) => number <= m, ">");
  bound("maximum", (m) => number > m, "≤");
  return number;
}

/** Which datasets a sink or estimator handles: only final ones (a complete stack) or every one. */
export function WhichDatasets(fallback: "final" | "all") {
  return Enum(["final", "all"], {
    default: fallback,
    description: "final datasets only (a complete stack) or every one",
  });
}

/** One of the given strings (a JSON schema `enum`), typed as their union. */
export function Enum<const T extends string>(
  values: readonly T[],
  options: SchemaOptions & { default?: T } = {},
): TUnsafe<T> {
  return Type.Unsafe<T>({ ...options, enum: [...values] });
}
