import { readDataset } from "@gammaflow/core/node";
const d = readDataset("core/test/fixtures/npred_dataset.fits.gz");
for (const [k, m] of [["psf", d.psf.psfMap], ["edisp", d.edisp.edispMap], ["bkg", d.background], ["exposure", d.exposure]])
  console.log(k, m.geom.dataShape, m.data.constructor.name, m.geom.axes.map((a) => `${a.name}:${a.nbin}`));
