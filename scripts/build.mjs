// The build: the WebAssembly text kernels (build-wasm.mjs), `tsc -b` over every project, then the
// quick-look page's bundle (web/build.mjs) and the CLI's (bundle-cli.mjs: `npm start` and the
// `gammaflow` command load ~30 files instead of ~900).
// `--if-changed` first compares the newest source (TypeScript, .wat, tsconfig/package.json, and
// the folders holding them, so a deleted file counts) with the stamp the last build left, and
// stops at once when nothing is newer and every project has its output: `npm start`, `npm test`
// and the packages' `prepack` then skip the ~2 s tsc needs to find out that it has nothing to do.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const stamp = path.join(repo, "node_modules", ".cache", "gammaflow", "build-stamp");
const SOURCE = /\.(ts|mts|wat|json|html|css|svg)$/;
const SKIPPED = new Set(["node_modules", "dist", "fixtures", "out"]);

/** Newest modification time (ms) of the sources and folders under `dir`. */
function newestSource(dir) {
  let newest = statSync(dir).mtimeMs;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIPPED.has(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (SOURCE.test(entry.name)) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

function upToDate() {
  if (!existsSync(stamp)) return false;
  const { references } = JSON.parse(readFileSync(path.join(repo, "tsconfig.json"), "utf8"));
  const projects = references.map((r) => path.join(repo, r.path));
  if (!projects.every((p) => existsSync(path.join(p, "dist", "tsconfig.tsbuildinfo")))) return false;
  if (!existsSync(path.join(repo, "web", "dist", "site", "index.html"))) return false;
  if (!existsSync(path.join(repo, "cli", "dist", "bundle", "main-job.js"))) return false;
  const roots = ["core", "plugins", "cli", "test", "web"].map((d) => path.join(repo, d));
  const rootFiles = ["package.json", "tsconfig.json", "tsconfig.base.json"].map((f) => path.join(repo, f));
  const newest = Math.max(...roots.map(newestSource), ...rootFiles.map((f) => statSync(f).mtimeMs));
  return newest < statSync(stamp).mtimeMs;
}

if (process.argv.includes("--if-changed") && upToDate()) process.exit(0);
await import("./build-wasm.mjs");
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
// The stamp's time is taken before tsc starts: a source saved during the build is newer than it.
const started = new Date();
// the steps' messages go to stderr: a build run by a prepack leaves `npm pack --json`'s stdout JSON
const stdio = ["inherit", 2, "inherit"];
const { status } = spawnSync(process.execPath, [tsc, "-b"], { cwd: repo, stdio });
if (status !== 0) process.exit(status ?? 1);
// the quick-look page: bundled from tsc's output of web/
const page = spawnSync(process.execPath, [path.join(repo, "web", "build.mjs")], { cwd: repo, stdio });
if (page.status !== 0) process.exit(page.status ?? 1);
const cli = spawnSync(process.execPath, [path.join(repo, "scripts", "bundle-cli.mjs")], { cwd: repo, stdio });
if (cli.status !== 0) process.exit(cli.status ?? 1);
mkdirSync(path.dirname(stamp), { recursive: true });
writeFileSync(stamp, `${started.toISOString()}\n`);
utimesSync(stamp, started, started);
