import { existsSync, readFileSync, realpathSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { importModule, PluginRegistry } from "@gammaflow/pipeline";
import "./precompiled-validators.js";

/**
 * The packages whose plugins every graph may use, registered like any third party's. Each is
 * imported by a literal specifier, so that a bundler (scripts/bundle-cli.mjs) takes them in;
 * unbundled, each still loads only when a registry is built.
 */
const BUILTIN_IMPORTS: Record<string, () => Promise<unknown>> = {
  "@gammaflow/sources": () => import("@gammaflow/sources"),
  "@gammaflow/datasets": () => import("@gammaflow/datasets"),
  "@gammaflow/stacker": () => import("@gammaflow/stacker"),
  "@gammaflow/map-dataset-maker": () => import("@gammaflow/map-dataset-maker"),
  "@gammaflow/safe-mask": () => import("@gammaflow/safe-mask"),
  "@gammaflow/fov-background": () => import("@gammaflow/fov-background"),
  "@gammaflow/ring-background": () => import("@gammaflow/ring-background"),
  "@gammaflow/excess-map": () => import("@gammaflow/excess-map"),
  "@gammaflow/fit": () => import("@gammaflow/fit"),
  "@gammaflow/simulate": () => import("@gammaflow/simulate"),
};
export const BUILTIN_PACKAGES = Object.keys(BUILTIN_IMPORTS);

/**
 * Whether a plugin specifier is a path (relative to `baseDir`): it starts with "." or "/", or
 * names a file or folder there ("plugins/mine"); else it is a package name ("@scope/pkg").
 * Every command resolves --plugin this way, from the working directory.
 */
export function isPathSpecifier(specifier: string, baseDir: string): boolean {
  if (specifier.startsWith(".") || path.isAbsolute(specifier)) return true;
  return !specifier.startsWith("@") && existsSync(path.resolve(baseDir, specifier));
}

/**
 * The name a package is registered under: a path ("./my-plugin", relative to `baseDir`)
 * becomes its absolute real path, so a graph's "." and a --plugin path to the same folder agree;
 * anything else (a package name) is kept as written.
 */
export function packageId(specifier: string, baseDir: string): string {
  if (!isPathSpecifier(specifier, baseDir)) return specifier;
  const absolute = path.resolve(baseDir, specifier);
  return existsSync(absolute) ? realpathSync(absolute) : absolute;
}

/**
 * Import a plugin package the user named: a path ("./my-plugin", relative to `baseDir`) or a
 * package name resolved from `baseDir`'s node_modules (then from gammaflow's own).
 */
export function importerFrom(baseDir: string): (specifier: string) => Promise<unknown> {
  return async (specifier) => {
    if (isPathSpecifier(specifier, baseDir)) {
      return importModule(pathToFileURL(packageEntry(path.resolve(baseDir, specifier))).href);
    }
    try {
      const resolved = createRequire(path.join(baseDir, "noop.js")).resolve(specifier);
      return importModule(pathToFileURL(resolved).href);
    } catch {
      return importModule(specifier);
    }
  };
}

/** A package folder's entry module (its "exports" "." or "main"); a file path is returned as is. */
function packageEntry(target: string): string {
  if (!existsSync(target) || !statSync(target).isDirectory()) return target;
  const manifest = JSON.parse(readFileSync(path.join(target, "package.json"), "utf8")) as {
    main?: string;
    exports?: unknown;
  };
  const dot =
    typeof manifest.exports === "string"
      ? manifest.exports
      : (manifest.exports as Record<string, unknown> | undefined)?.["."];
  const entry =
    typeof dot === "string"
      ? dot
      : ((dot as Record<string, string> | undefined)?.import ??
        (dot as Record<string, string> | undefined)?.default ??
        manifest.main ??
        "index.js");
  return path.join(target, entry);
}

/**
 * The built-in plugins and those of the packages the user named (--plugin, relative to
 * `baseDir`, the working directory): the only code a run or a validation ever loads.
 */
export async function registryWith(
  extraPackages: readonly string[] = [],
  baseDir = process.cwd(),
): Promise<PluginRegistry> {
  const registry = new PluginRegistry();
  await registry.loadPackages(BUILTIN_PACKAGES, (name) => BUILTIN_IMPORTS[name]!());
  await registry.loadPackages(extraPackages, importerFrom(baseDir), (p) => packageId(p, baseDir));
  return registry;
}
