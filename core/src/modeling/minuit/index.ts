// SPDX-License-Identifier: LGPL-2.1-or-later. Translated from Minuit2 (CERN): see the LICENSE of @gammaflow/core
export { migrad } from "./migrad.js";
export { hesse, type HesseOptions } from "./hesse.js";
export { minos, type MinosError, type MinosOptions } from "./minos.js";
export type { MinuitResult } from "./result.js";
export type { MinuitFcn, MinuitOptions, ParameterLimits } from "./setup.js";
export type { MinuitStrategy } from "./strategy.js";
