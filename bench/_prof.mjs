import path from "node:path";
import { GTI, MapDatasetEventSampler, modelsFromDict, SkyCoord } from "@gammaflow/core";
import { readDataset } from "@gammaflow/core/node";
function models(amplitude, norm) {
  return {
    components: [
      {
        name: "point",
        type: "SkyModel",
        spectral: {
          type: "PowerLawSpectralModel",
          parameters: [
            { name: "index", value: 2.5 },
            { name: "amplitude", value: amplitude, unit: "cm-2 s-1 TeV-1" },
            { name: "reference", value: 1, unit: "TeV" },
          ],
        },
        spatial: {
          type: "PointSpatialModel",
          frame: "icrs",
          parameters: [
            { name: "lon_0", value: 83.633, unit: "deg" },
            { name: "lat_0", value: 22.014, unit: "deg" },
          ],
        },
      },
      {
        name: "crab-bkg",
        type: "FoVBackgroundModel",
        datasets_names: ["crab"],
        spectral: { type: "PowerLawNormSpectralModel", parameters: [{ name: "norm", value: norm }] },
      },
    ],
  };
}
const file = "core/test/fixtures/npred_dataset.fits.gz";
const [amp, norm, reps] = [Number(process.argv[2] ?? 1e-9), Number(process.argv[3] ?? 100), Number(process.argv[4] ?? 5)];
for (let i = 0; i < reps; i++) {
  const dataset = readDataset(file);
  dataset.name = "crab";
  dataset.gti = GTI.create([0], [1800]);
  dataset.models = modelsFromDict(models(amp, norm));
  const c0 = process.cpuUsage(); const t0 = performance.now();
  const s = new MapDatasetEventSampler({ randomState: i }).run(dataset, new SkyCoord(83.63333129882812, 22.51444435119629));
  const t1 = performance.now();
  const c = process.cpuUsage(c0); console.log((t1 - t0).toFixed(1), "ms wall", ((c.user + c.system) / 1000).toFixed(1), "ms cpu", s.columns.TIME.length);
}
console.log("fallback rows", globalThis.__fb);
