// `npm start` (cli/dist/bundle/main-job.js): signal handling first, then the main job from the
// CommonJS bundle beside it, through the code cache (code-cache.ts).
import { Interrupts } from "../interrupts.js";
import { loadCommands } from "./code-cache.js";

const interrupts = new Interrupts().install();
process.exit(await loadCommands().mainJob(process.argv.slice(2), interrupts));
