import { forbiddenKeyMessage, treeIssues } from "@gammaflow/core";
import type { Graph } from "./graph.js";

/**
 * Apply command-line overrides "path=value" to a graph (a copy): `nodes.<id>.params.<key>`
 * or the short `<id>.<key>` for a node's param, `inputs.geom.width`, …. Values are read as
 * JSON when they parse (numbers, arrays, true), else as strings ("2.5 deg"). Path segments
 * and value keys that would reach a prototype (`__proto__`, `constructor`, `prototype`) are refused.
 */
export function applyOverrides(input: Graph, overrides: readonly string[]): Graph {
  refuseTree(input, "the graph");
  const graph = structuredClone(input);
  for (const override of overrides) {
    const eq = override.indexOf("=");
    if (eq <= 0) throw new Error(`--set '${override}': expected path=value`);
    const path = override.slice(0, eq).split(".");
    for (const key of path) {
      const refused = forbiddenKeyMessage(key);
      if (refused) throw new Error(`--set '${override}': ${refused}`);
    }
    const text = override.slice(eq + 1);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = text;
    }
    refuseTree(value, `--set '${override}'`);
    const { target, keys } = overrideTarget(graph, path, override);
    let at = target;
    for (const key of keys.slice(0, -1)) {
      if (!Object.hasOwn(at, key) || typeof at[key] !== "object" || at[key] === null) at[key] = {};
      at = at[key] as Record<string, unknown>;
    }
    at[keys[keys.length - 1]] = value;
  }
  return graph;
}

/** The object an override path starts from (a node, or the graph) and the keys below it. */
function overrideTarget(
  graph: Graph,
  path: string[],
  override: string,
): { target: Record<string, unknown>; keys: string[] } {
  if (path[0] !== "nodes" && ["inputs", "name", "description", "plugins"].includes(path[0]))
    return { target: graph as unknown as Record<string, unknown>, keys: path };
  const [id, ...rest] = path[0] === "nodes" ? path.slice(1) : path;
  const node = graph.nodes.find((n) => n.id === id);
  if (!node)
    throw new Error(`--set '${override}': no node with id '${id}' (nodes: ${graph.nodes.map((n) => n.id).join(", ")})`);
  const keys = path[0] === "nodes" ? rest : ["params", ...rest];
  if (keys.length < 2 || keys[0] !== "params")
    throw new Error(`--set '${override}': a node override names a param (nodes.${id}.params.<name> or ${id}.<name>)`);
  return { target: node as unknown as Record<string, unknown>, keys };
}

function refuseTree(value: unknown, what: string): void {
  const issues = treeIssues(value);
  if (issues.length) throw new Error(`${what}: ${issues.map((i) => `${i.path || "/"}: ${i.message}`).join("; ")}`);
}
