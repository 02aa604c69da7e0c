// The page's validators, compiled at build time (scripts/validators-module.mjs): the page's CSP
// has no 'unsafe-eval', and ajv compiles with new Function. They cover the graph schema and the
// params of the plugins the page runs. Also the bundled graphs the page offers: those it can run.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { validatorsModule } from "../scripts/validators-module.mjs";
import { browserRegistry, NODE_ONLY, validateForBrowser } from "./dist/src/browser-plugins.js";

/**
 * The bundled graphs the page can run, with their names and descriptions: all but those with a
 * node whose plugin needs Node (NODE_ONLY). The others must validate as the page validates them:
 * a graph that does not is a build error, not a graph silently left out of the list.
 */
export function browserGraphs(graphsDir) {
  const registry = browserRegistry();
  return readdirSync(graphsDir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .flatMap((file) => {
      const graph = JSON.parse(readFileSync(path.join(graphsDir, file), "utf8"));
      if ((graph.nodes ?? []).some((node) => Object.hasOwn(NODE_ONLY, node.plugin))) return [];
      validateForBrowser(graph, registry, `graphs/${file}`);
      return [{ file, name: graph.name ?? file, description: graph.description ?? "" }];
    });
}

/** Write the validators module to `file`. */
export function writeValidators(file) {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, validatorsModule(browserRegistry().list()));
}
