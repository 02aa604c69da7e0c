import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Datasets } from "../src/datasets/index.js";
import { readDataset, readDatasets, writeDatasets } from "../src/nodejs/index.js";
import {
  astropyUnitString,
  covarianceToTable,
  GaussianSpatialModel,
  Models,
  modelsFromYaml,
  modelsToDict,
  modelsToYaml,
  parameterRows,
  parametersTable,
  PowerLawSpectralModel,
  SkyModel,
} from "../src/modeling/index.js";
import { fixturePath } from "./fixtures.js";

const fits = JSON.parse(readFileSync(fixturePath("fits.json"), "utf8"));
const readText = (name: string) => readFileSync(fixturePath(name), "utf8");

test("gammapy's best-fit models file reads with its values, errors and covariance", () => {
  const models = modelsFromYaml(readText("fit_point_pl_models.yaml"), { readText });
  const want = fits.fits.find((f: { label: string }) => f.label === "point-pl");
  assert.deepEqual(models.names, ["crab", "crab-stack-bkg"]);
  for (const p of want.parameters) {
    const got = models.get(p.model).parameters.get(p.name);
    assert.ok(Math.abs(got.value - p.value) <= 1e-12 * Math.abs(p.value), `${p.name} value`);
    assert.ok(Math.abs(got.error - p.error) <= 1e-9 * p.error + 1e-300, `${p.name} error ${got.error} vs ${p.error}`);
    assert.equal(got.frozen, p.frozen, `${p.name} frozen`);
  }
  const cov = models.covariance;
  assert.ok(cov.get(0, 1) !== 0, "the correlations are kept");
  assert.ok(Math.abs(Math.sqrt(cov.get(0, 0)) - want.parameters[0].error) <= 1e-9 * want.parameters[0].error);
});

test("our models file is gammapy's layout: written and read back to the same models and covariance", () => {
  const models = modelsFromYaml(readText("fit_point_pl_models.yaml"), { readText });
  const yaml = modelsToYaml(models, { covarianceFile: "out_covariance.dat" });
  const table = covarianceToTable(models);
  const back = modelsFromYaml(yaml, { readText: () => table });
  assert.deepEqual(modelsToDict(back), modelsToDict(models));
  assert.deepEqual(Array.from(back.covariance.data), Array.from(models.covariance.data));
  // the same structure as gammapy's own file, key for key
  const theirs = parse(readText("fit_point_pl_models.yaml"));
  const ours = parse(yaml);
  assert.deepEqual(
    ours.components.map((c: Record<string, unknown>) => Object.keys(c)),
    theirs.components.map((c: Record<string, unknown>) => Object.keys(c)),
  );
  assert.deepEqual(ours.components[0].spectral, theirs.components[0].spectral);
});

test("a parameter shared by two models is written with a link label and read back shared", () => {
  const spectral = new PowerLawSpectralModel({ index: 2.4 });
  const a = new SkyModel(spectral, { spatialModel: new GaussianSpatialModel({ sigma: 0.2 }), name: "a" });
  const other = new PowerLawSpectralModel({ index: spectral.parameters.get("index") });
  const b = new SkyModel(other, { spatialModel: new GaussianSpatialModel({ sigma: 0.3 }), name: "b" });
  const yaml = modelsToYaml(new Models([a, b]));
  assert.match(yaml, /link: index@[0-9a-f]{8}/);
  const back = modelsFromYaml(yaml);
  const [ia, ib] = ["a", "b"].map((n) => back.get(n).parameters.get("index"));
  assert.equal(ia, ib, "one Parameter object");
  assert.equal(back.parameters.unique.length, back.parameters.length - 1);
});

test("bad models files are refused with the component and the reason", () => {
  assert.throws(() => modelsFromYaml("components: 3"), /no 'components' list/);
  assert.throws(
    () => modelsFromYaml("components:\n- name: x\n  type: SkyModel\n  spectral: {type: NoSuchModel}"),
    /component 0 \('x'\): unknown spectral model type 'NoSuchModel'/,
  );
  assert.throws(
    () => modelsFromYaml("components:\n- type: FoVBackgroundModel\n  spectral: {type: PowerLawNormSpectralModel}"),
    /needs its dataset's name/,
  );
});

