// The fit tests' shared inputs: the Crab stack of core's fixtures and gammapy's point-pl fit of it.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { ModelsDict } from "@gammaflow/core";
import { readDataset } from "@gammaflow/core/node";

export const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../../core/test/fixtures");
export const readText = (name: string) => readFileSync(path.join(FIXTURES, name), "utf8");

const fits = JSON.parse(readText("fits.json"));
/** gammapy's point source + power-law fit of the stack (core/test/fixtures/fits.json). */
export const pointPl = fits.fits.find((f: { label: string }) => f.label === "point-pl");

/** The stacked dataset of the four bundled Crab runs, named as the models refer to it. */
export function stack() {
  const dataset = readDataset(path.join(FIXTURES, "npred_dataset.fits.gz"));
  dataset.name = "crab-stack";
  return dataset;
}

/** gammapy's start models without their background model: fitDatasets adds it. */
export function sourceOnly(): ModelsDict {
  const start = pointPl.start as ModelsDict;
  return { components: start.components.filter((c) => c.type === "SkyModel") };
}
