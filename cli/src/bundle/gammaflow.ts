// The bundle's `gammaflow` command (cli/dist/bundle/gammaflow.js): signal handling first, then
// the commands from the CommonJS bundle beside it, through the code cache (code-cache.ts).
import { fileURLToPath } from "node:url";
import type * as Bundle from "./entry.js";
import { loadBundle } from "./code-cache.js";
import { Interrupts } from "../interrupts.js";

const interrupts = new Interrupts({ json: process.argv.includes("--json") }).install();
const { gammaflow } = loadBundle<typeof Bundle>(fileURLToPath(new URL("./cli.cjs", import.meta.url)), {
  __importModule: (specifier) => import(specifier),
});
process.exit(await gammaflow(process.argv.slice(2), interrupts));
