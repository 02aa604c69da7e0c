import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { from, lastValueFrom, toArray } from "rxjs";
import { MapAxis, MapDataset, WcsGeom, WcsNDMap } from "@gammaflow/core";
import {
  createContainer,
  createRunContainer,
  instantiateNode,
  MemoryLogger,
  type DataAccess,
  type DatasetMessage,
  type FileMessage,
  type Message,
  type ObservationMessage,
} from "@gammaflow/pipeline";
import type { Container } from "inversify";
import { nodeDataAccess } from "@gammaflow/pipeline/node";
import { readFits } from "@gammaflow/core/node";
import { filledDataset } from "@gammaflow/core/testing";
import { cutoutPlugin, datasetWriterPlugin, pngPreviewPlugin, summaryPlugin, toImagePlugin } from "../src/index.js";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..");
const energy = MapAxis.fromBounds(1, 10, 2, { name: "energy", unit: "TeV", interp: "log" });
const geom = WcsGeom.create({ skydir: [83.63, 22.01], width: 1, binsz: 0.1, axes: [energy] });

/** Writes go to memory, so the tests can look at them. */
function memoryData(): DataAccess & { written: Map<string, unknown> } {
  const written = new Map<string, unknown>();
  return {
    written,
    openDataStore: () => assert.fail("no data store in these tests"),
    list: () => [],
    readMap: () => assert.fail("no maps to read"),
    readText: () => assert.fail("no text to read"),
    writeMap: (m, p) => void written.set(p, m),
    writeDataset: (d, p) => void written.set(p, d),
    writeBytes: (p, b) => void written.set(p, b),
    resolve: (p) => p,
    join: (...parts) => parts.join("/"),
  };
}

function services(data: DataAccess = memoryData(), target = geom): Container & { log: MemoryLogger } {
  const log = new MemoryLogger();
  const run = createRunContainer(createContainer({ data, logger: log }), { geom: target, outDir: "out" });
  return Object.assign(run, { log });
}

/** A dataset on the target geometry with `n` counts in every bin and a safe mask everywhere. */
function filled(n: number, seq: number): DatasetMessage {
  const dataset = filledDataset(geom, n, `obs-${seq}`);
  return { kind: "dataset", seq, obsId: 100 + seq, obsIds: [100 + seq], dataset };
}

const run = async (operator: (input: ReturnType<typeof from<Message[]>>) => unknown, input: Message[]) =>
  lastValueFrom((operator(from(input)) as ReturnType<typeof from<Message[]>>).pipe(toArray()));

test("to-image, summary, dataset-writer and png-preview", async () => {
  const data = memoryData();
  const s = services(data);
  const images = (await run(instantiateNode(toImagePlugin, {}, s, "image"), [filled(2, 0)])) as DatasetMessage[];
  assert.deepEqual(images[0].dataset.counts.geom.dataShape, [1, 10, 10]);
  await run(instantiateNode(summaryPlugin, { what: "dataset" }, s, "print"), images);
  assert.match(s.log.lines[0].message, /^print:\nMapDataset\n-+\n\n {2}Name\s+: obs-0/);
  const final = { ...filled(1, 0), final: true };
  const files = (await run(instantiateNode(datasetWriterPlugin, { path: "{name}.fits.gz" }, s, "write"), [
    filled(1, 1),
    final,
  ])) as FileMessage[];
  assert.deepEqual(
    files.map((f) => f.path),
    ["out/obs-0.fits.gz"],
    "only the final dataset is written by default",
  );
  assert.ok(data.written.get("out/obs-0.fits.gz") instanceof MapDataset);
  const previews = (await run(instantiateNode(pngPreviewPlugin, { maps: ["counts", "excess", "nope"] }, s, "preview"), [
    final,
  ])) as FileMessage[];
  // one file message per image, one path each (a report lists each path it can open)
  assert.deepEqual(
    previews.map((f) => [f.kind, f.path]),
    [
      ["file", "out/obs-0-counts.png"],
      ["file", "out/obs-0-excess.png"],
    ],
  );
  const png = data.written.get("out/obs-0-excess.png") as Uint8Array;
  assert.deepEqual([...png.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10]);
  assert.ok(s.log.lines.some((l) => l.level === "warn" && /has no nope map/.test(l.message)));
  const sqrtTs = WcsNDMap.fromGeom(geom.toImage());
  await run(instantiateNode(pngPreviewPlugin, { maps: ["sqrt_ts"], path: "{map}.png" }, s, "preview"), [
    { kind: "maps", name: "stacked", maps: { sqrt_ts: sqrtTs }, obsIds: [], final: true },
  ]);
  assert.ok(data.written.has("out/sqrt_ts.png"));
});

