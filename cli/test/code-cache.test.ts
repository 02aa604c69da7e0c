// The bundle's loader (code-cache.ts): V8's code cache is written once, used while the source is
// the same, and never used for another source, even one of the same length.
// Each load is a process of its own: within one, V8 reuses the script it compiled before.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { temp } from "./spawn-cli.js";

const LOADER = new URL("../src/bundle/code-cache.js", import.meta.url).href;

interface Loaded {
  accepted: boolean;
  value: number;
  name: string;
  imported: string;
}

/** Load `file` in a new process; what it exported and whether the cache was taken. */
function runCommonJsWithCodeCache(file: string): Loaded {
  const script =
    `const { runCommonJsWithCodeCache } = await import(${JSON.stringify(LOADER)});` +
    `const scope = { __importModule: (s) => import(s) };` +
    `const { exports, cache } = runCommonJsWithCodeCache(${JSON.stringify(file)}, scope);` +
    "const imported = await exports.load();" +
    "console.log(JSON.stringify({ accepted: cache.accepted, value: exports.value, name: exports.name, imported }));";
  return JSON.parse(execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" }));
}

const source = (value: number) =>
  `const path = require("node:path");\n` +
  `exports.value = ${value};\n` +
  `exports.name = path.basename(__filename);\n` +
  `exports.load = () => __importModule("node:path").then((m) => typeof m.join);\n`;

test("the cache is written on the first load and taken on the next; the code runs the same", () => {
  const file = path.join(temp("code-cache"), "bundle.cjs");
  writeFileSync(file, source(41));
  const first = runCommonJsWithCodeCache(file);
  assert.equal(first.accepted, false);
  assert.ok(existsSync(`${file}.cache`));
  const second = runCommonJsWithCodeCache(file);
  assert.equal(second.accepted, true);
  for (const loaded of [first, second]) {
    assert.equal(loaded.value, 41);
    assert.equal(loaded.name, "bundle.cjs");
    // the scope's import works from code compiled from the cache too
    assert.equal(loaded.imported, "function");
  }
});

test("a source changed to one of the same length does not run the old code", () => {
  const file = path.join(temp("code-cache"), "bundle.cjs");
  writeFileSync(file, source(41));
  runCommonJsWithCodeCache(file);
  writeFileSync(file, source(42));
  const changed = runCommonJsWithCodeCache(file);
  assert.equal(changed.accepted, false);
  assert.equal(changed.value, 42);
  assert.equal(runCommonJsWithCodeCache(file).accepted, true);
});

test("a damaged cache is ignored and replaced; one that cannot be written is done without", () => {
  const file = path.join(temp("code-cache"), "bundle.cjs");
  writeFileSync(file, source(7));
  runCommonJsWithCodeCache(file);
  const bytes = readFileSync(`${file}.cache`);
  // V8's own checks: its data cut short after our header
  writeFileSync(`${file}.cache`, bytes.subarray(0, bytes.length >> 1));
  const damaged = runCommonJsWithCodeCache(file);
  assert.equal(damaged.accepted, false);
  assert.equal(damaged.value, 7);
  assert.equal(runCommonJsWithCodeCache(file).accepted, true);
  writeFileSync(`${file}.cache`, "not a cache");
  assert.equal(runCommonJsWithCodeCache(file).value, 7);
  // a folder in the way of the cache file
  rmSync(`${file}.cache`);
  mkdirSync(`${file}.cache`);
  const unwritable = runCommonJsWithCodeCache(file);
  assert.equal(unwritable.accepted, false);
  assert.equal(unwritable.value, 7);
});
