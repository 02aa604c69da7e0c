#!/usr/bin/env node
// Lines of code stay within 120 characters. Biome's formatter wraps code but leaves long strings and
// comments alone, so this check (run by `npm run lint`) covers what it cannot break.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

const LIMIT = 120;
const CHECKED = /\.(ts|mts|mjs|js|wat|py|sh)$/;
const SKIPPED = /(\.wasm\.ts$|\/fixtures\/|^data\/)/;

const files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], { encoding: "utf8" })
  .split("\n")
  .filter((f) => CHECKED.test(f) && !SKIPPED.test(f));
const long = [];
for (const file of files) {
  let text;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    continue; // deleted in the work tree, not yet staged
  }
  text.split("\n").forEach((line, i) => {
    if ([...line].length > LIMIT) long.push(`${file}:${i + 1}: ${[...line].length} characters`);
  });
}
if (long.length > 0) {
  console.error(`${long.length} line(s) longer than ${LIMIT} characters:\n${long.join("\n")}`);
  process.exit(1);
}
console.log(`line length: ${files.length} files, no line over ${LIMIT} characters`);
