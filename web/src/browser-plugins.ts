import { defer } from "rxjs";
import type { Observation } from "@gammaflow/core";
import {
  cutoutPlugin,
  datasetCreatePlugin,
  datasetWriterPlugin,
  summaryPlugin,
  toImagePlugin,
} from "@gammaflow/datasets";
import { excessMapPlugin } from "@gammaflow/excess-map";
import { fovBackgroundPlugin } from "@gammaflow/fov-background";
import { mapDatasetMakerPlugin } from "@gammaflow/map-dataset-maker";
import {
  definePlugin,
  GraphValidationError,
  locateIssues,
  validateGraph,
  paced,
  PluginRegistry,
  type AnyPlugin,
  type GraphIssue,
  type ValidatedGraph,
  type ErrorRecord,
  type Message,
  type ObservationMessage,
} from "@gammaflow/pipeline";
import { adaptiveRingBackgroundPlugin, ringBackgroundPlugin } from "@gammaflow/ring-background";
import { safeMaskPlugin } from "@gammaflow/safe-mask";
import { dataStoreSourcePlugin, selectObsIds } from "@gammaflow/sources";
import { stackerPlugin } from "@gammaflow/stacker";

/**
 * The built-in plugins that run in the page as they run in Node (their science needs no file but
 * the runs; dataset-writer writes into the page's memory, offered for download: see PageFiles).
 */
export const BROWSER_PLUGINS: readonly AnyPlugin[] = [
  cutoutPlugin,
  datasetCreatePlugin,
  datasetWriterPlugin,
  summaryPlugin,
  toImagePlugin,
  excessMapPlugin,
  fovBackgroundPlugin,
  mapDatasetMakerPlugin,
  ringBackgroundPlugin,
  adaptiveRingBackgroundPlugin,
  safeMaskPlugin,
  stackerPlugin,
];

/** The built-in plugins that need Node, and why: a graph using one is refused, naming the node. */
export const NODE_ONLY: Readonly<Record<string, string>> = {
  "png-preview": "its PNG encoder (resvg) is Node's",
  "watch-source": "it watches a folder on disk",
  fit: "it reads a models file and writes its results to files",
  fake: "it reads a models file",
  "simulate-dataset": "it reads a models file and writes files",
  "event-sampler": "it writes DL3 runs to files",
};

/**
 * datastore-source in the page: the dropped runs are its data store. Same params (so graphs
 * validate as in Node), selected the same way: `obsIds` in their order (one not dropped becomes
 * an error record), else every dropped run in the order found; `target` matches OBJECT as the
 * obs index does. `dataStore` and `root` name folders, which the page has none of: ignored.
 */
export function droppedRunsSource(dropped: () => readonly Observation[]): AnyPlugin {
  return definePlugin({
    ...dataStoreSourcePlugin,
    description: "The runs dropped on the page, selected by id or target name as datastore-source selects",
    services: ["clock"],
    create(params, { run, services, nodeId, progress }) {
      return () =>
        defer(() => {
          const runs = dropped();
          const byId = new Map(runs.map((o) => [o.obsId, o]));
          const ids = selectObsIds([...byId.keys()], params, {
            has: (id) => byId.has(id),
            object: (id) => byId.get(id)?.infoText("OBJECT"),
          });
          progress.emit({ stage: "planned", total: ids.length });
          const messages = ids.map((obsId, seq): ObservationMessage | ErrorRecord => {
            const observation = byId.get(obsId);
            if (observation) return { kind: "observation", seq, obsId, observation };
            return { kind: "error", seq, obsId, node: nodeId, message: `obs ${obsId} was not dropped on the page` };
          });
          return paced<Message>(messages, services.clock, run.finish, run.ready);
        });
    },
  });
}

/** The page's registry: the browser plugins, and the dropped runs as the data store source. */
export function browserRegistry(dropped: () => readonly Observation[] = () => []): PluginRegistry {
  return new PluginRegistry().register(...BROWSER_PLUGINS, droppedRunsSource(dropped));
}

/**
 * A graph checked for the page: a node whose plugin needs Node is refused by name (node, plugin
 * and where), then the graph is validated as the CLI validates it (the same schemas).
 */
export function validateForBrowser(input: unknown, registry: PluginRegistry, source = "graph"): ValidatedGraph {
  const nodes = (input as { nodes?: unknown } | null)?.nodes;
  const issues = (Array.isArray(nodes) ? nodes : []).flatMap((node: { plugin?: unknown }, i): GraphIssue[] => {
    const plugin = typeof node?.plugin === "string" ? node.plugin : "";
    if (!Object.hasOwn(NODE_ONLY, plugin) || registry.has(plugin)) return [];
    const path = `/nodes/${i}/plugin`;
    const message = `plugin '${plugin}' (${path}) needs Node: ${NODE_ONLY[plugin]}; run this graph with gammaflow run`;
    return [{ path, message }];
  });
  if (issues.length) throw new GraphValidationError(locateIssues(input, issues), source);
  return validateGraph(input, registry, source);
}
