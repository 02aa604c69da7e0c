import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import path from "node:path";
import { DataStore, type EventColumnData, MapAxis, MapDataset, runMetaFromObservation, WcsGeom } from "@gammaflow/core";
import { MemoryLogger } from "@gammaflow/pipeline";
import { toStorePath, writeDl3Run } from "@gammaflow/core/node";
import { copyFitsWithEdits, type EditableTable, planeSums } from "@gammaflow/core/testing";
import { MapDatasetMaker } from "@gammaflow/map-dataset-maker";
import { registryWith, runGraphFile } from "@gammaflow/cli";
import { assertSameMaps, classApiStack, finalStack } from "../src/graph-checks.js";
import { repoRoot } from "../src/chains.js";
import { BUNDLED_STORE, copyRun, temp, writeIndexFor } from "../src/stores.js";

const COMBINED = path.join(repoRoot, "graphs", "combined-chain.json");
const CLI = path.join(repoRoot, "cli", "dist", "src", "gammaflow.js");

test("the combined-chain graph gives exactly the class API's stack, in process and with 2 workers", async () => {
  const want = classApiStack(BUNDLED_STORE, [23523, 23592, 23526, 23559]);
  for (const workers of [0, 2]) {
    const report = await runGraphFile(COMBINED, { outDir: temp("combined"), workers, logger: new MemoryLogger() });
    assert.deepEqual(report.used, [23523, 23526, 23559, 23592]);
    assert.deepEqual(report.skipped, []);
    assert.deepEqual(report.outputs.map((o) => path.basename(o.path)).sort(), [
      "stacked-background.png",
      "stacked-counts.png",
      "stacked.fits.gz",
    ]);
    const png = readFileSync(report.outputs.find((o) => o.path.endsWith("background.png"))!.path);
    assert.deepEqual(
      [...png.subarray(1, 4)].map((c) => String.fromCharCode(c)).join(""),
      "PNG",
      "the background preview is a PNG",
    );
    assertSameMaps(finalStack(report).dataset, want);
    // with workers the safe mask is made in the maker's worker tasks (a worker step)
    assert.equal(report.timings.find((t) => t.node === "safe")?.ranIn, workers ? "maker" : undefined);
  }
});

test("a safe mask that fails in the workers' step is the safe node's error record, as in process", async () => {
  const graph = {
    name: "no-exposure",
    inputs: {
      dataStore: BUNDLED_STORE,
      geom: {
        skydir: [83.63, 22.01],
        width: "2 deg",
        binsz: "0.1 deg",
        axes: [{ name: "energy", lo: "1 TeV", hi: "10 TeV", nbin: 3, interp: "log" }],
      },
    },
    nodes: [
      { id: "runs", plugin: "datastore-source", params: { obsIds: [23523, 23592] } },
      { id: "maker", plugin: "map-dataset-maker", params: { selection: ["counts", "background"] } },
      { id: "safe", plugin: "safe-mask", params: { methods: ["aeff-max"] } },
      { id: "stack", plugin: "stacker" },
    ],
  };
  const file = path.join(temp("step-failure"), "graph.json");
  writeFileSync(file, JSON.stringify(graph));
  const skipped = [];
  for (const workers of [0, 2]) {
    const report = await runGraphFile(file, { outDir: temp("step-failure-out"), workers, logger: new MemoryLogger() });
    assert.deepEqual(report.used, []);
    skipped.push(report.skipped);
  }
  assert.deepEqual(
    skipped[0].map((s) => [s.obsId, s.node]),
    [
      [23523, "safe"],
      [23592, "safe"],
    ],
  );
  assert.match(skipped[0][0].reason, /'aeff-max' needs an exposure map/);
  assert.deepEqual(skipped[1], skipped[0]);
});

