// `gammaflow fit --flux-points`: the table printed and written, and the spectrum figure with the
// points, checked against the same steps run here (the fit is deterministic: the same numbers).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { modelsFromDict, modelsFromYaml, modelsToYaml, type ModelsDict } from "@gammaflow/core";
import { readDataset, svgToPng } from "@gammaflow/core/node";
import { energyEdgesFromText, estimateFluxPoints, fitDatasets, spectrumFigures } from "@gammaflow/fit";
import { CLI, REPO, temp } from "./spawn-cli.js";

const FIXTURES = path.join(REPO, "core", "test", "fixtures");
const DATASET = path.join(FIXTURES, "npred_dataset.fits.gz");

function gammaflow(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", cwd: REPO });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** The Fit tests' start models of the Crab stack, without the background model (fit adds it). */
function startModels(dir: string): string {
  const fits = JSON.parse(readFileSync(path.join(FIXTURES, "fits.json"), "utf8"));
  const start = fits.fits.find((f: { label: string }) => f.label === "point-pl").start as ModelsDict;
  const file = path.join(dir, "start.yaml");
  writeFileSync(
    file,
    modelsToYaml(modelsFromDict({ components: start.components.filter((c) => c.type === "SkyModel") })),
  );
  return file;
}

test("fit --flux-points writes the flux points and draws them on the spectrum, as the same steps here", () => {
  const dir = temp("fit-flux-points");
  const models = startModels(dir);
  const edges = "1 TeV..10 TeV/4";
  const run = gammaflow([
    "fit",
    DATASET,
    "--models",
    models,
    "--name",
    "crab-stack",
    "--out",
    dir,
    "--flux-points",
    edges,
  ]);
  assert.equal(run.code, 0, run.err);
  assert.match(run.out, /flux points of 'crab' \(energies in TeV/);
  assert.match(run.out, /e_min +e_max +e_ref +dnde +dnde_errn +dnde_errp +dnde_ul +ts +is_ul/);
  assert.match(run.out, /wrote .*flux-points-crab\.json, .*spectrum-crab\.png/);

  const dataset = readDataset(DATASET);
  dataset.name = "crab-stack";
  const fit = fitDatasets([dataset], modelsFromYaml(readFileSync(models, "utf8")));
  const points = estimateFluxPoints([dataset], fit.models, { energyEdges: energyEdgesFromText(edges) });
  const written = JSON.parse(readFileSync(path.join(dir, "flux-points-crab.json"), "utf8"));
  assert.equal(written.table.length, 4);
  assert.deepEqual(
    written.table.map((r: { norm: number; ts: number; dnde: number }) => [r.norm, r.ts, r.dnde]),
    points.crab.toTable().map((r, i) => [r.norm, r.ts, points.crab.dnde[i]]),
  );
  const figure = spectrumFigures(fit.models, dataset, { fluxPoints: points }).find((f) => f.model === "crab")!;
  assert.ok(
    Buffer.from(svgToPng(figure.svg)).equals(readFileSync(path.join(dir, "spectrum-crab.png"))),
    "the written figure is the one with the points",
  );
  const markers = [...figure.svg.matchAll(/<circle cx="([\d.]+)" cy="([\d.]+)" r="3.2"/g)].slice(0, -1);
  assert.equal(markers.length, 4);
  markers.forEach((m, i) => {
    const [x, y] = figure.layout.toSvg(points.crab.energyRef[i], points.crab.dnde[i]);
    assert.ok(Math.abs(Number(m[1]) - x) < 0.01 && Math.abs(Number(m[2]) - y) < 0.01, `point ${i}`);
  });

  const json = gammaflow(
    ["fit", DATASET, "--models", models, "--name", "crab-stack", "--out", dir, "--json"].concat([
      "--flux-points",
      "1, 3.1622776601683795, 10",
    ]),
  );
  assert.equal(json.code, 0, json.err);
  const table = JSON.parse(json.out).fluxPoints.crab;
  // the edges snap to the dataset's (1, 1.78, 3.16, 5.62, 10 TeV)
  const axis = dataset.counts.geom.axisByName("energy").edges;
  assert.deepEqual(
    table.map((r: { e_min: number }) => r.e_min),
    [axis[0], axis[2]],
  );
});

test("fit --flux-points refuses what it cannot use, before fitting", () => {
  const dir = temp("fit-flux-points-bad");
  const models = startModels(dir);
  const base = ["fit", DATASET, "--models", models, "--out", dir];
  const bad = gammaflow([...base, "--flux-points", "1 deg..10 deg/4"]);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /'1 deg' is not an energy/);
  const usage = gammaflow([...base, "--flux-points-source", "crab"]);
  assert.equal(usage.code, 2);
  assert.match(usage.err, /--flux-points-source needs --flux-points EDGES/);
  const source = gammaflow([
    ...base,
    "--name",
    "crab-stack",
    "--flux-points",
    "1 TeV..10 TeV/2",
    "--flux-points-source",
    "x",
  ]);
  assert.equal(source.code, 1);
  assert.match(source.err, /no sky model 'x' \(sky models: crab\)/);
});
