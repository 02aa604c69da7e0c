// How validators are compiled at run time where code may be generated (Node): ajv. The page's
// bundle resolves #compile-schema to compile-schema-browser.ts instead (package.json "imports",
// the "browser" condition), so that ajv's compiler, which runs new Function, is not in it.
import Ajv2020Module, { _, type CodeKeywordDefinition, type KeywordCxt, type ValidateFunction } from "ajv/dist/2020.js";
import { KEYWORD_CHECKS } from "./keyword-checks.js";
import type { JsonSchema } from "./params.js";

type AjvInstance = {
  compile(schema: JsonSchema): ValidateFunction;
  addKeyword(definition: CodeKeywordDefinition): unknown;
  addSchema(schema: JsonSchema, key: string): unknown;
};
const Ajv2020 = ((Ajv2020Module as unknown as { default?: unknown }).default ?? Ajv2020Module) as new (
  options: Record<string, unknown>,
) => AjvInstance;

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

// Made on first use, not on import.
let ajvInstance: AjvInstance | undefined;

/** `schema`'s validator, compiled now by the graph's ajv (newAjv). */
export function compileSchema(schema: JsonSchema, _what: string): ValidateFunction {
  ajvInstance ??= newAjv();
  return ajvInstance.compile(schema);
}
