// The printed summary's sums over every bin. They run once per print, before V8 has optimised
// them: the bins are summed a few thousand per call of a small function, which V8 optimises
// after its first calls, instead of in one long loop that it runs unoptimised.

type Values = { readonly length: number; readonly [i: number]: number };

/** Bins per call: enough calls for V8 to optimise the loop early in a stack's 10^5–10^6 bins. */
const CHUNK = 4096;

/** Totals over the bins a mask keeps (all without one), summed bin by bin in order. */
export interface SummarySums {
  counts: number;
  background: number;
  /** npred = signal + background, negative sums as 0. */
  predicted: number;
  predictedBackground: number;
  predictedSignal: number;
  bins: number;
}

/** The data a summary sums, by bin; missing maps count as zeros. */
export interface SummaryInputs {
  counts: Values;
  mask?: Values;
  npredBackground?: Values;
  totalBackground?: Values;
  signal?: Values;
}

function addRange(sums: SummarySums, data: SummaryInputs, from: number, to: number): void {
  const { counts: countsData, mask, npredBackground, totalBackground, signal } = data;
  let { counts, background, predicted, predictedBackground, predictedSignal, bins } = sums;
  for (let i = from; i < to; i++) {
    if (mask && mask[i] === 0) continue;
    counts += countsData[i];
    const b = npredBackground ? npredBackground[i] : 0;
    if (totalBackground) background += totalBackground[i];
    predictedBackground += b;
    const mu = signal ? signal[i] + b : b;
    predicted += mu < 0 ? 0 : mu;
    if (signal) predictedSignal += signal[i];
    bins++;
  }
  Object.assign(sums, { counts, background, predicted, predictedBackground, predictedSignal, bins });
}

/** The summary's totals. */
export function summarySums(data: SummaryInputs): SummarySums {
  const sums = { counts: 0, background: 0, predicted: 0, predictedBackground: 0, predictedSignal: 0, bins: 0 };
  const n = data.counts.length;
  for (let from = 0; from < n; from += CHUNK) addRange(sums, data, from, Math.min(n, from + CHUNK));
  return sums;
}

/**
 * The range of the values > 0 whose pixel an image mask keeps (all pixels without one), or of
 * every value when there are none (NaN among them gives NaN); data is planes of `imageSize`.
 */
export function positiveRange(data: Values, image: Values | undefined, imageSize: number): [number, number] {
  // [inside min, inside max, all min, all max, NaN seen]
  const range = [Infinity, -Infinity, Infinity, -Infinity, 0];
  const plane = imageSize > 0 ? imageSize : Math.max(1, data.length);
  for (let start = 0; start < data.length; start += plane) {
    for (let pixel = 0; pixel < plane && start + pixel < data.length; pixel += CHUNK) {
      const end = Math.min(data.length, start + plane, start + pixel + CHUNK);
      addToRange(data, image, start + pixel, end, pixel, range);
    }
  }
  if (range[0] <= range[1]) return [range[0], range[1]];
  return range[4] ? [Number.NaN, Number.NaN] : [range[2], range[3]];
}

/** Bins from..to (their pixels from `pixel` on) into the range. */
function addToRange(data: Values, image: Values | undefined, from: number, to: number, pixel: number, range: number[]) {
  let insideMin = range[0];
  let insideMax = range[1];
  let allMin = range[2];
  let allMax = range[3];
  let nan = range[4];
  for (let i = from, p = pixel; i < to; i++, p++) {
    const v = data[i];
    if (v < allMin) allMin = v;
    if (v > allMax) allMax = v;
    if (v !== v) nan = 1;
    if (v > 0 && (!image || image[p] !== 0)) {
      if (v < insideMin) insideMin = v;
      if (v > insideMax) insideMax = v;
    }
  }
  range[0] = insideMin;
  range[1] = insideMax;
  range[2] = allMin;
  range[3] = allMax;
  range[4] = nan;
}
