/**
 * numpy's `np.arange(start, stop, step)` for floats, value for value: the length is
 * ceil((stop − start) / step); numpy stores start and start + step, then fills the rest
 * as start + i·delta with delta = (start + step) − start, which can differ from `step`
 * in the last bit. The exact radii decide which pixel centres a ring kernel catches.
 */
export function numpyArange(start: number, stop: number, step: number): number[] {
  if (!(step !== 0) || !Number.isFinite(step))
    throw new Error(`numpyArange: step must be finite and non-zero, got ${step}`);
  const length = Math.ceil((stop - start) / step);
  if (!(length > 0)) return [];
  if (length === 1) return [start];
  const next = start + step;
  const delta = next - start;
  const values = [start, next];
  for (let i = 2; i < length; i++) values.push(start + i * delta);
  return values;
}
