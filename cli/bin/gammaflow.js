#!/usr/bin/env node
// The `gammaflow` command's entry, plain JavaScript kept in the repository (not built): npm links
// a package's bin at install, before the build, and links none whose file is missing then.
// It loads the bundle the build makes (dist/bundle/: ~10 files instead of ~900, the commands
// through V8's code cache, about half a second less start-up) when it is there, else the
// compiled modules (a published package ships no bundle). Same code either way.
import { existsSync } from "node:fs";

const bundled = new URL("../dist/bundle/gammaflow.js", import.meta.url);
await import(existsSync(bundled) ? bundled.href : new URL("../dist/src/gammaflow.js", import.meta.url).href);
