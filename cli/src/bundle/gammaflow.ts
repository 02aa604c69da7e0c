// The bundle's `gammaflow` command (cli/dist/bundle/gammaflow.js): signal handling first, a
// worker pool the command asks for (prestart.ts), then the commands from the CommonJS bundle
// beside it, through the code cache (code-cache.ts).
import { Interrupts } from "../interrupts.js";
import { loadCommands } from "./code-cache.js";
import { prestartWorkers } from "./prestart.js";

const interrupts = new Interrupts({ json: process.argv.includes("--json") }).install();
prestartWorkers(process.argv.slice(2));
process.exit(await loadCommands().gammaflow(process.argv.slice(2), interrupts));
