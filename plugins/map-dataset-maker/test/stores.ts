import path from "node:path";
import { fileURLToPath } from "node:url";
import { DataStore } from "@gammaflow/core";
import { toStorePath } from "@gammaflow/core/node";
import { TestData } from "@gammaflow/core/testing";

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..");
/** The public data: the bundled runs, else $GAMMAPY_DATA (default ../shared/gammapy-data beside the repo). */
export const DATA = new TestData(REPO);
export const BUNDLED_HESS = path.join(REPO, "data/hess-dl3-dr1");

/** The bundled H.E.S.S. store, or CTA 1DC's (labels starting with "cta"). */
export function store(label: string): DataStore {
  return label.startsWith("cta")
    ? DataStore.fromDir(toStorePath(DATA.path("cta-1dc/index/gps")), { root: "../.." })
    : DataStore.fromDir(toStorePath(BUNDLED_HESS));
}

/** node:test options of a test reading `store(label)`: CTA 1DC's skips without gammapy's data. */
export const storeNeeds = (label: string) => (label.startsWith("cta") ? DATA.needs("cta-1dc") : { skip: false });
