import { importModule } from "./import-module.js";
import type { AnyPlugin } from "./plugin.js";

/** Plugins by name. Built-ins are registered exactly as a third party's would be. */
export class PluginRegistry {
  private readonly plugins = new Map<string, AnyPlugin>();
  private readonly packages = new Set<string>();

  register(...definitions: AnyPlugin[]): this {
    for (const d of definitions) {
      if (!d || typeof d.name !== "string" || typeof d.create !== "function" || typeof d.params !== "object") {
        throw new Error(
          "PluginRegistry: not a plugin definition (needs name, version, params, input, output, create): " +
            `${JSON.stringify(d)?.slice(0, 120)}`,
        );
      }
      const existing = this.plugins.get(d.name);
      if (existing && existing !== d)
        throw new Error(
          `PluginRegistry: a plugin named '${d.name}' is already registered (version ${existing.version})`,
        );
      this.plugins.set(d.name, d);
    }
    return this;
  }

  get(name: string): AnyPlugin | undefined {
    return this.plugins.get(name);
  }

  has(name: string): boolean {
    return this.plugins.has(name);
  }

  list(): AnyPlugin[] {
    return [...this.plugins.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Whether the package `id` (its loadPackages id) was loaded. */
  hasPackage(id: string): boolean {
    return this.packages.has(id);
  }

  /**
   * Register the plugins of packages the user chose (the built-ins, the CLI's --plugin; never
   * a graph's list): each package exports `plugins` (an array of definitions). Nothing else is
   * ever imported. Each is recorded by `idOf(specifier)` (e.g. a path made absolute), for hasPackage.
   */
  async loadPackages(
    specifiers: readonly string[],
    importer: (specifier: string) => Promise<unknown> = importModule,
    idOf: (specifier: string) => string = (s) => s,
  ): Promise<void> {
    for (const specifier of specifiers) {
      let module: { plugins?: unknown };
      try {
        module = (await importer(specifier)) as { plugins?: unknown };
      } catch (e) {
        throw new Error(`plugin package '${specifier}' could not be loaded: ${(e as Error).message}`);
      }
      if (!Array.isArray(module.plugins))
        throw new Error(`plugin package '${specifier}' does not export 'plugins' (an array of plugin definitions)`);
      this.register(...(module.plugins as AnyPlugin[]));
      this.packages.add(idOf(specifier));
    }
  }
}
