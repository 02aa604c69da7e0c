import { didYouMean, treeIssues } from "@gammaflow/core";
import { type GraphIssue, GraphValidationError, issuesOf, locateIssues } from "./issues.js";
import type { OverrideSource } from "./overrides.js";
import { resolveParams, type JsonSchema } from "./params.js";
import type { AnyPlugin } from "./plugin.js";
import type { PluginRegistry } from "./registry.js";
import { checkKinds } from "./kinds.js";
import { topologicalOrder } from "./topology.js";
import { paramsSchema, validatorOf } from "./validators.js";
import { datasetSpecProperties, geomSpecSchema, inputIssues, type DatasetSpec, type GeomSpec } from "./specs.js";

export interface GraphNode {
  $comment?: string;
  id: string;
  plugin: string;
  params?: Record<string, unknown>;
}

export interface GraphEdge {
  from: string;
  to: string;
}

/**
 * A graph file: nodes (plugin + params), edges (default: the nodes in order, a chain),
 * shared inputs (data store folder, target geometry) and the plugin packages it needs beyond
 * the built-ins. A graph is data: nothing in it is executed or imported; the packages it lists
 * must already be loaded (the user's --plugin).
 */
export interface Graph {
  $schema?: string;
  $comment?: string;
  name?: string;
  description?: string;
  plugins?: string[];
  inputs?: { $comment?: string; dataStore?: string; geom?: GeomSpec; dataset?: DatasetSpec };
  nodes: GraphNode[];
  edges?: GraphEdge[];
}

/** A note for people (JSON has no comments), allowed on the graph, its inputs and each node; ignored. */
const COMMENT = { type: "string", description: "a note for people; ignored" };

export const graphSchema: JsonSchema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://gammaflow.dev/schemas/graph.json",
  title: "gammaflow graph",
  type: "object",
  required: ["nodes"],
  additionalProperties: false,
  properties: {
    $schema: { type: "string" },
    $comment: COMMENT,
    name: { type: "string" },
    description: { type: "string" },
    plugins: {
      type: "array",
      items: { type: "string" },
      description:
        "packages whose exported `plugins` this graph uses; a graph never loads them: each must be " +
        "a built-in or given on the command line (--plugin)",
    },
    inputs: {
      type: "object",
      additionalProperties: false,
      properties: {
        $comment: COMMENT,
        dataStore: {
          type: "string",
          description: "DL3 data store folder, relative to the graph file; $GAMMAPY_DATA expands",
        },
        geom: geomSpecSchema,
        dataset: {
          type: "object",
          additionalProperties: false,
          properties: datasetSpecProperties,
          description: "options of the datasets made on geom (MapDataset.create)",
        },
      },
    },
    nodes: {
      type: "array",
      minItems: 1,
      items: {
        type: "object",
        required: ["id", "plugin"],
        additionalProperties: false,
        properties: {
          $comment: COMMENT,
          id: { type: "string", pattern: "^[A-Za-z_][A-Za-z0-9_-]*$" },
          plugin: { type: "string" },
          params: { type: "object" },
        },
      },
    },
    edges: {
      type: "array",
      items: {
        type: "object",
        required: ["from", "to"],
        additionalProperties: false,
        properties: { from: { type: "string" }, to: { type: "string" } },
      },
    },
  },
};

/**
 * A validated graph: params completed with their defaults and resolved (quantities as numbers
 * in canonical units), edges explicit, nodes in topological order with the message kinds each
 * emits.
 */
export interface ValidatedGraph {
  graph: Graph;
  nodes: ValidatedNode[];
  edges: GraphEdge[];
}

export interface ValidatedNode extends GraphNode {
  params: Record<string, unknown>;
  definition: AnyPlugin;
  /** The message kinds this node emits in this graph (a pass-through node's depend on its inputs). */
  emits: string[];
}

/** Does `value` match `schema` (an anyOf/oneOf branch)? */
function matches(schema: object, value: unknown): boolean {
  return validatorOf(schema as JsonSchema, "a param's branch")(structuredClone(value)) as boolean;
}

/**
 * A node's params as `create` receives them: checked against the plugin's schema, completed
 * with its defaults, quantities converted to canonical units. Issues are located under `at`.
 */
export function checkParams(
  definition: AnyPlugin,
  input: unknown,
  at = "",
): { params: Record<string, unknown>; issues: GraphIssue[] } {
  const refused = treeIssues(input, at);
  if (refused.length) return { params: {}, issues: refused };
  const params = structuredClone(input ?? {}) as Record<string, unknown>;
  const validate = validatorOf(paramsSchema(definition), `the params of plugin '${definition.name}'`);
  if (!validate(params)) return { params, issues: issuesOf(validate.errors, at, "param") };
  const resolved = resolveParams(definition.params as JsonSchema, params, matches);
  const issues = resolved.issues.map((issue) => ({ path: `${at}${issue.path}`, message: issue.message }));
  return { params: resolved.value as Record<string, unknown>, issues };
}

