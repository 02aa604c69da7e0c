import Ajv2020Module, { _, type CodeKeywordDefinition, type KeywordCxt, type ValidateFunction } from "ajv/dist/2020.js";
import { outputPathProblem, quantityProblem, type JsonSchema, type OutputPathKind } from "./params.js";
import type { AnyPlugin } from "./plugin.js";

type AjvInstance = {
  compile(schema: JsonSchema): ValidateFunction;
  addKeyword(definition: CodeKeywordDefinition): unknown;
  addSchema(schema: JsonSchema, key: string): unknown;
};
const Ajv2020 = ((Ajv2020Module as unknown as { default?: unknown }).default ?? Ajv2020Module) as new (
  options: Record<string, unknown>,
) => AjvInstance;

/** The checks behind the x- keywords, (value, schema value) → message: precompiled validators import them. */
export const KEYWORD_CHECKS = {
  unit: (value: string, unit: string) => quantityProblem(value, unit),
  outputPath: (value: string, kind: string) => outputPathProblem(kind as OutputPathKind, value),
};

/**
 * A keyword whose string schema value (a unit, a path kind) checks a string param: `check`
 * (one of KEYWORD_CHECKS) gives the message, or undefined. Generated code, not a `validate`
 * function, so that ajv's standalone output (the page's precompiled validators) has it too.
 */
function stringKeyword(keyword: string, param: string, check: keyof typeof KEYWORD_CHECKS): CodeKeywordDefinition {
  return {
    keyword,
    type: "string",
    schemaType: "string",
    code(cxt: KeywordCxt) {
      const problem = cxt.gen.scopeValue("func", { ref: KEYWORD_CHECKS[check], code: _`keywordChecks[${check}]` });
      const message = cxt.gen.const("problem", _`${problem}(${cxt.data}, ${cxt.schemaCode})`);
      cxt.setParams({ message });
      cxt.fail(_`${message} !== undefined`);
    },
    error: {
      message: ({ params }) => _`${params.message}`,
      params: ({ schemaCode }) => _`{${param}: ${schemaCode}}`,
    },
  };
}

/**
 * The graph's ajv: every error (verbose: with the value found and its schema, to echo one and
 * suggest names from the other), defaults filled in, and the x- keywords: "x-unit", a quantity
 * convertible to that unit ("3 deg" for "deg"); "x-output-path", a path inside the output folder.
 * `code` options are for the standalone output (web/build.mjs).
 */
export function newAjv(code?: Record<string, unknown>): AjvInstance {
  const ajv = new Ajv2020({ allErrors: true, useDefaults: true, strict: false, verbose: true, code });
  ajv.addKeyword(stringKeyword("x-unit", "unit", "unit"));
  ajv.addKeyword(stringKeyword("x-output-path", "kind", "outputPath"));
  return ajv;
}

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
 * Undefined goes back to compiling at run time.
 */
export function usePrecompiledValidators(find: ((key: string) => ValidateFunction | undefined) | undefined): void {
  precompiled = find;
  compiled.clear();
}

// Made on first use, not on import: ajv compiles with `new Function`, which a page's strict
// Content-Security-Policy refuses.
let ajvInstance: AjvInstance | undefined;

/** The validator of `schema`, compiled once (or precompiled, see usePrecompiledValidators). */
export function validatorOf(schema: JsonSchema, what = "a schema"): ValidateFunction {
  const key = JSON.stringify(schema);
  let validate = compiled.get(key);
  if (validate) return validate;
  if (precompiled) {
    validate = precompiled(key);
    if (!validate) throw new Error(`no precompiled validator for ${what}: rebuild the page (web/build.mjs)`);
  } else {
    ajvInstance ??= newAjv();
    validate = ajvInstance.compile(schema);
  }
  compiled.set(key, validate);
  return validate;
}
