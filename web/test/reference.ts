// The CLI's results for graphs/quick-look.json, which the page's must equal.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { readDataset } from "@gammaflow/core/node";
import { ExcessMapEstimator, mapMaximum } from "@gammaflow/excess-map";

export const REPO = fileURLToPath(new URL("../../..", import.meta.url));
export const STORE = path.join(REPO, "data/hess-dl3-dr1");
/** The bundled runs in the obs index's order (the order the CLI stacks them in). */
export const RUN_FILES = readdirSync(path.join(STORE, "data"))
  .sort()
  .map((f) => path.join(STORE, "data", f));

/** The quick-look graph's target, which the tests type into the page's form. */
export const TARGET = { ra: "83.63", dec: "22.01" };

export interface Totals {
  counts: number;
  excess: number;
  peakSignificance: number;
}

export interface CliReference {
  /** The CLI's stacked dataset (gzipped FITS). */
  file: string;
  totals: Totals;
  /** The significance line the CLI logged. */
  logged: string;
  durationMs: number;
}

/** Run `gammaflow run graphs/quick-look.json` and read its stack back. */
export function cliReference(): CliReference {
  const out = mkdtempSync(path.join(os.tmpdir(), "gammaflow-web-cli-"));
  const cli = path.join(REPO, "cli/dist/src/gammaflow.js");
  const graph = path.join(REPO, "graphs/quick-look.json");
  const result = spawnSync(process.execPath, [cli, "run", graph, "--out", out, "--json"], { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`gammaflow run failed (${result.status}): ${result.stderr}`);
  const report = JSON.parse(result.stdout) as { log: Array<{ message: string }>; durationMs: number };
  const file = path.join(out, "stacked.fits.gz");
  return {
    file,
    totals: datasetTotals(file),
    logged: report.log.map((l) => l.message).find((m) => m.includes("significance maximum")) ?? "",
    durationMs: report.durationMs,
  };
}

/** Counts and excess summed inside the safe mask, and the peak significance (0.1° correlation). */
export function datasetTotals(file: string): Totals {
  const dataset = readDataset(file);
  const image = dataset.toImage();
  const background = image.npredBackground()!.data;
  const mask = image.mask;
  let [counts, predicted] = [0, 0];
  for (let i = 0; i < image.counts.data.length; i++) {
    if (mask && !mask[i]) continue;
    counts += image.counts.data[i];
    predicted += background[i];
  }
  const significance = new ExcessMapEstimator({ correlationRadius: "0.1 deg" }).run(dataset).sqrt_ts;
  return { counts, excess: counts - predicted, peakSignificance: mapMaximum(significance).value };
}

export const readBytes = (file: string) => new Uint8Array(readFileSync(file));