/**
 * Check a graph before any data is read: its shape, every node's params against its plugin's
 * schema (filling defaults), the message kinds along every edge, and that it has no cycle.
 * Throws a GraphValidationError listing every problem, located (see `locateIssues`).
 */
export interface ValidateOptions {
  /**
   * The registry's name of a package a graph lists (default: the entry as is); the CLI makes
   * a path relative to the graph file absolute, as it records --plugin paths.
   */
  packageOf?: (entry: string) => string;
  /** Where --set overrides put their values: a problem there blames the override. */
  overrides?: readonly OverrideSource[];
}

export function validateGraph(
  input: unknown,
  registry: PluginRegistry,
  source = "graph",
  options: ValidateOptions = {},
): ValidatedGraph {
  // Before anything recursive (the clone, ajv): a deep tree must be refused, not overflow the stack.
  const refused = treeIssues(input);
  if (refused.length) throw new GraphValidationError(refused, source);
  const graph = structuredClone(input) as Graph;
  const fail = (issues: GraphIssue[]) =>
    new GraphValidationError(locateIssues(input, issues, options.overrides), source);
  const validateShape = validatorOf(graphSchema, "the graph schema");
  if (!validateShape(graph)) throw fail(issuesOf(validateShape.errors, ""));
  const issues: GraphIssue[] = packageIssues(graph.plugins ?? [], registry, options.packageOf ?? ((e) => e));
  const ids = new Map<string, number>();
  graph.nodes.forEach((n, i) => {
    if (ids.has(n.id))
      issues.push({ path: `/nodes/${i}/id`, message: `duplicate node id '${n.id}' (also /nodes/${ids.get(n.id)})` });
    ids.set(n.id, i);
  });
  const nodes: Array<Omit<ValidatedNode, "emits">> = [];
  graph.nodes.forEach((n, i) => {
    const definition = registry.get(n.plugin);
    if (!definition) {
      const names = registry.list().map((p) => p.name);
      issues.push({
        path: `/nodes/${i}/plugin`,
        message:
          `unknown plugin '${n.plugin}'${didYouMean(n.plugin, names)} (known: ${names.join(", ")}; ` +
          "others come from plugin packages registered with the run, e.g. by the CLI's --plugin)",
      });
      return;
    }
    const checked = checkParams(definition, n.params ?? {}, `/nodes/${i}/params`);
    issues.push(...checked.issues);
    nodes.push({ ...n, params: checked.params, definition });
  });
  issues.push(...inputIssues(graph.inputs));
  const edges = graph.edges ?? graph.nodes.slice(1).map((n, i) => ({ from: graph.nodes[i].id, to: n.id }));
  edges.forEach((e, i) => {
    const where = graph.edges ? `/edges/${i}` : `/nodes/${i + 1}`;
    for (const end of ["from", "to"] as const) {
      if (!ids.has(e[end]))
        issues.push({ path: `${where}${graph.edges ? `/${end}` : ""}`, message: `no node with id '${e[end]}'` });
    }
  });
  const defined = new Set(nodes.map((n) => n.id));
  const known = edges.filter((e) => defined.has(e.from) && defined.has(e.to));
  const { ordered, cyclic } = topologicalOrder(nodes, known);
  if (cyclic.length) issues.push({ path: "/edges", message: `the edges form a cycle through ${cyclic.join(", ")}` });
  const kinds = checkKinds(
    ordered,
    edges,
    (i) => (graph.edges ? `/edges/${i}` : `/nodes/${i + 1}`),
    (id) => `/nodes/${ids.get(id)}`,
  );
  issues.push(...kinds.issues);
  if (issues.length) throw fail(issues);
  return { graph, nodes: ordered.map((n) => ({ ...n, emits: kinds.emits.get(n.id)! })), edges };
}

/** A graph's `plugins` entries that name no loaded package: a graph may name them, never load them. */
function packageIssues(
  entries: readonly string[],
  registry: PluginRegistry,
  packageOf: (entry: string) => string,
): GraphIssue[] {
  return entries.flatMap((entry, i) => {
    const name = packageOf(entry);
    if (registry.hasPackage(name)) return [];
    return [
      {
        path: `/plugins/${i}`,
        message:
          `plugin package '${entry}' is not loaded: a graph never loads code; ` +
          `if you trust it, allow it on the command line with --plugin ${name}`,
      },
    ];
  });
}
