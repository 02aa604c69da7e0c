export {
  autoWorkers,
  loadGraph,
  runGraphFile,
  runLoadedGraph,
  REPO_ROOT,
  GAMMAPY_DATA_DEFAULT,
  type RunOptions,
  type LoadedGraph,
} from "./run-graph.js";
export { registryWith, importerFrom, BUILTIN_PACKAGES } from "./registry.js";
export { formatReport } from "./report.js";
export { runOutcome, EXIT_CODES, type RunOutcome } from "./outcome.js";
export { SIGNAL_EXIT_CODES, type StopSignal } from "./interrupts.js";
