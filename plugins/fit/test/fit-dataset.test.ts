import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { modelsFromDict, modelsFromYaml } from "@gammaflow/core";
import { partialName, type DataAccess } from "@gammaflow/pipeline";
import { fitDatasets, fitFiles, loadModels } from "../src/index.js";
import { pointPl, sourceOnly, stack } from "./crab-stack.js";

test("fitDatasets adds the background norm and finds gammapy's fit; the files read back", () => {
  const fit = fitDatasets([stack()], modelsFromDict(sourceOnly()));
  assert.deepEqual(fit.models.names, ["crab", "crab-stack-bkg"], "a FoVBackgroundModel was added");
  assert.equal(fit.json.success, true, fit.json.message);
  assert.ok(Math.abs(fit.json.total_stat - pointPl.totalStat) <= 0.01, `${fit.json.total_stat}`);
  const [index, error] = fit.json.parameters["crab.index"];
  const want = pointPl.parameters.find((p: { name: string }) => p.name === "index");
  assert.ok(Math.abs(index - want.value) <= 0.1 * want.error && Math.abs(error / want.error - 1) <= 0.05);
  const files = fitFiles(fit);
  assert.deepEqual(Object.keys(files), ["models.yaml", "models_covariance.dat", "fit-result.json"]);
  const back = modelsFromYaml(files["models.yaml"], { readText: () => files["models_covariance.dat"] });
  assert.ok(Math.abs(back.get("crab").parameters.get("index").error - error) <= 1e-12 * error);
  assert.deepEqual(JSON.parse(files["fit-result.json"]).parameters["crab.index"], [index, error, false]);
  // a fit of a partial stack: every name marked, and the models file names its renamed covariance table
  const partial = fitFiles(fit, "", partialName);
  assert.deepEqual(Object.keys(partial), [
    "models.partial.yaml",
    "models_covariance.partial.dat",
    "fit-result.partial.json",
  ]);
  const read: string[] = [];
  modelsFromYaml(partial["models.partial.yaml"], {
    readText: (name) => {
      read.push(name);
      return partial[name];
    },
  });
  assert.deepEqual(read, ["models_covariance.partial.dat"]);
});

test("without a background norm to fit, the background stays as it is", () => {
  const fit = fitDatasets([stack()], modelsFromDict(sourceOnly()), { fitBackgroundNorm: false });
  assert.deepEqual(fit.models.names, ["crab"]);
  assert.equal(fit.json.success, true);
});

test("a dataset with no safe bins and a missing models file are refused with the reason", () => {
  const empty = stack();
  empty.maskSafe!.data.fill(0);
  assert.throws(() => fitDatasets([empty], modelsFromDict(sourceOnly())), /'crab-stack': no bins to fit/);
  const data = {
    resolve: (p: string) => path.resolve("/nowhere", p),
    join: (...parts: string[]) => path.join(...parts),
    readText: (p: string) => readFileSync(p, "utf8"),
  } as unknown as DataAccess;
  assert.throws(() => loadModels("models.yaml", data), /cannot read the models file \/nowhere\/models\.yaml/);
});
