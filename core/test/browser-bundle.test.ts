// The browser entry bundles for the browser: no node: built-ins, none of the pipeline's dependencies.
import { test } from "node:test";
import assert from "node:assert/strict";
import { build, type Metafile } from "esbuild";
import { REPO_ROOT } from "./fixtures.js";

const ENTRY = `
import { DataStore, MapAxis, MapDataset, WcsGeom, WcsNDMap, skyImageSvg, spectrumSvg } from "@gammaflow/core";
const energy = MapAxis.fromBounds(1, 10, 4, { name: "energy", unit: "TeV", interp: "log" });
const geom = WcsGeom.create({ skydir: [83.63, 22.01], width: 2, binsz: 0.1, axes: [energy] });
export const dataset = MapDataset.create(geom);
export const open = (url) => DataStore.fromUrl(url);
export const skyImage = () => skyImageSvg(WcsNDMap.fromGeom(geom.toImage())).svg;
export const spectrum = (model) => spectrumSvg(model, { energyBounds: [1, 10] }).svg;
export const title = () => dataset.toString().split("\\n")[0];
`;

async function bundle(): Promise<{ bytes: number; metafile: Metafile; code: string }> {
  const result = await build({
    stdin: { contents: ENTRY, resolveDir: REPO_ROOT, loader: "js", sourcefile: "browser-entry.js" },
    absWorkingDir: REPO_ROOT, // metafile paths relative to the repository, whatever the cwd
    bundle: true,
    platform: "browser", // conditions "browser", "import", "default": a node: import fails the build
    format: "esm",
    minify: true,
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  const output = result.outputFiles[0];
  return { bytes: output.contents.length, metafile: result.metafile, code: output.text };
}

const built = bundle();
built.catch(() => {}); // reported by the tests that await it, not as an unhandled rejection

test("the browser entry bundles MapDataset, WcsGeom, MapAxis, DataStore and the SVG figures", async (t) => {
  const { bytes, metafile } = await built;
  t.diagnostic(`bundle size: ${(bytes / 1024).toFixed(1)} KiB minified, ${Object.keys(metafile.inputs).length} inputs`);
  const inputs = Object.keys(metafile.inputs);
  assert.ok(inputs.includes("core/dist/src/index.js"), "'@gammaflow/core' resolved to the browser entry");
  assert.ok(!inputs.some((p) => p.includes("index.node.js") || p.includes("/nodejs/")), "nothing of the Node side");
  const imports = Object.values(metafile.inputs).flatMap((input) => input.imports.map((i) => i.path));
  assert.deepEqual(
    imports.filter((p) => p.startsWith("node:")),
    [],
    "no node: built-ins",
  );
  assert.ok(bytes > 0);
});

test("no pipeline dependency (rxjs, ajv, inversify, piscina) nor resvg in the browser bundle", async () => {
  const { metafile } = await built;
  const inputs = Object.keys(metafile.inputs);
  for (const dep of ["rxjs", "ajv", "inversify", "piscina", "@resvg"]) {
    assert.deepEqual(
      inputs.filter((p) => p.includes(`node_modules/${dep}/`)),
      [],
      dep,
    );
  }
});

test("the minified bundle prints gammapy's class names, not the minifier's", async () => {
  const { code } = await built;
  const module = (await import(`data:text/javascript;base64,${Buffer.from(code).toString("base64")}`)) as {
    title(): string;
  };
  assert.equal(module.title(), "MapDataset");
});
