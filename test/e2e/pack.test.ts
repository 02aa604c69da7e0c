// Every public package as a user installs it: packed (its prepack builds), installed from the
// tarballs into a fresh project, the READMEs' TypeScript snippets (each package's; the root's as
// one file) type-checked under `strict` and run, and the installed `gammaflow` command answering --help.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { repoRoot } from "../src/chains.js";
import { cleanNpmEnv, type PackageInfo, publicPackages, run, runAll, tsSnippets, workspaces } from "../src/packages.js";
import { temp } from "../src/stores.js";

interface PackResult {
  name: string;
  filename: string;
  size: number;
  files: Array<{ path: string }>;
}

const NOT_SHIPPED = /(^|\/)(test|fixtures)\/|\.map$|\.tsbuildinfo$|^src\//;
const LICENSE = readFileSync(path.join(repoRoot, "LICENSE"), "utf8");
const npm = (args: string[], cwd: string, env = cleanNpmEnv()) => run("npm", args, { cwd, env });

test("every public package packs, installs from its tarball and runs its README's snippets", {
  timeout: 300_000,
}, async (t) => {
  const started = Date.now();
  const stage = (what: string) => t.diagnostic(`${what}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const packages = publicPackages();
  const expected = workspaces()
    .map((p) => p.dir)
    .filter((dir) => dir !== "test");
  assert.deepEqual(
    packages.map((p) => p.dir),
    expected,
    "every workspace but the tests is public",
  );
  const work = temp("pack");
  const tarballs = path.join(work, "tarballs");
  mkdirSync(tarballs);
  const workspaceArgs = packages.flatMap((p) => ["--workspace", p.dir]);
  const packed: PackResult[] = JSON.parse(
    npm(["pack", "--json", "--pack-destination", tarballs, ...workspaceArgs], repoRoot),
  );
  assert.deepEqual(packed.map((p) => p.name).sort(), packages.map((p) => p.name).sort());
  for (const p of packed) checkTarball(p, packages.find((q) => q.name === p.name)!);
  stage("packed");

  const app = path.join(work, "app");
  const snippets = path.join(app, "snippets");
  mkdirSync(snippets, { recursive: true });
  const dependencies = Object.fromEntries(packed.map((p) => [p.name, `file:../tarballs/${p.filename}`]));
  const typesNode = installedVersion("@types/node");
  writeFileSync(
    path.join(app, "package.json"),
    JSON.stringify({ name: "app", private: true, type: "module", dependencies, devDependencies: typesNode }),
  );
  npm(["install", "--prefer-offline", "--no-audit", "--no-fund"], app);
  stage("installed");
  for (const p of packages) {
    const installed = path.join(app, "node_modules", p.name);
    assert.equal(readFileSync(path.join(installed, "LICENSE"), "utf8"), LICENSE, `${p.name}: LICENSE`);
  }

  const written: string[] = [];
  for (const p of packages) {
    const readme = readFileSync(path.join(repoRoot, p.dir, "README.md"), "utf8");
    const blocks = tsSnippets(readme);
    assert.ok(blocks.length > 0, `${p.dir}/README.md has a \`\`\`ts snippet`);
    blocks.forEach((code, i) => {
      const file = `${p.name.replace("@gammaflow/", "")}-${i + 1}.ts`;
      writeFileSync(path.join(snippets, file), code);
      written.push(file);
    });
  }
  // The root README's snippets are one session (each goes on from the ones before): one file.
  writeFileSync(
    path.join(snippets, "readme.ts"),
    tsSnippets(readFileSync(path.join(repoRoot, "README.md"), "utf8")).join("\n"),
  );
  written.push("readme.ts");
  const tsconfig = {
    compilerOptions: {
      strict: true,
      target: "ES2022",
      module: "NodeNext",
      moduleResolution: "NodeNext",
      lib: ["ES2022"],
      types: ["node"],
      skipLibCheck: false,
      outDir: "build",
    },
    include: ["snippets"],
  };
  writeFileSync(path.join(app, "tsconfig.json"), JSON.stringify(tsconfig));
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  run(process.execPath, [tsc, "-p", app]);
  stage("snippets type-checked");

  // The snippets read $GAMMAPY_DATA/hess-dl3-dr1: the bundled runs are enough.
  symlinkSync(path.join(repoRoot, "data"), path.join(app, "data"));
  mkdirSync(path.join(app, "out")); // the root README's snippets write there, as `npm start` does in the clone
  const env = { ...cleanNpmEnv(), GAMMAPY_DATA: path.join(app, "data") };
  const outputs = await runAll(
    written.map((file) => [process.execPath, [path.join("build", file.replace(/\.ts$/, ".js"))]]),
    { cwd: app, env },
  );
  outputs.forEach((output, i) => assert.ok(output.trim().length > 0, `${written[i]} prints what it made`));
  stage("snippets ran");

  const help = run(path.join(app, "node_modules", ".bin", "gammaflow"), ["--help"], { cwd: app, env });
  assert.match(help, /^Usage: gammaflow \[options\] \[command\]/);
  rmSync(work, { recursive: true, force: true }); // kept when a step fails, to look into
});

function checkTarball(p: PackResult, info: PackageInfo): void {
  const files = p.files.map((f) => f.path);
  for (const required of ["package.json", "README.md", "LICENSE"]) assert.ok(files.includes(required), required);
  const shipped = files.filter((f) => NOT_SHIPPED.test(f));
  assert.deepEqual(shipped, [], `${p.name}: tests, fixtures, sources or maps in the tarball`);
  assert.ok(files.includes("dist/src/index.js") && files.includes("dist/src/index.d.ts"), `${p.name}: entry`);
  // core's Minuit2 translation (modeling/minuit) is LGPL-2.1-or-later, with the licence text shipped
  const license = p.name === "@gammaflow/core" ? "BSD-3-Clause AND LGPL-2.1-or-later" : "BSD-3-Clause";
  assert.equal(info.license, license, `${p.name}: license`);
  if (p.name === "@gammaflow/core") assert.ok(files.includes("LICENSE-LGPL-2.1"), "core: LGPL text shipped");
  for (const field of ["repository", "engines", "exports", "files", "sideEffects"]) {
    assert.notEqual(info[field], undefined, `${p.name}: ${field}`);
  }
  // a guard against shipped data (one fixture is MBs), not against code: core's code alone packs to ~400 kB
  assert.ok(p.size < 500_000, `${p.name}: ${p.size} bytes packed`);
  // the main job runs the clone's graphs on its bundled data: it stays in the repository
  assert.ok(!files.some((f) => f.includes("main-job")), `${p.name}: main-job`);
}

/** A devDependencies entry pinning the version installed in the repository (so the npm cache has it). */
function installedVersion(name: string): Record<string, string> {
  const file = path.join(repoRoot, "node_modules", name, "package.json");
  return { [name]: JSON.parse(readFileSync(file, "utf8")).version };
}
