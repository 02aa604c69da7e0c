#!/usr/bin/env node
/**
 * The `gammaflow` command's entry: the bundle the build makes (cli/dist/bundle/, ~30 files to
 * load instead of ~900: about half a second less start-up) when it is there, else the compiled
 * modules (a published package ships no bundle). Same code either way.
 */
import { existsSync } from "node:fs";

const bundled = new URL("../bundle/gammaflow.js", import.meta.url);
await import(existsSync(bundled) ? bundled.href : "./gammaflow.js");
