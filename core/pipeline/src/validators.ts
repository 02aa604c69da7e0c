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
/** Validators compiled ahead of time, by schema (its JSON); see usePrecompiledValidators. */
let precompiled: ((key: string) => ValidateFunction | undefined) | undefined;
let compileMissing = false;

/** How validators without a precompiled twin are had (see usePrecompiledValidators). */
export interface PrecompiledOptions {
  /**
   * Compile a schema that has no precompiled validator (a third party's plugin in the bundled
   * CLI) instead of refusing it (the page, whose CSP forbids `new Function`). Default false.
   */
  compileMissing?: boolean;
}

/**
 * Validate with validators compiled ahead of time (ajv standalone, keyed by `JSON.stringify` of
 * their schema: scripts/validators-module.mjs) instead of compiling at run time; a schema without
 * one is then an error unless `compileMissing`. Undefined goes back to compiling at run time
 * (#compile-schema: ajv in Node; none in a browser).
 */
export function usePrecompiledValidators(
  find: ((key: string) => ValidateFunction | undefined) | undefined,
  options: PrecompiledOptions = {},
): void {
  precompiled = find;
  compileMissing = options.compileMissing ?? false;
  compiled.clear();
}

/** The validator of `schema`, compiled once (or precompiled, see usePrecompiledValidators). */
export function validatorOf(schema: JsonSchema, what = "a schema"): ValidateFunction {
  const key = JSON.stringify(schema);
  let validate = compiled.get(key);
  if (validate) return validate;
  validate = precompiled?.(key);
  if (!validate) {
    if (precompiled && !compileMissing)
      throw new Error(`no precompiled validator for ${what}: rebuild the page (web/build.mjs)`);
    validate = compileSchema(schema, what);
  }
  compiled.set(key, validate);
  return validate;
}
