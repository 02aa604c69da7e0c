// The FFT convolver keeps each kernel's transform per grid: the ring kernel of a chain is
// transformed once, not once per run, and a hit gives the numbers a fresh transform gives.
import { test } from "node:test";
import assert from "node:assert/strict";
import { defaultComputeCache, ring2DKernel, SpectralConvolver } from "../src/index.js";
import { readDataset } from "../src/nodejs/index.js";
import { fixturePath } from "./fixtures.js";

const NAMESPACE = "fft kernel spectra";

test("a kernel's transform is made once per grid and reused with the same results", () => {
  const image = readDataset(fixturePath("gammapy-dataset.fits.gz")).toImage();
  const { nx, ny } = image.counts.geom;
  const background = image.background!.data;
  const convolveWith = (kernel: ReturnType<typeof ring2DKernel>) =>
    new SpectralConvolver(ny, nx, kernel.shape[0], kernel.shape[1], image.counts.data, background).convolve(
      kernel.data,
      kernel.shape[0],
      kernel.shape[1],
    );
  const cache = defaultComputeCache();
  cache.clear(NAMESPACE);
  const first = convolveWith(ring2DKernel(3, 2));
  const again = convolveWith(ring2DKernel(3, 2));
  const counts = cache.stats().namespaces[NAMESPACE];
  assert.deepEqual([counts.entries, counts.hits], [1, 1]);
  assert.deepEqual(again, first);
  cache.clear(NAMESPACE);
  assert.deepEqual(convolveWith(ring2DKernel(3, 2)), first, "a fresh transform gives the same numbers");
  // another kernel on the same grid is another entry, not a hit
  const other = convolveWith(ring2DKernel(2, 2));
  assert.equal(cache.stats().namespaces[NAMESPACE].entries, 2);
  assert.notDeepEqual(other, first);
});