test("a dataset with models prints as gammapy 1.0 prints it, character for character", () => {
  const dataset = readDataset(fixturePath("npred_dataset.fits.gz"));
  dataset.name = "crab-stack";
  dataset.models = modelsFromYaml(readText("fit_point_pl_models.yaml"), { readText });
  assert.equal(dataset.toString(), readText("dataset_with_models.txt"));
  assert.equal(astropyUnitString("cm-2 s-1 TeV-1"), "1 / (cm2 s TeV)");
  assert.equal(astropyUnitString("TeV-1"), "1 / TeV");
  assert.equal(astropyUnitString("m2 s"), "m2 s");
});

test("datasets and their models written as gammapy's Datasets.write, read back the same", () => {
  const dataset = readDataset(fixturePath("npred_dataset.fits.gz"));
  dataset.name = "crab-stack";
  dataset.models = modelsFromYaml(readText("fit_point_pl_models.yaml"), { readText });
  const dir = mkdtempSync(path.join(tmpdir(), "gammaflow-datasets-"));
  writeDatasets(new Datasets([dataset]), path.join(dir, "my_datasets.yaml"), {
    modelsFile: path.join(dir, "my_models.yaml"),
  });
  assert.match(
    readFileSync(path.join(dir, "my_datasets.yaml"), "utf8"),
    /name: crab-stack\n\s+type: MapDataset\n\s+filename: crab-stack\.fits/,
  );
  const back = readDatasets(path.join(dir, "my_datasets.yaml"), { modelsFile: path.join(dir, "my_models.yaml") });
  assert.deepEqual(back.names, ["crab-stack"]);
  assert.equal(back.statSum(), dataset.statSum());
  assert.deepEqual(Array.from(back.models.covariance.data), Array.from(dataset.models.covariance.data));
});

test("infoDict equals gammapy 1.0's info_dict (dataset_print.py)", () => {
  const want = JSON.parse(readText("dataset_info.json"));
  const dataset = readDataset(fixturePath("npred_dataset.fits.gz"));
  dataset.name = "crab-stack";
  dataset.models = modelsFromYaml(readText("fit_point_pl_models.yaml"), { readText });
  const got = dataset.infoDict() as unknown as Record<string, number | string>;
  assert.deepEqual(Object.keys(got), Object.keys(want));
  for (const [key, value] of Object.entries(want) as Array<[string, number | string]>) {
    if (typeof value === "string") assert.equal(got[key], value, key);
    else assert.ok(Math.abs((got[key] as number) - value) <= 1e-6 * Math.abs(value), `${key}: ${got[key]} vs ${value}`);
  }
});

test("parameter rows: each model's parameters in order with value, error, unit and frozen; a shared one once", () => {
  const models = modelsFromYaml(readText("fit_point_pl_models.yaml"), { readText });
  const rows = parameterRows(models);
  assert.equal(rows.length, models.parameters.unique.length);
  const amplitude = rows.find((r) => r.model === "crab" && r.name === "amplitude")!;
  const parameter = models.get("crab").parameters.get("amplitude");
  assert.deepEqual(
    [amplitude.type, amplitude.value, amplitude.error, amplitude.unit, amplitude.frozen],
    ["spectral", parameter.value, parameter.error, "cm-2 s-1 TeV-1", false],
  );
  assert.equal(rows.find((r) => r.name === "reference")?.frozen, true);
  const table = parametersTable(models).split("\n");
  assert.equal(table.length, rows.length + 2);
  assert.match(table[2 + rows.indexOf(amplitude)], /^ *crab +spectral +amplitude +\d\.\d{4}e-\d{2} cm-2 s-1 TeV-1 /);
  const spectral = new PowerLawSpectralModel({ index: 2.4 });
  const shared = new PowerLawSpectralModel({ index: spectral.parameters.get("index") });
  const two = new Models([new SkyModel(spectral, { name: "a" }), new SkyModel(shared, { name: "b" })]);
  assert.deepEqual(
    parameterRows(two)
      .filter((r) => r.name === "index")
      .map((r) => r.model),
    ["a"],
  );
});
