// The main job (main-job-run.ts) from the compiled modules; `npm start` runs the bundle's
// (bundle/main-job.ts). Signal handling comes first, before the modules load.
import { Interrupts } from "./interrupts.js";

const interrupts = new Interrupts().install();
const { runMainJob } = await import("./main-job-run.js");
process.exit(await runMainJob(process.argv.slice(2), interrupts));
