import type { ValidateFunction } from "ajv";
import { compileSchema } from "#compile-schema";
import type { JsonSchema } from "./params.js";
import type { AnyPlugin } from "./plugin.js";

export { KEYWORD_CHECKS } from "./keyword-checks.js";

/** The schema a node's params are checked against. */
export const paramsSchema = (definition: AnyPlugin): JsonSchema => ({
  type: "object",
  ...(definition.params as JsonSchema),
});

/** Every anyOf/oneOf branch in a schema: resolving params matches values against them. */
export function schemaBranches(schema: unknown, into: JsonSchema[] = []): JsonSchema[] {
  if (Array.isArray(schema)) for (const s of schema) schemaBranches(s, into);
  else if (schema !== null && typeof schema === "object") {
    for (const [key, value] of Object.entries(schema)) {
      if ((key === "anyOf" || key === "oneOf") && Array.isArray(value)) into.push(...(value as JsonSchema[]));
      schemaBranches(value, into);
    }
  }
  return into;
}

const compiled = new Map<string, ValidateFunction>();
/** Precompiled validators by schema (its JSON): a page whose CSP forbids `new Function` has only these. */
let precompiled: ((key: string) => ValidateFunction | undefined) | undefined;

/**
 * Validate with validators compiled ahead of time (ajv standalone, keyed by `JSON.stringify` of
 * their schema) instead of compiling at run time: a schema without one is then an error.
 * Undefined goes back to compiling at run time (#compile-schema: ajv in Node; none in a browser).
 */
export function usePrecompiledValidators(find: ((key: string) => ValidateFunction | undefined) | undefined): void {
  precompiled = find;
  compiled.clear();
}

/** The validator of `schema`, compiled once (or precompiled, see usePrecompiledValidators). */
export function validatorOf(schema: JsonSchema, what = "a schema"): ValidateFunction {
  const key = JSON.stringify(schema);
  let validate = compiled.get(key);
  if (validate) return validate;
  if (precompiled) {
    validate = precompiled(key);
    if (!validate) throw new Error(`no precompiled validator for ${what}: rebuild the page (web/build.mjs)`);
  } else validate = compileSchema(schema, what);
  compiled.set(key, validate);
  return validate;
}
