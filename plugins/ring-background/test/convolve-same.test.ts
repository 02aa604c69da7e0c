import { test } from "node:test";
import { convolveSame } from "../src/index.js";
import { compareImages, fixture, maxAbs, unpack } from "./fixture.js";

test("core's convolution (through convolveSame) has scipy's 'same' alignment for odd and even kernels", () => {
  const { data, cases } = fixture.sameConvolution;
  const [ny, nx] = data.shape;
  for (const c of cases) {
    const [ky, kx] = c.kernel.shape;
    const want = unpack(c.same);
    for (const method of ["direct", "fft"] as const) {
      const got = convolveSame(
        unpack(data),
        nx,
        ny,
        { data: Float64Array.from(unpack(c.kernel)), shape: [ky, kx] },
        method,
      );
      // float32 output; scipy transforms the float32 image in single precision
      compareImages(got, want, 1e-6, 1e-6 * maxAbs(want), `${ky}×${kx} kernel (${method})`);
    }
  }
});
