import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import {
  ComputeCache,
  kernelPaths,
  setDefaultComputeCache,
  type MapDataset,
  type MapDatasetOnOff,
  type WcsNDMap,
} from "@gammaflow/core";
import { MemoryLogger } from "@gammaflow/pipeline";
import { runGraphFile } from "@gammaflow/cli";
import { finalStack } from "../src/graph-checks.js";
import { repoRoot } from "../src/chains.js";
import { temp } from "../src/stores.js";

// The documented chains once with the tuned kernels and once with the reference paths they
// replace (`--reference-paths`): the tuned code must give the reference's numbers.

/** Compute-cache namespaces that only the tuned kernels fill. */
const TUNED_ONLY = ["irf offset cells", "background kernel tables", "mask pixels"];

interface Ran {
  dataset: MapDataset;
  namespaces: string[];
}

async function run(graph: string, referencePaths: boolean, workers = 0): Promise<Ran> {
  const cache = new ComputeCache();
  const previous = setDefaultComputeCache(cache);
  try {
    const report = await runGraphFile(path.join(repoRoot, "graphs", graph), {
      outDir: temp(`paths-${referencePaths}`),
      referencePaths,
      workers,
      logger: new MemoryLogger(),
    });
    assert.deepEqual(report.skipped, []);
    return { dataset: finalStack(report).dataset, namespaces: Object.keys(cache.stats().namespaces) };
  } finally {
    setDefaultComputeCache(previous);
  }
}

function maps(dataset: MapDataset): Array<[string, WcsNDMap | undefined]> {
  const onOff = dataset as MapDatasetOnOff;
  return [
    ["counts", dataset.counts],
    ["exposure", dataset.exposure],
    ["background", dataset.background],
    ["mask_safe", dataset.maskSafe],
    ["psf", dataset.psf?.psfMap],
    ["edisp", dataset.edisp?.edispMap],
    ["counts_off", onOff.countsOff],
    ["acceptance", onOff.acceptance],
    ["acceptance_off", onOff.acceptanceOff],
  ];
}

/**
 * Largest relative difference beyond `floor` (values not the same number, such as NaN against a
 * number, count as Infinity): max over the values of (|x − y| − floor) / max(|x|, |y|).
 */
function worstRelative(a: WcsNDMap, b: WcsNDMap, floor = 0): number {
  let worst = 0;
  for (let i = 0; i < a.data.length; i++) {
    const x = a.data[i];
    const y = b.data[i];
    if (Object.is(x, y)) continue;
    const rel = (Math.abs(x - y) - floor) / Math.max(Math.abs(x), Math.abs(y));
    worst = Math.max(worst, Number.isNaN(rel) ? Infinity : rel);
  }
  return worst;
}

/**
 * Kernel values are probabilities (each true energy's sum at most 1), and the tuned kernels sum
 * a pixel's densities in another order (through the offset nodes: see edisp-kernel-nodes.ts): far
 * in the tails, differences of cumulative sums near 1, they move by ~1e-15 absolutely.
 */
const KERNEL_FLOOR = 1e-14;

/**
 * Every map bit for bit the same, but the energy-dispersion map: its tuned table normalises
 * by one multiplication with the inverse sum where the reference divides (a few ulp) and its
 * kernels come through the offset nodes (KERNEL_FLOOR); a stacked kernel map (float32, gammapy
 * 1.0's default) can then round to the neighbouring float32.
 */
function assertSameNumbers(tuned: MapDataset, reference: MapDataset, what: string): void {
  const theirs = new Map(maps(reference));
  let compared = 0;
  for (const [name, map] of maps(tuned)) {
    const other = theirs.get(name);
    assert.equal(Boolean(map), Boolean(other), `${what}: ${name} present in both or neither`);
    if (!map || !other) continue;
    assert.deepEqual(map.geom.dataShape, other.geom.dataShape, `${what}: ${name} shape`);
    const worst = worstRelative(map, other, name === "edisp" ? KERNEL_FLOOR : 0);
    const limit = name !== "edisp" ? 0 : map.dtype === "float32" ? 2 ** -23 : 1e-14;
    assert.ok(worst <= limit, `${what}: ${name} differs by ${worst} (relative), allowed ${limit}`);
    compared++;
  }
  assert.ok(compared >= 6, `${what}: ${compared} maps compared`);
}

test("combined chain: the tuned kernels give the reference paths' stack, in process and with 2 workers", async () => {
  const tuned = await run("combined-chain.json", false);
  const reference = await run("combined-chain.json", true);
  for (const ns of TUNED_ONLY.slice(0, 2)) {
    assert.ok(tuned.namespaces.includes(ns), `the tuned run used ${ns}`);
    assert.ok(!reference.namespaces.includes(ns), `the reference run did not use ${ns}`);
  }
  assert.equal(kernelPaths(), "tuned", "the run restores the process's setting");
  assertSameNumbers(tuned.dataset, reference.dataset, "in process");
  const workers = await run("combined-chain.json", true, 2);
  assertSameNumbers(tuned.dataset, workers.dataset, "reference paths in 2 workers");
});

test("ring chain with an exclusion: the tuned kernels give the reference paths' on-off stack", async () => {
  const tuned = await run("adaptive-ring-background.json", false);
  const reference = await run("adaptive-ring-background.json", true);
  assert.ok(tuned.namespaces.includes("mask pixels"), "the tuned run re-projected the exclusion from the cache");
  for (const ns of TUNED_ONLY) assert.ok(!reference.namespaces.includes(ns), `the reference run did not use ${ns}`);
  assertSameNumbers(tuned.dataset, reference.dataset, "adaptive ring");
});
