/**
 * The safe mask gammapy's ring makers hand on: the input safe mask with the pixels whose
 * off acceptance is ≤ 0 switched off (NaN off acceptance, where no adaptive ring qualified,
 * compares false and leaves the pixel as it was, as in gammapy).
 */
export function maskSafeWithOffAcceptance(maskSafe: ArrayLike<number>, acceptanceOff: ArrayLike<number>): Uint8Array {
  if (maskSafe.length !== acceptanceOff.length)
    throw new Error(`maskSafeWithOffAcceptance: ${maskSafe.length} mask values for ${acceptanceOff.length} pixels`);
  const out = new Uint8Array(maskSafe.length);
  for (let i = 0; i < out.length; i++) out[i] = maskSafe[i] && !(acceptanceOff[i] <= 0) ? 1 : 0;
  return out;
}
