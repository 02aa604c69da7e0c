// SPDX-License-Identifier: LGPL-2.1-or-later. Translated from Minuit2 (CERN): see the LICENSE of @gammaflow/core
/**
 * Minuit's machine-precision constants (MnMachinePrecision): `EPS` is 4 × the double epsilon,
 * the smallest relative change Minuit trusts in a function value; `EPS2` = 2·√EPS bounds the
 * relative size of finite-difference steps and of what counts as a zero second derivative.
 */
export const EPS = 4 * Number.EPSILON;
export const EPS2 = 2 * Math.sqrt(EPS);
