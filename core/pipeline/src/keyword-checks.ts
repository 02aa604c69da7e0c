import { outputPathProblem, quantityProblem, type OutputPathKind } from "./params.js";

/** The checks behind the x- keywords, (value, schema value) → message: precompiled validators import them. */
export const KEYWORD_CHECKS = {
  unit: (value: string, unit: string) => quantityProblem(value, unit),
  outputPath: (value: string, kind: string) => outputPathProblem(kind as OutputPathKind, value),
};
