import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { modelsFromDict, modelsFromYaml, WcsNDMap } from "@gammaflow/core";
import { readDataset } from "@gammaflow/core/node";
import { fitImages, fitMapFigure, fitMaps, spectrumFigures } from "../src/index.js";
import { FIXTURES, readText, stack } from "./crab-stack.js";

/** gammapy's best fit of the Crab on its stack (point source, power law, background norm). */
function fitted() {
  const dataset = stack();
  const models = modelsFromYaml(readText("fit_point_pl_models.yaml"), { readText });
  dataset.models = models;
  return { dataset, models };
}

test("one spectrum figure per sky model (not the background), titled, with the page options asked for", () => {
  const { dataset, models } = fitted();
  const asked: string[] = [];
  const figures = spectrumFigures(models, dataset, {
    figure: (model, title) => {
      asked.push(model);
      return { alt: `spectrum of ${model} (${title})`, idPrefix: `s-${model}-` };
    },
  });
  assert.deepEqual(asked, ["crab"]);
  assert.deepEqual(
    figures.map((f) => [f.model, f.title]),
    [["crab", "crab: PowerLawSpectralModel fitted to 'crab-stack'"]],
  );
  assert.match(
    figures[0].svg,
    /aria-label="spectrum of crab \(crab: PowerLawSpectralModel fitted to &#39;crab-stack&#39;\)"/,
  );
  assert.match(figures[0].svg, /<clipPath id="s-crab-plot-area">/);
});

test("fit map figures: npred in viridis, residuals in RdBu_r, titled with the dataset", () => {
  const { dataset } = fitted();
  const maps = fitMaps(dataset);
  const npred = fitMapFigure("npred", maps.npred, dataset.name, { alt: "npred" });
  const residuals = fitMapFigure("residuals", maps.residuals, dataset.name);
  assert.match(npred.svg, /data-colormap="viridis"/);
  assert.match(npred.svg, />crab-stack npred<\/text>/);
  assert.match(residuals.svg, /data-colormap="RdBu_r"/);
  const [lo, hi] = residuals.layout.valueRange;
  assert.equal(lo, -hi, "centred on 0");
});

test("the residual image is gammapy's plot_residuals_spatial: masked sums, smoothed by 0.1 deg, then diff/sqrt", () => {
  // scripts/fixtures/residual_image.py: the Crab stack with a fit mask leaving out the first energy bin
  const fx = JSON.parse(readFileSync(path.join(FIXTURES, "residual_image.json"), "utf8"));
  const dataset = readDataset(path.join(FIXTURES, "npred_dataset.fits.gz"));
  dataset.name = "crab";
  dataset.models = modelsFromDict(fx.models);
  const plane = dataset.counts.geom.imageSize;
  const maskFit = WcsNDMap.fromGeom(dataset.counts.geom, { dtype: "bool" });
  fx.fitEnergyBins.forEach((fit: boolean, e: number) => maskFit.data.fill(fit ? 1 : 0, e * plane, (e + 1) * plane));
  dataset.maskFit = maskFit;
  const { residuals } = fitImages(dataset);
  assert.deepEqual([residuals.geom.ny, residuals.geom.nx], fx.shape);
  fx.residuals.forEach((v: number | null, i: number) => {
    const ours = residuals.data[i];
    if (v === null) assert.ok(Number.isNaN(ours), `pixel ${i} is NaN`);
    // npred agrees with gammapy's to ~1e-6 relative at the source (its PSF kernel), less elsewhere
    else assert.ok(Math.abs(ours - v) <= 1e-6, `pixel ${i}: ${ours} vs ${v}`);
  });
  // summing per-bin residuals instead (the image before) is far off
  const perBin = fitMaps(dataset).residuals.sumOverAxes().data;
  assert.ok(perBin.some((v, i) => Math.abs(v - (fx.residuals[i] ?? 0)) > 0.05));
});

test("the fit maps and images from one npred equal those computing their own, and leave it unchanged", () => {
  const { dataset } = fitted();
  const npred = dataset.npred();
  const before = Float64Array.from(npred.data);
  const [maps, images] = [fitMaps(dataset, npred), fitImages(dataset, npred)];
  assert.deepEqual(Float64Array.from(npred.data), before);
  assert.equal(maps.npred, npred);
  assert.deepEqual(maps.residuals.data, fitMaps(dataset).residuals.data);
  const own = fitImages(dataset);
  assert.deepEqual(images.npred.data, own.npred.data);
  assert.deepEqual(images.residuals.data, own.residuals.data);
  assert.ok(maps.residuals.data.some((v) => v !== 0));
});
