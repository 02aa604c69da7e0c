// SPDX-License-Identifier: LGPL-2.1-or-later. Translated from Minuit2 (CERN): see the LICENSE of @gammaflow/core
import { quadraticForm } from "./linalg.js";

/** First and second numerical derivatives per internal parameter, with the steps that gave them. */
export interface Gradient {
  readonly grad: Float64Array;
  /** Diagonal second derivatives. */
  readonly g2: Float64Array;
  readonly step: Float64Array;
}

export function createGradient(n: number): Gradient {
  return { grad: new Float64Array(n), g2: new Float64Array(n), step: new Float64Array(n) };
}

export function copyGradient(from: Gradient): Gradient {
  return { grad: Float64Array.from(from.grad), g2: Float64Array.from(from.g2), step: Float64Array.from(from.step) };
}

/**
 * What is known of the inverse Hessian (Minuit's MinimumError status): a positive-definite estimate,
 * one forced positive definite, HESSE failures (diagonal fallback), or none yet.
 */
export type CovarianceStatus =
  | "posdef"
  | "madePosDef"
  | "notPosDef"
  | "hesseFailed"
  | "invertFailed"
  | "callLimit"
  | "unset";

/** One point of the minimization (Minuit's MinimumState), in internal coordinates. */
export interface MinimumState {
  readonly x: Float64Array;
  readonly fval: number;
  readonly gradient: Gradient;
  /** Inverse Hessian n×n row-major: the covariance is 2·errordef times it. */
  readonly invHessian: Float64Array;
  /** Relative change of invHessian in the last updates: 0 after HESSE, 1 for a guess. */
  readonly dcovar: number;
  readonly status: CovarianceStatus;
  /** Estimated distance to the minimum, ½ gᵀVg. */
  readonly edm: number;
  /** Why HESSE failed, for the message. */
  readonly failure?: string;
}

/** Minuit's MinimumError::IsValid: a usable covariance, even when it had to be forced positive definite. */
export function covarianceUsable(status: CovarianceStatus): boolean {
  return status === "posdef" || status === "madePosDef" || status === "notPosDef";
}

/** Minuit's MinimumError::IsAccurate. */
export function covarianceAccurate(state: MinimumState): boolean {
  return state.status === "posdef" && state.dcovar < 0.1;
}

/** Minuit's VariableMetricEDMEstimator: ½ gᵀVg. */
export function estimateEdm(grad: Float64Array, invHessian: Float64Array, n: number): number {
  return 0.5 * quadraticForm(invHessian, grad, n);
}
