import { test } from "node:test";
import assert from "node:assert/strict";
import { FluxPointsEstimator, MapAxis, modelsFromDict } from "@gammaflow/core";
import { rasterizeSvg } from "@gammaflow/core/node";
import {
  energyEdgesFrom,
  energyEdgesFromText,
  estimateFluxPoints,
  fitDatasets,
  fluxPointsFiles,
  spectrumFigures,
} from "../src/index.js";
import { sourceOnly, stack } from "./crab-stack.js";

/** The SVG markers (cx, cy) of the flux points: red circles, the legend's last. */
const markers = (svg: string) =>
  [...svg.matchAll(/<circle cx="([\d.]+)" cy="([\d.]+)" r="3.2" fill="#d62728"/g)]
    .map((m) => [Number(m[1]), Number(m[2])])
    .slice(0, -1);

test("energy edges from text: an axis 'LO..HI/N' as graphs declare one, or a list of energies", () => {
  const axis = MapAxis.fromEnergyBounds("1 TeV", "10 TeV", 5);
  assert.deepEqual(energyEdgesFromText("1 TeV..10 TeV/5"), Array.from(axis.edges));
  assert.deepEqual(energyEdgesFromText("1000 GeV .. 10 TeV / 5"), Array.from(axis.edges));
  assert.deepEqual(energyEdgesFromText("1 TeV, 3 TeV, 10000 GeV"), [1, 3, 10]);
  assert.deepEqual(energyEdgesFromText("1, 3, 10"), [1, 3, 10], "bare numbers in TeV");
  assert.deepEqual(energyEdgesFrom([0.5, 2]), [0.5, 2]);
  assert.throws(() => energyEdgesFromText("1 deg..10 deg/5"), /'1 deg' is not an energy/);
  assert.throws(() => energyEdgesFromText("10 TeV..1 TeV/5"), /lo must be below hi/);
  assert.throws(() => energyEdgesFromText("1 TeV"), /at least two increasing positive energies/);
  assert.throws(() => energyEdgesFromText("3 TeV, 1 TeV"), /at least two increasing positive energies/);
  assert.throws(() => energyEdgesFrom([1, 1]), /at least two increasing positive energies/);
});

test("spectrum figures with flux points: each marker at its (e_ref, dN/dE), red in the picture", () => {
  const dataset = stack();
  const fit = fitDatasets([dataset], modelsFromDict(sourceOnly()));
  assert.equal(fit.result.success, true, fit.result.message);
  const energyEdges = energyEdgesFromText("1 TeV..10 TeV/4");
  const points = estimateFluxPoints([dataset], fit.models, { energyEdges });
  assert.deepEqual(Object.keys(points), ["crab"], "the sky models' points, not the background's");
  const direct = new FluxPointsEstimator({ energyEdges, source: "crab", selectionOptional: ["errn-errp", "ul"] });
  assert.deepEqual(Array.from(points.crab.norm), Array.from(direct.run([dataset]).norm), "gammapy's estimator");
  const plot = spectrumFigures(fit.models, dataset, { fluxPoints: points }).find((f) => f.model === "crab")!;
  const drawn = points.crab.toSpectrumPoints();
  const found = markers(plot.svg);
  assert.equal(found.length, drawn.filter((p) => !p.isUpperLimit).length);
  assert.ok(found.length >= 3, `${found.length} points drawn`);
  const raster = rasterizeSvg(plot.svg);
  const dnde = points.crab.dnde;
  found.forEach(([cx, cy], i) => {
    const [x, y] = plot.layout.toSvg(points.crab.energyRef[i], dnde[i]);
    assert.ok(Math.abs(cx - x) < 0.01 && Math.abs(cy - y) < 0.01, `point ${i} at (${cx}, ${cy}), wanted (${x}, ${y})`);
    const at = (Math.round(y) * raster.width + Math.round(x)) * 4;
    assert.deepEqual(Array.from(raster.rgba.subarray(at, at + 3)), [214, 39, 40], `red at point ${i}`);
    // the bars: across the bin at dN/dE, and from dN/dE − errn up to dN/dE + errp (SVG numbers to 0.01)
    const r = (v: number) => String(Math.round(v * 100) / 100);
    const [x0] = plot.layout.toSvg(points.crab.energyMin[i], dnde[i]);
    const [x1] = plot.layout.toSvg(points.crab.energyMax[i], dnde[i]);
    const [, yLow] = plot.layout.toSvg(points.crab.energyRef[i], dnde[i] - points.crab.dndeErrn[i]);
    const [, yHigh] = plot.layout.toSvg(points.crab.energyRef[i], dnde[i] + points.crab.dndeErrp[i]);
    const bars = `M${r(x0)} ${r(y)}H${r(x1)}M${r(x)} ${r(yLow)}V${r(yHigh)}`;
    assert.ok(plot.svg.includes(bars), `point ${i}'s bars ${bars}`);
  });
  const without = spectrumFigures(fit.models, dataset).find((f) => f.model === "crab")!;
  assert.equal(markers(without.svg).length, 0, "without points, only the model and its band");

  const files = fluxPointsFiles(points, "pre-");
  assert.deepEqual(Object.keys(files), ["pre-flux-points-crab.json"]);
  const json = JSON.parse(files["pre-flux-points-crab.json"]);
  assert.equal(json.model, "crab");
  assert.deepEqual(
    json.table.map((r: { norm: number }) => r.norm),
    Array.from(points.crab.norm),
  );
  assert.deepEqual(
    json.table.map((r: { dnde_ul: number }) => r.dnde_ul),
    Array.from(points.crab.dndeUl),
  );
  assert.throws(
    () => estimateFluxPoints([dataset], fit.models, { energyEdges, source: "nebula" }),
    /no sky model 'nebula'/,
  );
});
