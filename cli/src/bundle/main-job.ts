// `npm start` (cli/dist/bundle/main-job.js): signal handling first, then the main job from the
// CommonJS bundle beside it, through the code cache (code-cache.ts).
import { fileURLToPath } from "node:url";
import type * as Bundle from "./entry.js";
import { loadBundle } from "./code-cache.js";
import { Interrupts } from "../interrupts.js";

const interrupts = new Interrupts().install();
const { mainJob } = loadBundle<typeof Bundle>(fileURLToPath(new URL("./cli.cjs", import.meta.url)), {
  __importModule: (specifier) => import(specifier),
});
process.exit(await mainJob(process.argv.slice(2), interrupts));
