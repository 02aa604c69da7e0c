// Bundles the quick-look page (web/dist/site): page.js and worker.js from tsc's output, for
// browsers (no node: built-ins), with the static files beside them.
import { copyFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = path.dirname(fileURLToPath(import.meta.url));
const site = path.join(here, "dist/site");
mkdirSync(site, { recursive: true });
await build({
  entryPoints: ["page", "worker"].map((name) => path.join(here, `dist/src/${name}.js`)),
  outdir: site,
  bundle: true,
  platform: "browser",
  format: "esm",
  target: "es2022",
  minify: true,
  sourcemap: true,
  logLevel: "warning",
});
for (const file of ["index.html", "style.css", "icon.svg"])
  copyFileSync(path.join(here, "static", file), path.join(site, file));
