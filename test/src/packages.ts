/**
 * The published packages as a user gets them: every workspace that is not private, packed with
 * `npm pack` (which runs its prepack build), and the TypeScript snippets of their READMEs.
 */
import { type ExecFileOptions, execFile, spawnSync, type SpawnSyncOptions } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { repoRoot } from "./chains.js";

const execFileAsync = promisify(execFile);

export interface PackageInfo {
  dir: string;
  name: string;
  version: string;
  private?: boolean;
  license?: string;
  bin?: Record<string, string>;
  dependencies?: Record<string, string>;
  [field: string]: unknown;
}

/** The root package.json's workspaces (globs of one level, "plugins/*"), expanded, with their package.json. */
export function workspaces(): PackageInfo[] {
  const root = readJson(path.join(repoRoot, "package.json"));
  const dirs = (root.workspaces as string[]).flatMap((w) =>
    w.endsWith("/*") ? listDirs(w.slice(0, -2)).map((d) => `${w.slice(0, -2)}/${d}`) : [w],
  );
  return dirs.map((dir) => ({ ...readJson(path.join(repoRoot, dir, "package.json")), dir }) as PackageInfo);
}

export const publicPackages = () => workspaces().filter((p) => !p.private);

/** The ```ts blocks of a markdown text, in order. */
export function tsSnippets(markdown: string): string[] {
  return [...markdown.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
}

/** Run a command; fail with its output (last 4000 characters) unless it exits 0. */
export function run(command: string, args: string[], options: SpawnSyncOptions = {}): string {
  const result = spawnSync(command, args, { encoding: "utf8", maxBuffer: 64 << 20, ...options });
  const output = `${result.stdout ?? ""}${result.stderr ?? ""}`;
  if (result.status !== 0) {
    const why = result.error ? String(result.error) : `exit ${result.status ?? result.signal}`;
    throw new Error(`${command} ${args.join(" ")} (in ${options.cwd ?? "."}): ${why}\n${output.slice(-4000)}`);
  }
  return String(result.stdout);
}

/** Run commands, as many at a time as there are CPUs; their outputs in order, or the first failure. */
export async function runAll(
  commands: Array<[string, string[]]>,
  options: ExecFileOptions & { env?: NodeJS.ProcessEnv },
): Promise<string[]> {
  const outputs: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < commands.length) {
      const i = next++;
      const [command, args] = commands[i];
      try {
        outputs[i] = String((await execFileAsync(command, args, { maxBuffer: 64 << 20, ...options })).stdout);
      } catch (error) {
        const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
        throw new Error(`${command} ${args.join(" ")} (in ${options.cwd ?? "."}): ${error}\n${stdout}${stderr}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(availableParallelism(), commands.length) }, worker));
  return outputs;
}

/**
 * The environment for an npm started from inside `npm test`: without the npm_* variables the
 * outer npm and lerna set (workspace, lifecycle, package fields), which would steer the inner one;
 * the user's cache, registry and config files are kept.
 */
export function cleanNpmEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const keep = new Set(["npm_config_cache", "npm_config_registry", "npm_config_userconfig"]);
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith("npm_") || keep.has(k.toLowerCase())),
  );
  delete env.NODE_TEST_CONTEXT;
  return { ...env, ...extra };
}

function readJson(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(file, "utf8"));
}

function listDirs(dir: string): string[] {
  return readdirSync(path.join(repoRoot, dir), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}
