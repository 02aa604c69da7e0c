import { test } from "node:test";
import assert from "node:assert/strict";
import { modelsFromYaml } from "@gammaflow/core";
import { fitMapFigure, fitMaps, spectrumFigures } from "../src/index.js";
import { readText, stack } from "./crab-stack.js";

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
