import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { writeFileAtomic } from "@gammaflow/core/node";
import { UsageError } from "./errors.js";
import { REPO_ROOT } from "./run-graph.js";

/**
 * `gammaflow init [FILE]` (gammapy's `gammapy analysis config`): a starter graph, each part
 * explained in a `$comment` (JSON has no comments), that validates and runs as written on the
 * bundled Crab runs — or on $GAMMAPY_DATA's H.E.S.S. DR1 when gammaflow is installed elsewhere.
 */
export function initCommand(file: string, options: { force: boolean; json: boolean }): number {
  if (existsSync(file) && !options.force)
    throw new UsageError(`${file} exists: pass --force to overwrite it, or name another file`);
  const bundled = path.join(REPO_ROOT, "data", "hess-dl3-dr1");
  const dataStore = existsSync(bundled)
    ? path.relative(path.dirname(path.resolve(file)), bundled) || "."
    : "$GAMMAPY_DATA/hess-dl3-dr1";
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  writeFileAtomic(file, `${JSON.stringify(starterGraph(dataStore), null, 2)}\n`);
  const next = [
    `wrote ${file}: a stacked analysis of 4 H.E.S.S. Crab runs; read its $comment fields, then`,
    `  gammaflow validate ${file}     # check it, reading no data`,
    `  gammaflow run ${file} --out out`,
    "  gammaflow info out/stacked.fits.gz",
    "  gammaflow plugins             # every plugin and its params",
  ].join("\n");
  console.log(options.json ? JSON.stringify({ file, dataStore }, null, 2) : next);
  return 0;
}

export function starterGraph(dataStore: string) {
  return {
    $comment:
      "A gammaflow graph: nodes (a plugin and its params) joined by edges. Quantities are strings with " +
      'units ("3 deg", "500 GeV"). Change a param here or from the command line: ' +
      'gammaflow run FILE --set safe.offsetMax="2.5 deg". Every plugin and param: gammaflow plugins.',
    name: "my-analysis",
    description: "4 H.E.S.S. Crab runs cut out, reduced, safe-masked and stacked (gammapy's map analysis)",
    inputs: {
      $comment:
        "dataStore: a DL3 folder with hdu-index and obs-index (relative to this file; $GAMMAPY_DATA expands). " +
        "geom: the target map (gammapy's WcsGeom.create): centre, width, pixel size and energy axis.",
      dataStore,
      geom: {
        skydir: [83.63, 22.01],
        frame: "icrs",
        width: "5 deg",
        binsz: "0.02 deg",
        axes: [{ name: "energy", lo: "1 TeV", hi: "10 TeV", nbin: 11, interp: "log" }],
      },
    },
    nodes: [
      {
        $comment: "the runs to analyse: obsIds, or target (an OBJECT name of the obs index); none: all",
        id: "runs",
        plugin: "datastore-source",
        params: { obsIds: [23523, 23526, 23559, 23592] },
      },
      {
        $comment: "each run reduced on a cutout of the target geometry around its pointing",
        id: "cutout",
        plugin: "cutout",
        params: { width: "6 deg" },
      },
      {
        $comment: "counts, exposure, background, PSF and energy dispersion maps (gammapy's MapDatasetMaker)",
        id: "maker",
        plugin: "map-dataset-maker",
      },
      {
        $comment: "the safe data range (gammapy's SafeMaskMaker): methods and their params",
        id: "safe",
        plugin: "safe-mask",
        params: { methods: ["aeff-default", "offset-max"], offsetMax: "2.5 deg" },
      },
      {
        $comment: "the runs stacked into one dataset on the target geometry; {name} in paths below is its name",
        id: "stack",
        plugin: "stacker",
        params: { name: "stacked" },
      },
      { $comment: "prints the stacked dataset as gammapy prints it", id: "print", plugin: "summary" },
      {
        $comment: "writes it in gammapy's layout (MapDataset.read reads it), inside --out",
        id: "write",
        plugin: "dataset-writer",
        params: { path: "{name}.fits.gz" },
      },
    ],
  };
}
