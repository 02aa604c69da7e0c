// Bundles the quick-look page (web/dist/site): page.js and worker.js from tsc's output, for
// browsers (no node: built-ins), with the static files beside them, the worker's precompiled
// validators (precompile.mjs) and the bundled graphs it can run (site/graphs, listed in index.json).
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { browserGraphs, writeValidators } from "./precompile.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const site = path.join(here, "dist/site");
const validators = path.join(here, "dist/generated/validators.js");
mkdirSync(path.join(site, "graphs"), { recursive: true });
writeValidators(validators);
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
  // Node-only imports of plugins the page does not take (png-preview's PNG encoder and its
  // node:timers): shaken out, and checked below that none is left
  external: ["@gammaflow/core/node", "node:*"],
  plugins: [
    {
      // inversify generates its JIT resolvers with new Function, which the page's CSP refuses; its
      // containers are jitless (the pipeline's are: services.ts), so the two modules that build
      // them are bundled as their plain twins and no code generation is left in the page
      name: "jitless-inversify",
      setup: (b) =>
        b.onLoad({ filter: /@inversifyjs[\\/]core[\\/].*[\\/]buildNoActivations\w+ResolverJit\.js$/ }, (args) => {
          const jit = path.basename(args.path, ".js");
          const twin = jit.slice(0, -"Jit".length);
          return { contents: `export { ${twin} as ${jit} } from "./${twin}.js";`, resolveDir: path.dirname(args.path) };
        }),
    },
    {
      name: "validators",
      setup: (b) => b.onResolve({ filter: /^gammaflow:validators$/ }, () => ({ path: validators })),
    },
  ],
});
for (const name of ["page.js", "worker.js"]) {
  const left = readFileSync(path.join(site, name), "utf8").match(
    /\b(?:from|import)\s*\(?\s*["'](@gammaflow\/core\/node|node:[\w/]+)["']/,
  );
  if (left) throw new Error(`web/build.mjs: ${name} imports ${left[1]}, which no browser has`);
}
for (const file of ["index.html", "style.css", "icon.svg"])
  copyFileSync(path.join(here, "static", file), path.join(site, file));
const graphsDir = path.join(here, "../graphs");
const graphs = browserGraphs(graphsDir);
for (const { file } of graphs) copyFileSync(path.join(graphsDir, file), path.join(site, "graphs", file));
writeFileSync(path.join(site, "graphs/index.json"), `${JSON.stringify(graphs, null, 2)}\n`);