test(
  "a corrupted run is reported with its obs id and cause and skipped; " + "the stack equals the other runs' stack",
  async () => {
    const dir = temp("corrupt");
    writeIndexFor(dir, [23523, 23592, 23526]);
    for (const id of [23523, 23526]) copyRun(dir, id);
    const broken = copyRun(dir, 23592);
    truncateSync(broken, 200_000);
    const logger = new MemoryLogger();
    const report = await runGraphFile(COMBINED, {
      outDir: temp("corrupt-out"),
      logger,
      sets: [`inputs.dataStore=${dir}`, "runs.obsIds=[23523,23592,23526]"],
    });
    assert.equal(report.skipped.length, 1);
    assert.equal(report.skipped[0].obsId, 23592);
    assert.ok(["cutout", "maker"].includes(report.skipped[0].node), report.skipped[0].node);
    assert.match(report.skipped[0].reason, /hess_dl3_dr1_obs_id_023592\.fits\.gz/);
    assert.deepEqual(report.used, [23523, 23526]);
    assertSameMaps(finalStack(report).dataset, classApiStack(dir, [23523, 23526]));
  },
);

test(
  "a run whose effective area is all NaN is skipped with its obs id, file and column; " +
    "a NaN cell in another is stacked with a warning naming it",
  async () => {
    const dir = temp("spoilt-irf");
    writeIndexFor(dir, [23523, 23592]);
    const spoil = (id: number, cell: (i: number) => boolean) => {
      const file = copyRun(dir, id);
      const edit = (t: EditableTable) => {
        const column = t.column("EFFAREA");
        column.data = Float64Array.from(column.data as ArrayLike<number>, (v, i) => (cell(i) ? Number.NaN : v));
        column.format = "576D";
      };
      copyFitsWithEdits(file, file, { AEFF: edit });
      return file;
    };
    const allNan = spoil(23592, () => true);
    const oneNan = spoil(23523, (i) => i === 96 + 60);
    const logger = new MemoryLogger();
    const report = await runGraphFile(COMBINED, {
      outDir: temp("spoilt-irf-out"),
      logger,
      sets: [`inputs.dataStore=${dir}`, "runs.obsIds=[23523,23592]"],
    });
    assert.deepEqual(report.used, [23523]);
    assert.equal(report.skipped.length, 1);
    assert.equal(report.skipped[0].obsId, 23592);
    assert.equal(report.skipped[0].node, "maker");
    assert.ok(report.skipped[0].reason.startsWith(`observation 23592 aeff: ${allNan}[AEFF] column EFFAREA: all 576`));
    const warning = logger.lines.find((l) => l.level === "warn" && l.message.includes("NaN or infinite"));
    assert.ok(warning?.message.includes(`observation 23523 aeff: ${oneNan}[AEFF] column EFFAREA`), warning?.message);
  },
);

test("the watching source: runs copied into the folder during the run all end up in the stack, each once", async () => {
  const dir = temp("watch");
  const arrivals = [23523, 23526, 23559];
  const logger = new MemoryLogger();
  const running = runGraphFile(path.join(repoRoot, "graphs", "watch-folder.json"), {
    outDir: temp("watch-out"),
    logger,
    sets: [`incoming.folder=${dir}`, "incoming.idleTimeout=5 s", "incoming.pollInterval=0.05 s"],
  });
  const arrived: number[] = [];
  for (const id of arrivals) {
    await new Promise((r) => setTimeout(r, 250));
    copyRun(dir, id); // the data file first, then the index entry, as a telescope's writer would
    arrived.push(id);
    writeIndexFor(dir, arrived);
  }
  const report = await running;
  const stack = finalStack(report);
  assert.deepEqual([...stack.obsIds].sort(), [...arrivals].sort(), "every run once");
  assert.deepEqual(report.skipped, []);
  assertSameMaps(stack.dataset, classApiStack(dir, stack.obsIds));
  assert.ok(logger.lines.some((l) => /incoming: 1 new run \(23523\)/.test(l.message)));
});

