import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { formatPowerOfTen, logTicks, spectrumSvg, type FluxPoint } from "../src/images/index.js";
import { modelsFromYaml, type SkyModel } from "../src/modeling/index.js";
import { rasterizeSvg } from "../src/nodejs/index.js";
import { fixturePath } from "./fixtures.js";

/** gammapy's fit of the Crab (point source, power law) with its covariance table. */
function crabSpectrum() {
  const readText = (name: string) => readFileSync(fixturePath(name), "utf8");
  const models = modelsFromYaml(readText("fit_point_pl_models.yaml"), { readText });
  const crab = models.toArray().find((m) => m.name === "crab") as SkyModel;
  return crab.spectralModel;
}

const texts = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);

/** The vertices "x y" of the first path with the given class. */
function pathPoints(svg: string, cls: string): [number, number][] {
  const d = new RegExp(`<path d="([^"]*)"[^>]*class="${cls}"`).exec(svg)?.[1];
  assert.ok(d, `a path of class ${cls}`);
  return [...d.matchAll(/[ML](-?[\d.]+) (-?[\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
}

test("log ticks: decades labelled, minors at 2…9, the 2s and 5s labelled inside one decade", () => {
  assert.deepEqual(
    logTicks(0.5, 20)
      .filter((t) => t.label)
      .map((t) => t.label),
    ["1", "10"],
  );
  assert.equal(logTicks(0.5, 20).length, 5 + 9 + 2); // 0.5…0.9, 1…9, 10 and 20
  assert.deepEqual(
    logTicks(1.5, 8)
      .filter((t) => t.label)
      .map((t) => t.label),
    ["2", "5"],
  );
  assert.equal(formatPowerOfTen(1e-12), "10⁻¹²");
  assert.equal(formatPowerOfTen(2e-12), "2×10⁻¹²");
  assert.equal(formatPowerOfTen(0.1), "0.1");
  assert.throws(() => logTicks(0, 1), /need 0 < min < max, got 0, 1/);
});

test("the Crab power law in dN/dE: labelled log-log axes, the curve through the model's values", () => {
  const model = crabSpectrum();
  const plot = spectrumSvg(model, { energyBounds: [1, 10], title: "Crab" });
  const labels = texts(plot.svg);
  for (const expected of ["Crab", "Energy [TeV]", "dN/dE [cm⁻² s⁻¹ TeV⁻¹]", "1", "10", "10⁻¹¹", "10⁻¹²"]) {
    assert.ok(labels.includes(expected), `'${expected}' in ${labels.join(" | ")}`);
  }
  const curve = pathPoints(plot.svg, "model");
  assert.equal(curve.length, 100);
  for (const [energy, index] of [
    [1, 0],
    [10, 99],
  ] as const) {
    const [x, y] = plot.layout.toSvg(energy, model.evaluate([energy])[0]);
    assert.ok(Math.abs(curve[index][0] - x) < 0.01 && Math.abs(curve[index][1] - y) < 0.01, `${energy} TeV`);
  }
});

test("the 1σ band comes from the covariance: ± the amplitude's error at the reference energy", () => {
  const model = crabSpectrum();
  const plot = spectrumSvg(model, { energyBounds: [1, 10] });
  const band = pathPoints(plot.svg, "error-band");
  assert.equal(band.length, 200); // upper edge forward, lower edge back
  const amplitude = 4.106253819011764e-11;
  const sigma = Math.sqrt(2.77090497081227e-23); // the covariance table's amplitude variance
  const [, upper] = plot.layout.toSvg(1, amplitude + sigma);
  const [, lower] = plot.layout.toSvg(1, amplitude - sigma);
  assert.ok(Math.abs(band[0][1] - upper) < 0.02, `upper edge at 1 TeV: ${band[0][1]} vs ${upper}`);
  assert.ok(Math.abs(band[199][1] - lower) < 0.02, `lower edge at 1 TeV: ${band[199][1]} vs ${lower}`);
  // the band widens away from the reference (the index's error adds in)
  const halfWidth = (i: number) => band[199 - i][1] - band[i][1];
  assert.ok(halfWidth(99) > 1.5 * halfWidth(0));
  assert.ok(!spectrumSvg(model, { energyBounds: [1, 10], errorBand: false }).svg.includes("error-band"));
});

test("E² dN/dE is in erg cm⁻² s⁻¹ like gammapy's; flux points and upper limits are drawn", () => {
  const model = crabSpectrum();
  const points: FluxPoint[] = [1.5, 3, 6].map((energy) => {
    const dnde = model.evaluate([energy])[0];
    return { energy, energyMin: energy / 1.4, energyMax: energy * 1.4, dnde, dndeErrn: 0.2 * dnde };
  });
  points.push({ energy: 12, dnde: model.evaluate([12])[0], isUpperLimit: true });
  const plot = spectrumSvg(model, { energyBounds: [1, 10], sedType: "e2dnde", fluxPoints: points });
  assert.ok(texts(plot.svg).includes("E² dN/dE [erg cm⁻² s⁻¹]"));
  assert.equal(plot.layout.unit, "erg cm-2 s-1");
  const curve = pathPoints(plot.svg, "model");
  const [, y1] = plot.layout.toSvg(1, 4.106253819011764e-11 * 1.602176634);
  assert.ok(Math.abs(curve[0][1] - y1) < 0.01, "E² dN/dE at 1 TeV = amplitude × 1.602 erg/TeV");
  assert.equal((plot.svg.match(/class="flux-point"/g) ?? []).length, 3);
  assert.equal((plot.svg.match(/class="upper-limit"/g) ?? []).length, 1);
  assert.ok(plot.layout.energyRange[1] >= 12 * 1, "the axis reaches the last point");
  assert.throws(() => spectrumSvg(model, { energyBounds: [10, 1] }), /energyBounds must be 0 < min < max \(TeV\)/);
});

test("the rasterised spectrum shows the model line's colour and the band's grey", () => {
  const plot = spectrumSvg(crabSpectrum(), { energyBounds: [1, 10] });
  const raster = rasterizeSvg(plot.svg);
  assert.equal(raster.width, plot.width);
  const seen = new Set<string>();
  for (let i = 0; i < raster.rgba.length; i += 4) seen.add(raster.rgba.subarray(i, i + 3).join(","));
  assert.ok(seen.has("31,119,180"), "matplotlib blue of the model line");
  assert.ok(seen.has("204,204,204"), "20% black over white: the band");
});

test("a spectrum for a page: alt as its <title>, role and aria-label; its clip path's id prefixed", () => {
  const plot = spectrumSvg(crabSpectrum(), { energyBounds: [1, 10], alt: "Crab <power law>", idPrefix: "p1-" });
  assert.match(plot.svg, /^<svg [^>]*role="img" aria-label="Crab &#60;power law&#62;"><title>Crab &#60;power law&#62;/);
  assert.match(plot.svg, /<clipPath id="p1-plot-area">.*clip-path="url\(#p1-plot-area\)"/);
  assert.doesNotMatch(spectrumSvg(crabSpectrum(), { energyBounds: [1, 10] }).svg, /<title>|role=/);
});
