import { FitsError, type BinTableHduSpec, type FitsFile, type HduSpec, type ImageHduSpec } from "../fits/index.js";
import { GTI, timeRefFromHeader } from "../data/index.js";
import { mapFromFits, mapToHdus, type WcsNDMap } from "../maps/index.js";
import { edispFromMaps } from "./edisp.js";
import { PSFMap } from "./psf-map.js";
import { MapDataset } from "./map-dataset.js";
import { MapDatasetOnOff } from "./map-dataset-onoff.js";

/** gammapy's dataset FITS layout: one image HDU (+ BANDS table) per map, then the GTI table. */
export function datasetToHdus(dataset: MapDataset): HduSpec[] {
  const primary: ImageHduSpec = {
    kind: "image",
    data: new Float32Array(0),
    shape: [],
    header: [{ key: "NAME", value: dataset.name }],
  };
  const hdus: HduSpec[] = [primary];
  const add = (map: WcsNDMap | undefined, name: string) => {
    if (map) hdus.push(...mapToHdus(map, { hdu: name }).slice(1)); // skip each map's empty primary
  };
  add(dataset.counts, "COUNTS");
  add(dataset.exposure, "EXPOSURE");
  add(dataset.background, "BACKGROUND");
  add(dataset.edisp?.edispMap, "EDISP");
  add(dataset.edisp?.exposureMap, "EDISP_EXPOSURE");
  add(dataset.psf?.psfMap, "PSF");
  add(dataset.psf?.exposureMap, "PSF_EXPOSURE");
  add(dataset.maskSafe, "MASK_SAFE");
  add(dataset.maskFit, "MASK_FIT");
  hdus.push(gtiTable(dataset.gti));
  if (dataset instanceof MapDatasetOnOff) {
    // gammapy appends the on-off maps after the GTI table
    add(dataset.countsOff, "COUNTS_OFF");
    add(dataset.acceptance, "ACCEPTANCE");
    add(dataset.acceptanceOff, "ACCEPTANCE_OFF");
  }
  return hdus;
}

function gtiTable(gti: GTI): BinTableHduSpec {
  return {
    kind: "bintable",
    name: "GTI",
    columns: [
      { name: "START", format: "D", unit: "s", data: gti.start },
      { name: "STOP", format: "D", unit: "s", data: gti.stop },
    ],
    header: [
      { key: "MJDREFI", value: gti.timeRef.mjdInt },
      { key: "MJDREFF", value: gti.timeRef.mjdFrac },
      { key: "TIMESYS", value: gti.timeRef.scale },
    ],
  };
}

/** Read a dataset written in gammapy's layout (by gammapy or by us); a file with COUNTS_OFF gives a MapDatasetOnOff. */
export function datasetFromFits(file: FitsFile): MapDataset {
  const read = (name: string, dtype?: "bool") => (file.has(name) ? mapFromFits(file, { hdu: name, dtype }) : undefined);
  const counts = read("COUNTS");
  if (!counts) throw new FitsError("not a MapDataset file: no COUNTS HDU", { fileName: file.fileName });
  const psfMap = read("PSF");
  const edispMap = read("EDISP");
  const name = file.hdus[0].header.get("NAME");
  let gti = GTI.create([], []);
  if (file.has("GTI")) {
    const table = file.table("GTI");
    gti = new GTI(
      table.columnAsFloat64("START").slice(),
      table.columnAsFloat64("STOP").slice(),
      timeRefFromHeader(table.header),
    );
  }
  const dataset = new MapDataset({
    name: typeof name === "string" ? name : "dataset",
    counts,
    exposure: read("EXPOSURE"),
    background: read("BACKGROUND"),
    psf: psfMap && new PSFMap(psfMap, read("PSF_EXPOSURE")),
    edisp: edispMap && edispFromMaps(edispMap, read("EDISP_EXPOSURE")),
    maskSafe: read("MASK_SAFE", "bool"),
    maskFit: read("MASK_FIT", "bool"),
    gti,
  });
  if (!file.has("COUNTS_OFF")) return dataset;
  return MapDatasetOnOff.fromMapDataset(dataset, {
    countsOff: read("COUNTS_OFF"),
    acceptance: read("ACCEPTANCE"),
    acceptanceOff: read("ACCEPTANCE_OFF"),
  });
}