test("png-preview: an SVG sky image of real counts with the chosen colour map, smoothing and title", async () => {
  const events = readFits(path.join(REPO, "data/hess-dl3-dr1/data/hess_dl3_dr1_obs_id_023523.fits.gz")).table("EVENTS");
  const counts = WcsNDMap.fromGeom(WcsGeom.create({ skydir: [83.63, 22.01], width: 3, binsz: 0.02 }));
  counts.fillEvents({ lon: events.columnAsFloat64("RA"), lat: events.columnAsFloat64("DEC"), columns: {} });
  const data = memoryData();
  const params = {
    maps: ["counts"],
    format: "svg",
    colormap: "RdBu_r",
    smooth: "3 arcmin",
    title: "Crab {map} ({name})",
  };
  const [file] = (await run(instantiateNode(pngPreviewPlugin, params, services(data), "preview"), [
    { kind: "maps", name: "run-23523", maps: { counts }, obsIds: [23523], final: true },
  ])) as FileMessage[];
  assert.equal(file.path, "out/run-23523-counts.svg", "{format} in the default path");
  const svg = new TextDecoder().decode(data.written.get(file.path) as Uint8Array);
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  for (const text of ["Crab counts (run-23523)", "obs 23523 · Gaussian σ = 0.05°", "Right Ascension", "Declination"]) {
    assert.ok(svg.includes(`>${text}</text>`), text);
  }
  assert.ok(svg.includes('data-colormap="RdBu_r"'));
  const bad = () => instantiateNode(pngPreviewPlugin, { colormap: "jet" }, services(), "preview");
  assert.throws(bad, /colormap/);
});

test("cutout: the target geometry cut around each pointing, described so a worker can cut it again", async () => {
  const store = nodeDataAccess(REPO).openDataStore("data/hess-dl3-dr1");
  const observation = store.obs(23592);
  const message: ObservationMessage = { kind: "observation", seq: 0, obsId: 23592, observation };
  const wide = WcsGeom.create({ skydir: [83.63, 22.01], width: 3, binsz: 0.1, axes: [energy] });
  const s = services(memoryData(), wide);
  const [out] = (await run(instantiateNode(cutoutPlugin, { width: "36 arcmin" }, s, "cutout"), [
    message,
  ])) as ObservationMessage[];
  assert.equal(out.kind, "observation", JSON.stringify(out));
  assert.equal(out.reference!.name, "obs-23592");
  assert.ok(
    out.reference!.counts.geom.equals(MapDataset.create(wide).cutout(observation.pointingRadec, "0.6 deg").counts.geom),
  );
  assert.deepEqual(
    out.cutout,
    { lon: observation.pointingRadec.lon, lat: observation.pointingRadec.lat, frame: "icrs", width: 0.6, mode: "trim" },
    "the width arrives in deg",
  );
});

test("cutout: a cutout missing the target geometry is an error record naming the run and file", async () => {
  const store = nodeDataAccess(REPO).openDataStore("data/hess-dl3-dr1");
  const message: ObservationMessage = { kind: "observation", seq: 0, obsId: 23592, observation: store.obs(23592) };
  const far = WcsGeom.create({ skydir: [10, -40], width: 1, binsz: 0.1, axes: [energy] });
  const [out] = await run(instantiateNode(cutoutPlugin, { width: "2 deg" }, services(memoryData(), far), "cutout"), [
    message,
  ]);
  assert.equal(out.kind, "error");
  const text = (out as { message: string }).message;
  assert.match(text, /^observation 23592 \(.*data\/hess_dl3_dr1_obs_id_023592\.fits\.gz\): a 2 deg cutout around/);
  assert.match(text, /Arrays do not overlap\.$/);
});
