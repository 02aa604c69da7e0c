// Every import of a module named at run time (a plugin package, a task's module) goes through
// here. The CLI's CommonJS bundle runs from V8's code cache, where node 20 has lost what an
// `import()` needs (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING): its build (scripts/bundle-cli.mjs)
// replaces this module by one that calls the import its ES-module launcher passes in.

/** `import(specifier)` of a URL or a package name (a relative path would mean this folder). */
export function importModule(specifier: string): Promise<unknown> {
  return import(specifier);
}