test("the watching source takes runs as writeDl3Run writes them into the folder, each once", async () => {
  const dir = temp("watch-written");
  const arrivals = [23592, 23523];
  const logger = new MemoryLogger();
  const running = runGraphFile(path.join(repoRoot, "graphs", "watch-folder.json"), {
    outDir: temp("watch-written-out"),
    logger,
    sets: [`incoming.folder=${dir}`, "incoming.idleTimeout=5 s", "incoming.pollInterval=0.05 s"],
  });
  const source = DataStore.fromDir(toStorePath(BUNDLED_STORE));
  for (const id of arrivals) {
    await new Promise((r) => setTimeout(r, 250));
    const obs = source.obs(id);
    const events = Object.fromEntries(
      ["EVENT_ID", "TIME", "RA", "DEC", "ENERGY"].map((c) => [c, obs.events.table.column(c) as EventColumnData]),
    );
    writeDl3Run(dir, { events, meta: runMetaFromObservation(obs), irfsFrom: obs });
  }
  const report = await running;
  const stack = finalStack(report);
  assert.deepEqual([...stack.obsIds].sort(), [...arrivals].sort(), "every run once");
  assert.deepEqual(report.skipped, []);
  assertSameMaps(stack.dataset, classApiStack(BUNDLED_STORE, stack.obsIds));
});

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", cwd: repoRoot });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test("every documentation graph runs with the CLI; --json reports what was used", { timeout: 300_000 }, () => {
  const out = temp("cli");
  const empty = cli(["run", "graphs/empty-dataset.json", "--out", out, "--json"]);
  assert.equal(empty.code, 0, empty.err);
  const emptyLog = JSON.parse(empty.out)
    .log.map((l: { message: string }) => l.message)
    .join("\n");
  assert.match(emptyLog, /Total counts\s+: 0/);
  assert.match(emptyLog, /Number of total bins\s+: 2851200/);
  const trueEnergy = cli(["run", "graphs/empty-dataset-true-energy.json", "--out", out]);
  assert.equal(trueEnergy.code, 0, trueEnergy.err);
  assert.match(trueEnergy.out, /MapDataset/);
  // The documentation's stacking example: MapDatasetMaker on the whole geometry, no safe mask.
  const energy = MapAxis.fromBounds(1, 10, 11, { name: "energy", unit: "TeV", interp: "log" });
  const stacked = MapDataset.create(WcsGeom.create({ skydir: [83.63, 22.01], axes: [energy], width: 5, binsz: 0.02 }));
  stacked.stack(new MapDatasetMaker().run(stacked, DataStore.fromDir(toStorePath(BUNDLED_STORE)).obs(23592)));
  for (const graph of ["run-23592", "safe-mask", "stacking"]) {
    const r = cli(["run", `graphs/${graph}.json`, "--out", out, "--json"]);
    assert.equal(r.code, 0, `${graph}: ${r.err}`);
    const report = JSON.parse(r.out);
    assert.deepEqual(report.used, [23592], graph);
    const log = report.log.map((l: { message: string }) => l.message).join("\n");
    if (graph === "safe-mask") assert.match(log, /WcsNDMap/);
    else assert.match(log, new RegExp(`Total counts\\s+: ${graph === "stacking" ? stacked.counts.sum() : "\\d+"}`));
  }
  const combined = cli(["run", "graphs/combined-chain.json", "--out", out]);
  assert.equal(combined.code, 0, combined.err);
  assert.match(combined.out, /used 4 observations: 23523, 23526, 23559, 23592/);
  const info = cli(["info", path.join(out, "stacked.fits.gz"), "--json"]);
  assert.equal(JSON.parse(info.out).counts, classApiStack(BUNDLED_STORE, [23523, 23592, 23526, 23559]).counts.sum());
});

test("the CLI refuses a bad graph before reading data, naming node and param, and lists the plugins", async () => {
  const bad = cli([
    "validate",
    "graphs/combined-chain.json",
    "--set",
    "safe.offsetMax=3 TeV",
    "--set",
    'safe.methods=["aeff-maximum"]',
  ]);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /safe\.offsetMax \(from --set safe\.offsetMax=3 TeV\): "3 TeV" is not an angle/);
  assert.match(bad.err, /safe\.methods\[0\] \(from --set .*\): must be equal to one of the allowed values/);
  const plugins = JSON.parse(cli(["plugins", "--json"]).out) as Array<{ name: string }>;
  const builtIn = (await registryWith([])).list().map((p) => p.name);
  assert.deepEqual(plugins.map((p) => p.name).sort(), [...builtIn].sort(), "the command lists every built-in plugin");
  const text = cli(["plugins"]).out;
  assert.match(text, /safe-mask 0\.1\.0 {2}\(dataset → dataset\)/);
  const readme = readFileSync(path.join(repoRoot, "graphs", "README.md"), "utf8");
  for (const g of ["empty-dataset", "run-23592", "safe-mask", "stacking", "combined-chain", "watch-folder"])
    assert.match(readme, new RegExp(g));
});

