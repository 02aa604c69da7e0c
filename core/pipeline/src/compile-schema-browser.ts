// #compile-schema in a browser bundle (package.json "imports", the "browser" condition): no
// compiling at run time. ajv compiles with new Function, which a page's Content-Security-Policy
// without 'unsafe-eval' refuses; the page validates with validators compiled when it was built.
import type { ValidateFunction } from "ajv";
import type { JsonSchema } from "./params.js";

/** Refuses, naming the schema: in a browser only precompiled validators exist (see usePrecompiledValidators). */
export function compileSchema(_schema: JsonSchema, what: string): ValidateFunction {
  throw new Error(
    `no precompiled validator for ${what}, and this browser build compiles none at run time ` +
      "(ajv's compiler needs new Function, which the page's Content-Security-Policy refuses): rebuild the page",
  );
}
