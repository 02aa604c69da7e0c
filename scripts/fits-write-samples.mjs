// Write the FITS samples of core/test/fits-samples.ts (plain and gzip) for astropy to check:
//   npm run build && node scripts/fits-write-samples.mjs DIR &&
//     /usr/bin/python3 scripts/fixtures/fits_check_roundtrip.py DIR
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { writeFits } from "@gammaflow/core/node";
import { sampleHdus } from "../core/dist/test/fits-samples.js";

const dir = process.argv[2] ?? "out/fits-samples";
mkdirSync(dir, { recursive: true });
const hdus = sampleHdus();
writeFits(path.join(dir, "samples.fits"), hdus);
writeFits(path.join(dir, "samples.fits.gz"), hdus);
const plain = (v) => (typeof v === "bigint" ? v.toString() : v);
const expected = hdus.map((h) =>
  h.kind === "image"
    ? {
        kind: "image",
        name: h.name ?? "PRIMARY",
        shape: h.shape,
        data: Array.from(h.data, plain),
        header: (h.header ?? [])
          .filter((c) => c.value !== undefined)
          .map((c) => ({ key: c.key, value: plain(c.value) })),
      }
    : {
        kind: "bintable",
        name: h.name,
        columns: h.columns.map((c) => ({
          name: c.name,
          unit: c.unit ?? "",
          dim: c.dim ?? null,
          data: Array.from(c.data, plain),
        })),
      },
);
writeFileSync(path.join(dir, "expected.json"), JSON.stringify(expected));
console.log(`wrote samples.fits, samples.fits.gz and expected.json to ${dir}`);
