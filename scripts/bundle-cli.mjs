// Bundles the compiled CLI (after `tsc -b`) into a few files in cli/dist/bundle/: the process
// then loads ~10 files instead of ~900 (rxjs, inversify, ajv, yaml and our ~100 modules), which
// is most of a short run's start-up. Same code, same numbers. The commands are one CommonJS file,
// cli.cjs, that the launchers gammaflow.js and main-job.js load through V8's code cache.
// Entries keep their file names: the piscina worker, the map maker's worker task, the safe
// mask's worker step and the event sampler's thread are found beside the module that refers to them
// (`new URL("./pipeline-worker.js", import.meta.url)`).
// Left outside: piscina (it starts its own worker file from its folder), resvg's native addon,
// and the queue executors' clients.
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { validatorsModule } from "./validators-module.mjs";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const BUNDLE_DIR = path.join(repo, "cli/dist/bundle");

const entryPoints = {
  gammaflow: "cli/dist/src/bundle/gammaflow.js",
  "main-job": "cli/dist/src/bundle/main-job.js",
  "pipeline-worker": "core/pipeline/dist/src/pipeline-worker.js",
  "worker-task": "plugins/map-dataset-maker/dist/src/worker-task.js",
  "safe-mask-step": "plugins/safe-mask/dist/src/safe-mask-step.js",
  "sampling-thread-worker": "core/dist/src/nodejs/sampling-thread-worker.js",
};

/**
 * cli/src/precompiled-validators.ts, bundled as the validators of the graph schema and the built-in
 * plugins' params compiled now (validators-module.mjs), registered as registry.ts loads: start-up
 * then compiles no schema (a third party's plugin's params are still compiled when first used).
 */
async function precompiledValidatorsPlugin() {
  const { registryWith } = await import(path.join(repo, "cli/dist/src/registry.js"));
  const contents = [
    validatorsModule((await registryWith([])).list()),
    'import { usePrecompiledValidators } from "@gammaflow/pipeline";',
    "usePrecompiledValidators((key) => validators.get(key), { compileMissing: true });",
    "",
  ].join("\n");
  return {
    name: "precompiled-validators",
    setup: (b) =>
      b.onLoad({ filter: /[\\/]cli[\\/]dist[\\/]src[\\/]precompiled-validators\.js$/ }, (args) => ({
        contents,
        resolveDir: path.dirname(args.path),
      })),
  };
}

rmSync(BUNDLE_DIR, { recursive: true, force: true });
const shared = {
  absWorkingDir: repo,
  outdir: BUNDLE_DIR,
  bundle: true,
  platform: "node",
  target: "node20",
  external: ["piscina", "@resvg/resvg-js", "bullmq", "ioredis"],
  // printed class names (the summary's "MapDataset") stay as written
  keepNames: true,
  logLevel: "warning",
  metafile: true,
  plugins: [await precompiledValidatorsPlugin()],
};
/** The bundle's importModule: the launcher's import() (cli/src/bundle/code-cache.ts, BundleScope). */
const launcherImport = {
  name: "launcher-import",
  setup: (b) =>
    b.onLoad({ filter: /[\\/]core[\\/]pipeline[\\/]dist[\\/]src[\\/]import-module\.js$/ }, () => ({
      contents: "export const importModule = (specifier) => __importModule(specifier);\n",
    })),
};
// The commands as one CommonJS file, which the launchers load through V8's code cache
// (cli/src/bundle/code-cache.ts). Its import.meta is the file's own, as it would be in an ES module.
const commands = await build({
  ...shared,
  entryPoints: { cli: "cli/dist/src/bundle/entry.js" },
  outExtension: { ".js": ".cjs" },
  format: "cjs",
  define: { "import.meta.url": "__importMetaUrl", "import.meta.resolve": "__importMetaResolve" },
  banner: {
    js:
      'const __importMetaUrl = require("node:url").pathToFileURL(__filename).href;' +
      'const __importMetaResolve = (specifier) => require("node:url").pathToFileURL(require.resolve(specifier)).href;',
  },
  // any other use of import.meta would be empty in CommonJS
  logOverride: { "empty-import-meta": "error" },
  plugins: [...shared.plugins, launcherImport],
});
// The launchers and the workers' entries as ES modules; the chunks sit beside the entries, so
// every module's import.meta.url has the same folder.
const launchers = await build({
  ...shared,
  entryPoints,
  splitting: true,
  format: "esm",
  chunkNames: "chunk-[hash]",
  // CommonJS dependencies bundled into ES modules call require for node's built-ins
  banner: {
    js:
      'import { createRequire as __bundleRequire } from "node:module";' +
      "const require = __bundleRequire(import.meta.url);",
  },
});
// The code cache, made now by a command that only loads the bundle: the first run is quick too.
const warm = spawnSync(process.execPath, [path.join(BUNDLE_DIR, "gammaflow.js"), "--version"], { encoding: "utf8" });
if (warm.status !== 0) throw new Error(`the bundled CLI does not start: ${warm.stderr}`);
const files = [commands, launchers].flatMap((r) => Object.keys(r.metafile.outputs)).filter((f) => /\.c?js$/.test(f));
console.log(`bundled the CLI into ${files.length} files in ${path.relative(repo, BUNDLE_DIR)}/`);