test("every graph in graphs/ validates, and each node's emitted kinds are what its consumers take", () => {
  for (const file of readdirSync(path.join(repoRoot, "graphs")).filter((f) => f.endsWith(".json"))) {
    const r = cli(["validate", `graphs/${file}`]);
    assert.equal(r.code, 0, `${file}: ${r.err}`);
    assert.match(r.out, /valid — \d+ nodes/, file);
  }
});

test(
  "wiring a ring background after a 3-D map maker without to-image is refused at validate, " + "naming both nodes",
  () => {
    const graph = JSON.parse(readFileSync(path.join(repoRoot, "graphs", "ring-background.json"), "utf8")) as {
      nodes: Array<{ id: string; plugin: string }>;
      edges: Array<{ from: string; to: string }>;
    };
    const image = graph.nodes.find((n) => n.plugin === "to-image")!;
    const before = graph.edges.find((e) => e.to === image.id)!.from;
    const ring = graph.nodes.find((n) => n.plugin === "ring-background")!;
    // The same graph with to-image taken out: what fed it now feeds the ring directly.
    const withoutImage = {
      ...graph,
      nodes: graph.nodes.filter((n) => n !== image),
      edges: graph.edges
        .filter((e) => e.to !== image.id)
        .map((e) => (e.from === image.id ? { ...e, from: before } : e)),
    };
    const beforeNode = graph.nodes.find((n) => n.id === before)!;
    // Beside the original, so its relative data store path still reads (validate reads no data anyway).
    const file = path.join(repoRoot, "graphs", `.wrong-wiring-${process.pid}.json`);
    writeFileSync(file, JSON.stringify(withoutImage));
    try {
      const r = cli(["validate", file]);
      assert.equal(r.code, 1, r.out);
      const message =
        `'${beforeNode.id}' \\(${beforeNode.plugin}\\) emits dataset, ` +
        `but '${ring.id}' \\(ring-background\\) takes image-dataset \\(put to-image between them\\)`;
      assert.match(r.err, new RegExp(message));
    } finally {
      rmSync(file, { force: true });
    }
  },
);

/** gammapy 1.0's numbers for the bundled runs (scripts/fixtures/counts_doc_geometry.py, combined_chain.py). */
function fixture<T>(file: string): T {
  return JSON.parse(readFileSync(path.join(repoRoot, file), "utf8")) as T;
}

test("the documentation's single-run graphs give gammapy 1.0's counts and safe mask for run 23592", async () => {
  // The documentation's geometry has 0.02° pixels; the graphs take gammapy's default (0.5°) unless told.
  const sets = ["inputs.geom.binsz=0.02 deg"];
  const counts = fixture<{ runs: Array<{ obsId: number; total: number; perEnergyBin: number[] }> }>(
    "core/test/fixtures/counts_doc_geometry.json",
  ).runs.find((r) => r.obsId === 23592)!;
  const made = await runGraphFile(path.join(repoRoot, "graphs", "run-23592.json"), {
    sets,
    outDir: temp("g1"),
    logger: new MemoryLogger(),
  });
  const dataset = (made.results.find((m) => m.kind === "dataset") as { dataset: MapDataset }).dataset;
  assert.equal(dataset.counts.sum(), counts.total);
  assert.deepEqual(planeSums(dataset.counts), counts.perEnergyBin);
  const masks = fixture<{ runs: Array<{ obsId: number; maskPlaneSums: number[] }> }>(
    "plugins/safe-mask/test/fixtures/combined_chain.json",
  ).runs.find((r) => r.obsId === 23592)!;
  const safe = await runGraphFile(path.join(repoRoot, "graphs", "safe-mask.json"), {
    sets,
    outDir: temp("g2"),
    logger: new MemoryLogger(),
  });
  const masked = (safe.results.find((m) => m.kind === "dataset") as { dataset: MapDataset }).dataset;
  // gammapy's mask was made on the run's 6° cutout; every pixel beyond it lies past offset-max anyway
  assert.deepEqual(planeSums(masked.maskSafe!), masks.maskPlaneSums);
});
