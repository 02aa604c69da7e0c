// The worker's session in Node: dropped runs (lone files or a folder with index files) reduce
// to the CLI's stack for graphs/quick-look.json, byte for byte; broken and late files are reported.
import assert from "node:assert/strict";
import { test } from "node:test";
import { gunzipSync } from "node:zlib";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { defaultSettings, Session, type DroppedFile, type Update } from "../src/index.js";
import { cliReference, RUN_FILES, STORE } from "./reference.js";

const reference = cliReference();
const settings = defaultSettings([83.63, 22.01]);
const blob = (file: string) => new Blob([readFileSync(file)]);
const runFiles = (): DroppedFile[] => RUN_FILES.map((f) => ({ path: path.basename(f), blob: blob(f) }));

async function drop(session: Session, files: DroppedFile[]): Promise<Update[]> {
  const updates: Update[] = [];
  await session.add(files, (u) => updates.push(u));
  return updates;
}

test("four lone run files stack to the CLI's dataset, one update per run", async () => {
  const session = new Session(settings);
  const updates = await drop(session, runFiles());
  assert.deepEqual(
    updates.map((u) => u.totals?.runs),
    [1, 2, 3, 4],
  );
  const { totals } = updates[3];
  assert.equal(totals?.counts, reference.totals.counts);
  assert.equal(totals?.excess, reference.totals.excess);
  assert.equal(totals?.peakSignificance, reference.totals.peakSignificance);
  assert.ok(reference.logged.includes(`${totals?.peakSignificance.toFixed(2)} σ`), reference.logged);
  assert.deepEqual(Buffer.from(session.fits().bytes), gunzipSync(readFileSync(reference.file)));
  assert.deepEqual(
    updates[3].figures.map((f) => f.name),
    ["counts", "exposure", "background", "excess", "significance"],
  );
  for (const figure of updates[3].figures) {
    assert.match(figure.svg, /^<svg[\s\S]*<\/svg>\s*$/);
    assert.match(figure.alt, /250 × 250 pixels centred on RA 83\.63°, Dec 22\.01°/);
  }
});

test("a folder with index files is a data store; runs it lists arrive later and are stacked then", async () => {
  const session = new Session(settings);
  const index = ["hdu-index.fits.gz", "obs-index.fits.gz"].map((f) => ({
    path: `hess-dl3-dr1/${f}`,
    blob: blob(path.join(STORE, f)),
  }));
  const first = await drop(session, index);
  assert.equal(first.at(-1)?.runs.length, 0);
  assert.deepEqual(
    first.at(-1)?.waiting.map((r) => r.obsId),
    [23523, 23526, 23559, 23592],
  );
  assert.match(
    first.at(-1)?.waiting[0].cause ?? "",
    /not dropped yet: \/hess-dl3-dr1\/data\/hess_dl3_dr1_obs_id_023523/,
  );
  const data = readdirSync(path.join(STORE, "data")).map((f) => ({
    path: `hess-dl3-dr1/data/${f}`,
    blob: blob(path.join(STORE, "data", f)),
  }));
  await drop(session, data.slice(0, 2));
  const last = (await drop(session, data.slice(2))).at(-1)!;
  assert.equal(last.totals?.runs, 4);
  assert.equal(last.waiting.length, 0);
  assert.deepEqual(Buffer.from(session.fits().bytes), gunzipSync(readFileSync(reference.file)));
});

test("a damaged file and a run dropped twice are listed as skipped with their causes", async () => {
  const session = new Session(settings);
  const bytes = gunzipSync(readFileSync(RUN_FILES[0]));
  const damaged = { path: "damaged.fits", blob: new Blob([bytes.subarray(0, 100_000)]) };
  const notFits = { path: "notes.fits.gz", blob: new Blob([new TextEncoder().encode("not a FITS file")]) };
  const [first] = runFiles();
  await drop(session, [first]);
  const last = (await drop(session, [damaged, notFits, { ...first, path: "copy.fits.gz" }])).at(-1)!;
  const rows = new Map(last.runs.map((r) => [r.file, r]));
  assert.equal(rows.get("/hess_dl3_dr1_obs_id_023523.fits.gz")?.used, true);
  assert.match(rows.get("/damaged.fits")?.cause ?? "", /damaged\.fits/);
  assert.match(rows.get("/notes.fits.gz")?.cause ?? "", /notes\.fits\.gz/);
  assert.equal(rows.get("/copy.fits.gz")?.cause, "obs 23523 is stacked already");
  assert.equal(last.totals?.runs, 1);
});

test("without a target the geometry is centred on the runs' mean pointing", async () => {
  const session = new Session();
  const last = (await drop(session, runFiles().slice(0, 2))).at(-1)!;
  const [ra, dec] = last.settings.geom.skydir!;
  assert.ok(Math.abs(ra - 83.63) < 0.6 && Math.abs(dec - 22.01) < 0.6, `${ra}, ${dec}`);
  assert.equal(last.totals?.runs, 2);
});
