// Loads the CLI's CommonJS bundle through V8's code cache. Node 20 has no compile cache for
// modules (node 22's module.enableCompileCache), and V8 compiling the ~3 MB bundle took ~60 ms of
// every command's start-up; with the cache it deserialises in ~10 ms with the functions the
// modules' set-up compiles.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import vm from "node:vm";
import { writeFileAtomic } from "@gammaflow/core/node";
import type * as Commands from "./entry.js";

/**
 * The cache file: a header, then V8's data. V8 checks its version, its flags and the source's
 * length, not the source itself: the header's hash of the source is what keeps a rebuilt bundle of
 * the same length from running the old one's code.
 */
const MAGIC = "gammaflow-code-cache-2";
const HASH_BYTES = 20;
const HEADER_BYTES = MAGIC.length + HASH_BYTES;

/** What loading found, for the tests. */
export interface CodeCacheUse {
  /** The cache was read and V8 took it. */
  readonly accepted: boolean;
}

/** V8's data in `cacheFile` if it was made from this source (its hash). */
function readCache(cacheFile: string, hash: Buffer): Buffer | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(cacheFile);
  } catch {
    return undefined;
  }
  const valid =
    bytes.length > HEADER_BYTES &&
    bytes.toString("latin1", 0, MAGIC.length) === MAGIC &&
    bytes.subarray(MAGIC.length, HEADER_BYTES).equals(hash);
  return valid ? bytes.subarray(HEADER_BYTES) : undefined;
}

function writeCache(cacheFile: string, hash: Buffer, data: Buffer): void {
  try {
    writeFileAtomic(cacheFile, Buffer.concat([Buffer.from(MAGIC, "latin1"), hash, data]));
  } catch {
    // a read-only installation runs without a cache
  }
}

/**
 * What a bundle finds in its scope besides node's CommonJS names: an `import()` from the calling
 * ES module, which the bundle's `importModule` calls (node 20 loses the import of a script
 * compiled from a code cache; see @gammaflow/pipeline's import-module.ts).
 */
export interface BundleScope {
  __importModule: (specifier: string) => Promise<unknown>;
}

/**
 * Run a CommonJS file as node's loader would (its own `require`, `module`, `__filename`) with
 * `scope`'s names defined, compiled from `file + ".cache"` when that holds V8's code for this very
 * source, and write that cache when it was missing or stale. The cache is made once the file's
 * top level has run: it then holds the functions its modules' set-up compiled, and not the many a
 * long run compiles, which V8 took ~40 ms longer to load than it saved (`gammaflow --version`
 * 178 ms without a cache, 200 with a cache made at exit, 134 with one made after the set-up;
 * main job 1.31 → 1.24 s). A folder that cannot be written only means no cache. Returns the
 * file's exports.
 */
export function runCommonJsWithCodeCache(
  file: string,
  scope: BundleScope,
): { exports: Record<string, unknown>; cache: CodeCacheUse } {
  const source = readFileSync(file);
  const hash = createHash("sha1").update(source).digest();
  const cacheFile = `${file}.cache`;
  const cached = readCache(cacheFile, hash);
  // the wrapper on the code's first line, as node's own: stack traces keep the bundle's line numbers
  const names = ["exports", "require", "module", "__filename", "__dirname", ...Object.keys(scope)];
  const wrapped = `(function (${names.join(", ")}) {${source.toString("utf8")}\n})`;
  const script = new vm.Script(wrapped, { filename: file, cachedData: cached });
  const accepted = cached !== undefined && !script.cachedDataRejected;
  const module = { exports: {} as Record<string, unknown> };
  const run = script.runInThisContext() as (...values: unknown[]) => void;
  run(module.exports, createRequire(file), module, file, path.dirname(file), ...Object.values(scope));
  if (!accepted) writeCache(cacheFile, hash, script.createCachedData());
  return { exports: module.exports, cache: { accepted } };
}

/**
 * The CLI's commands: cli.cjs beside this module (both are in cli/dist/bundle/, the launchers'
 * folder), through the code cache, with this module's import.
 */
export function loadCommands(): typeof Commands {
  const file = fileURLToPath(new URL("./cli.cjs", import.meta.url));
  return runCommonJsWithCodeCache(file, { __importModule: (specifier) => import(specifier) })
    .exports as unknown as typeof Commands;
}
