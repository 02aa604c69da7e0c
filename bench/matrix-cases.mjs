// The configurations of bench/matrix.mjs: graphs that differ from the bundled ones in target,
// frame, projection, energy and true-energy axes, safe-mask methods and selection.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gammapyDataDir } from "@gammaflow/core/node";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const HESS = path.join(gammapyDataDir(repo), "hess-dl3-dr1");
const axis = (lo, hi, nbin) => ({ name: "energy", lo: `${lo} TeV`, hi: `${hi} TeV`, nbin, interp: "log" });
const chain = (...ids) => ids.slice(1).map((to, i) => ({ from: ids[i], to }));

const mainJob = JSON.parse(readFileSync(path.join(repo, "graphs/combined-chain.json"), "utf8"));
mainJob.inputs.dataStore = path.join(repo, "data/hess-dl3-dr1");

export const CASES = [
  { label: "main job (4 Crab runs)", graph: mainJob },
  {
    label: "3D MSH 15-52, galactic TAN, true energy 30 bins, aeff-max",
    graph: {
      name: "matrix-msh1552",
      inputs: {
        dataStore: HESS,
        geom: {
          skydir: [320.33, -1.19],
          frame: "galactic",
          proj: "TAN",
          width: "5 deg",
          binsz: "0.02 deg",
          axes: [axis(0.5, 50, 15)],
        },
        dataset: { energyAxisTrue: axis(0.3, 100, 30) },
      },
      nodes: [
        { id: "runs", plugin: "datastore-source", params: { target: "MSH 15-5-02" } },
        { id: "cutout", plugin: "cutout", params: { width: "4 deg" } },
        { id: "maker", plugin: "map-dataset-maker" },
        {
          id: "safe",
          plugin: "safe-mask",
          params: { methods: ["aeff-max", "offset-max"], aeffPercent: 10, offsetMax: "2.5 deg" },
        },
        { id: "stack", plugin: "stacker" },
        { id: "print", plugin: "summary" },
        { id: "write", plugin: "dataset-writer", params: { path: "stacked.fits.gz" } },
      ],
      edges: chain("runs", "cutout", "maker", "safe", "stack", "print", "write"),
    },
  },
  {
    label: "3D PKS 2155-304, CAR 4×3 deg, edisp-bias, no cutout",
    graph: {
      name: "matrix-pks2155",
      inputs: {
        dataStore: HESS,
        geom: {
          skydir: [329.71694, -30.2255],
          width: ["4 deg", "3 deg"],
          binsz: "0.025 deg",
          axes: [axis(0.8, 20, 8)],
        },
        dataset: { energyAxisTrue: axis(0.5, 40, 20) },
      },
      nodes: [
        { id: "runs", plugin: "datastore-source", params: { target: "PKS 2155-304" } },
        { id: "maker", plugin: "map-dataset-maker" },
        {
          id: "safe",
          plugin: "safe-mask",
          params: { methods: ["edisp-bias", "offset-max"], biasPercent: 10, offsetMax: "2 deg" },
        },
        { id: "stack", plugin: "stacker" },
        { id: "print", plugin: "summary" },
        { id: "write", plugin: "dataset-writer", params: { path: "stacked.fits.gz" } },
        { id: "preview", plugin: "png-preview", params: { maps: ["counts"] } },
      ],
      edges: [...chain("runs", "maker", "safe", "stack", "print", "write"), { from: "stack", to: "preview" }],
    },
  },
  {
    label: "images RX J1713, galactic, ring + exclusion, significance",
    graph: {
      name: "matrix-rxj1713-ring",
      inputs: {
        dataStore: HESS,
        geom: {
          skydir: [347.34, -0.47],
          frame: "galactic",
          width: "6 deg",
          binsz: "0.02 deg",
          axes: [axis(0.5, 50, 6)],
        },
      },
      nodes: [
        { id: "runs", plugin: "datastore-source", params: { target: "RXJ 1713.7-3946" } },
        { id: "maker", plugin: "map-dataset-maker" },
        { id: "safe", plugin: "safe-mask", params: { methods: ["aeff-default", "offset-max"], offsetMax: "2 deg" } },
        { id: "image", plugin: "to-image" },
        {
          id: "ring",
          plugin: "ring-background",
          params: {
            rIn: "0.6 deg",
            width: "0.3 deg",
            exclusion: [{ type: "circle", center: { lon: 347.34, lat: -0.47, frame: "galactic" }, radius: "0.6 deg" }],
          },
        },
        { id: "stack", plugin: "stacker", params: { name: "stacked-on-off" } },
        { id: "print", plugin: "summary" },
        { id: "write", plugin: "dataset-writer", params: { path: "stacked-on-off.fits.gz" } },
        { id: "significance", plugin: "excess-map", params: { correlationRadius: "0.1 deg" } },
        { id: "preview", plugin: "png-preview", params: { maps: ["sqrt_ts"] } },
      ],
      edges: [
        ...chain("runs", "maker", "safe", "image", "ring", "stack", "print", "write"),
        ...chain("stack", "significance", "preview"),
      ],
    },
  },
];
