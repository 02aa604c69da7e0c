import path from "node:path";
import { fileURLToPath } from "node:url";
import { DataStore } from "@gammaflow/core";
import { gammapyDataDir, toStorePath } from "@gammaflow/core/node";

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..");
export const GAMMAPY_DATA = gammapyDataDir(REPO);
export const BUNDLED_HESS = path.join(REPO, "data/hess-dl3-dr1");

/** The bundled H.E.S.S. store, or CTA 1DC's (labels starting with "cta"). */
export function store(label: string): DataStore {
  return label.startsWith("cta")
    ? DataStore.fromDir(toStorePath(path.join(GAMMAPY_DATA, "cta-1dc/index/gps")), { root: "../.." })
    : DataStore.fromDir(toStorePath(BUNDLED_HESS));
}
