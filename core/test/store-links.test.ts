import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, mkdtempSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DataStore } from "@gammaflow/core";
import { toStorePath } from "@gammaflow/core/node";
import { REPO_ROOT } from "./fixtures.js";

const BUNDLED = path.join(REPO_ROOT, "data", "hess-dl3-dr1");

/** The bundled store's index files in a fresh folder whose `data` folder is `link`'s target. */
function storeWithLinkedData(target: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), "gammaflow-linked-store-"));
  for (const name of ["hdu-index.fits.gz", "obs-index.fits.gz"])
    copyFileSync(path.join(BUNDLED, name), path.join(dir, name));
  symlinkSync(target, path.join(dir, "data"));
  return toStorePath(dir);
}

test("a symbolic link inside a store does not lead outside it: containment is checked on real paths", () => {
  const dir = storeWithLinkedData(path.join(BUNDLED, "data"));
  assert.throws(
    () => DataStore.fromDir(dir).obs(23592).events,
    /observation 23592 events: path 'data\/.*' leads outside .* through a symbolic link \(to .*hess-dl3-dr1\/data\//,
  );
  assert.equal(DataStore.fromDir(dir, { allowAnyPath: true }).obs(23592).events.length > 0, true);
  // a link that stays inside the store is followed
  const inside = storeWithLinkedData("real-data");
  mkdirSync(path.join(inside, "real-data"));
  for (const file of ["hess_dl3_dr1_obs_id_023592.fits.gz"])
    copyFileSync(path.join(BUNDLED, "data", file), path.join(inside, "real-data", file));
  assert.ok(DataStore.fromDir(inside).obs(23592).events.length > 0);
});
