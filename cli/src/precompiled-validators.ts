// The bundled CLI's validators: scripts/bundle-cli.mjs replaces this module by one that registers
// validators compiled at build time for the built-in plugins (usePrecompiledValidators; a third
// party's plugin is still compiled when first used). Unbundled, ajv compiles every schema then.
export {};
