import { didYouMean, forbiddenKeyMessage, treeIssues } from "@gammaflow/core";
import type { Graph } from "./graph.js";

/** Where an override put its value: a JSON pointer into the graph, and the override as typed. */
export interface OverrideSource {
  pointer: string;
  override: string;
}

/**
 * Apply command-line overrides "path=value" to a graph (a copy): `nodes.<id>.params.<key>`
 * or the short `<id>.<key>` for a node's param, `inputs.geom.width`, …. Values are read as
 * JSON when they parse (numbers, arrays, true), else as strings ("2.5 deg"). Path segments
 * and value keys that would reach a prototype (`__proto__`, `constructor`, `prototype`) are refused.
 */
export function applyOverrides(input: Graph, overrides: readonly string[]): Graph {
  return applyTracedOverrides(input, overrides).graph;
}

/** `applyOverrides`, also telling where each override put its value (to blame it for a bad one). */
export function applyTracedOverrides(
  input: Graph,
  overrides: readonly string[],
): { graph: Graph; sources: OverrideSource[] } {
  refuseTree(input, "the graph");
  const graph = structuredClone(input);
  const sources: OverrideSource[] = [];
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
    const { target, keys, prefix } = overrideTarget(graph, path, override);
    let at = target;
    for (const key of keys.slice(0, -1)) {
      if (!Object.hasOwn(at, key) || typeof at[key] !== "object" || at[key] === null) at[key] = {};
      at = at[key] as Record<string, unknown>;
    }
    at[keys[keys.length - 1]] = value;
    sources.push({ pointer: `/${[...prefix, ...keys].join("/")}`, override });
  }
  return { graph, sources };
}

/** The object an override path starts from (a node, or the graph) and the keys below it. */
function overrideTarget(
  graph: Graph,
  path: string[],
  override: string,
): { target: Record<string, unknown>; keys: string[]; prefix: string[] } {
  if (path[0] !== "nodes" && ["inputs", "name", "description", "plugins"].includes(path[0]))
    return { target: graph as unknown as Record<string, unknown>, keys: path, prefix: [] };
  const [id, ...rest] = path[0] === "nodes" ? path.slice(1) : path;
  const index = graph.nodes.findIndex((n) => n.id === id);
  const node = graph.nodes[index];
  if (!node) {
    const ids = graph.nodes.map((n) => n.id);
    throw new Error(`--set '${override}': no node with id '${id}'${didYouMean(id, ids)} (nodes: ${ids.join(", ")})`);
  }
  const keys = path[0] === "nodes" ? rest : ["params", ...rest];
  if (keys.length < 2 || keys[0] !== "params")
    throw new Error(`--set '${override}': a node override names a param (nodes.${id}.params.<name> or ${id}.<name>)`);
  return { target: node as unknown as Record<string, unknown>, keys, prefix: ["nodes", String(index)] };
}

function refuseTree(value: unknown, what: string): void {
  const issues = treeIssues(value);
  if (issues.length) throw new Error(`${what}: ${issues.map((i) => `${i.path || "/"}: ${i.message}`).join("; ")}`);
}
