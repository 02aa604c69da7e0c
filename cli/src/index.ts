export {
  loadGraph,
  runGraphFile,
  REPO_ROOT,
  GAMMAPY_DATA_DEFAULT,
  type RunOptions,
  type LoadedGraph,
} from "./run-graph.js";
export { registryWith, importerFrom, BUILTIN_PACKAGES } from "./registry.js";
export { formatReport } from "./report.js";
