// The CLI's CommonJS bundle (scripts/bundle-cli.mjs), loaded through V8's code cache by the
// launchers gammaflow.ts and main-job.ts beside it (see code-cache.ts).
export { main as gammaflow } from "../commands.js";
export { runMainJob as mainJob } from "../main-job-run.js";
