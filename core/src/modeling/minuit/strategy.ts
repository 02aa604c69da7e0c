// SPDX-License-Identifier: LGPL-2.1-or-later. Translated from Minuit2 (CERN): see the LICENSE of @gammaflow/core
/** Minuit's strategy levels (MnStrategy): how hard the derivative estimates work. */
export type MinuitStrategy = 0 | 1 | 2;

export interface StrategySettings {
  readonly level: MinuitStrategy;
  /** Refinement cycles of each numerical first derivative (Numerical2PGradientCalculator). */
  readonly gradientCycles: number;
  /** Stop refining when the step changes by less than this fraction. */
  readonly gradientStepTolerance: number;
  /** Stop refining when the derivative changes by less than this fraction. */
  readonly gradientTolerance: number;
  /** Step-refinement cycles of each diagonal second derivative in HESSE. */
  readonly hessianCycles: number;
  readonly hessianStepTolerance: number;
  readonly hessianG2Tolerance: number;
  /** Cycles of the first-derivative refinement HESSE runs before the off-diagonal terms. */
  readonly hessianGradientCycles: number;
}

const SETTINGS: readonly StrategySettings[] = [
  {
    level: 0,
    gradientCycles: 2,
    gradientStepTolerance: 0.5,
    gradientTolerance: 0.1,
    hessianCycles: 3,
    hessianStepTolerance: 0.5,
    hessianG2Tolerance: 0.1,
    hessianGradientCycles: 1,
  },
  {
    level: 1,
    gradientCycles: 3,
    gradientStepTolerance: 0.3,
    gradientTolerance: 0.05,
    hessianCycles: 5,
    hessianStepTolerance: 0.3,
    hessianG2Tolerance: 0.05,
    hessianGradientCycles: 2,
  },
  {
    level: 2,
    gradientCycles: 5,
    gradientStepTolerance: 0.1,
    gradientTolerance: 0.02,
    hessianCycles: 7,
    hessianStepTolerance: 0.1,
    hessianG2Tolerance: 0.02,
    hessianGradientCycles: 6,
  },
];

export function strategySettings(level: MinuitStrategy): StrategySettings {
  return SETTINGS[level];
}

/**
 * MIGRAD ends with a HESSE when the variable-metric covariance changed by more than this in the last
 * iterations (its `dcovar`): never for strategy 0, when not settled (> 0.05) for 1, always for 2.
 */
export function hessianRecomputeThreshold(level: MinuitStrategy): number {
  return level === 0 ? Number.POSITIVE_INFINITY : level === 1 ? 0.05 : Number.NEGATIVE_INFINITY;
}
