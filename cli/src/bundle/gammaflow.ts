// The bundle's `gammaflow` command (cli/dist/bundle/gammaflow.js): signal handling first, then
// the commands from the CommonJS bundle beside it, through the code cache (code-cache.ts).
import { Interrupts } from "../interrupts.js";
import { loadCommands } from "./code-cache.js";

const interrupts = new Interrupts({ json: process.argv.includes("--json") }).install();
process.exit(await loadCommands().gammaflow(process.argv.slice(2), interrupts));
