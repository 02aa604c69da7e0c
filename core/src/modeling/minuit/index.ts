export { migrad } from "./migrad.js";
export { hesse, type HesseOptions } from "./hesse.js";
export { minos, type MinosError, type MinosOptions } from "./minos.js";
export type { MinuitResult } from "./result.js";
export type { MinuitFcn, MinuitOptions, ParameterLimits } from "./setup.js";
export type { MinuitStrategy } from "./strategy.js";
