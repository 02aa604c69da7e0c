/**
 * WStat: the Poisson likelihood of on counts (signal + α·background) and off counts
 * (background), with the background profiled out analytically (gammapy 1.0 `wstat`,
 * `get_wstat_mu_bkg`, `get_wstat_gof_terms`). Scalar per bin, like `cash`; the operations
 * are written in numpy's order so that results agree to the last bits.
 *
 * Edge cases follow from IEEE arithmetic exactly as in numpy: α = 0 gives NaN (0/0 in μ_bkg),
 * the n·ln(·) terms are dropped where the count is 0 (so 0·ln 0 never appears).
 */

/** Profile-likelihood background in the off region, (C + D) / (2α(α+1)). */
export function wstatMuBkg(nOn: number, nOff: number, alpha: number, muSig: number): number {
  const c = alpha * (nOn + nOff) - (1 + alpha) * muSig;
  const d = Math.sqrt(c * c + 4 * alpha * (alpha + 1) * nOff * muSig);
  return (c + d) / (2 * alpha * (alpha + 1));
}

/** The model-independent terms that turn WStat into a goodness of fit (0 for a perfect fit). */
export function wstatGofTerms(nOn: number, nOff: number): number {
  let term = 0;
  term += nOn === 0 ? 0 : -nOn * (1 - Math.log(nOn));
  term += nOff === 0 ? 0 : -nOff * (1 - Math.log(nOff));
  return 2 * term;
}

/**
 * WStat of one bin. `muBkg` defaults to the profiled value; `extraTerms` adds the
 * goodness-of-fit terms (gammapy's default).
 */
export function wstat(
  nOn: number,
  nOff: number,
  alpha: number,
  muSig: number,
  muBkg: number = wstatMuBkg(nOn, nOff, alpha, muSig),
  extraTerms = true,
): number {
  const term1 = muSig + (1 + alpha) * muBkg;
  const term2 = nOn === 0 ? 0 : -nOn * Math.log(muSig + alpha * muBkg);
  const term3 = nOff === 0 ? 0 : -nOff * Math.log(muBkg);
  let stat = 2 * (term1 + term2 + term3);
  if (extraTerms) stat += wstatGofTerms(nOn, nOff);
  return stat;
}
