// numpy's random numbers in chromium: the WebAssembly doubles (on a page that is not cross-origin
// isolated, where shared memory may be refused and the unshared module is the one used) equal
// Node's, bit for bit.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { build } from "esbuild";
import type { Browser } from "playwright-core";
import { RandomState, withKernelPaths } from "@gammaflow/core";
import { launch } from "./browser.js";
import { REPO } from "./reference.js";

// (the kernel's variants from core's compiled file: they are not part of the package's API)
const ENTRY = `
import { RandomState } from "@gammaflow/core";
import { fillDoublesWasm, instantiateKernel } from "./core/dist/src/random/mt19937-wasm.js";
const rs = new RandomState(20261208);
const doubles = rs.uniform(-0.5, 0.5, 30001);
const poisson = rs.poisson(3.5, 1000);
const variants = {};
for (const variant of ["shared", "unshared"]) {
  const kernel = instantiateKernel(variant);
  if (!kernel) continue;
  const bits = new RandomState(7).bits;
  const out = new Float64Array(20001);
  fillDoublesWasm(bits.key, bits.pos, out, 0, 1, kernel);
  variants[variant] = Array.from(out);
}
globalThis.drawn = {
  doubles: Array.from(doubles),
  poisson: Array.from(poisson),
  variants,
  isolated: globalThis.crossOriginIsolated === true,
};
`;

interface Drawn {
  doubles: number[];
  poisson: number[];
  variants: Record<string, number[]>;
  isolated: boolean;
}

let browser: Browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test("numpy's doubles from the WebAssembly kernel in chromium equal Node's, bit for bit", async (t) => {
  const bundled = await build({
    stdin: { contents: ENTRY, resolveDir: REPO, loader: "js", sourcefile: "random-entry.js" },
    bundle: true,
    platform: "browser",
    format: "iife",
    write: false,
    logLevel: "silent",
  });
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await page.addScriptTag({ content: bundled.outputFiles[0].text });
  const drawn = await page.evaluate(() => (globalThis as unknown as { drawn: Drawn }).drawn);
  await page.close();
  assert.deepEqual(errors, []);
  assert.equal(drawn.isolated, false, "a page that is not cross-origin isolated");
  assert.ok(drawn.variants.unshared, "the unshared module instantiates in the page");
  t.diagnostic(`modules that instantiate in the page: ${Object.keys(drawn.variants).join(", ")}`);
  // the JavaScript loop's doubles
  const expected = withKernelPaths("reference", () => new RandomState(7).randomSample(20001));
  for (const [variant, values] of Object.entries(drawn.variants))
    assert.deepEqual(Float64Array.from(values), expected, `the ${variant} module in chromium`);
  const rs = new RandomState(20261208);
  const doubles = rs.uniform(-0.5, 0.5, 30001);
  const poisson = rs.poisson(3.5, 1000);
  assert.deepEqual(Float64Array.from(drawn.doubles), doubles);
  assert.deepEqual(Float64Array.from(drawn.poisson), poisson);
});
