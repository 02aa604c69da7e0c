// The module web/precompile.mjs generates, which the page's bundle resolves to its output.
declare module "gammaflow:validators" {
  import type { ValidateFunction } from "ajv";
  /** The standalone validators by the JSON of their schema (see usePrecompiledValidators). */
  export const validators: Map<string, ValidateFunction>;
}
