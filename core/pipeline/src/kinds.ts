import type { AnyPlugin } from "./plugin.js";
import { adjacency } from "./topology.js";

/** The node fields kind checking needs, in topological order. */
interface KindNode {
  id: string;
  plugin: string;
  definition: AnyPlugin;
}

interface KindIssue {
  path: string;
  message: string;
}

/** Nodes that turn one kind into another, named when an edge needs one between them. */
const CONVERTERS: Record<string, Record<string, string>> = {
  dataset: { "image-dataset": "to-image" },
  observation: { dataset: "map-dataset-maker", "image-dataset": "map-dataset-maker and to-image" },
};

/**
 * Follow the message kinds through the graph: each node emits its declared output kinds, or
 * for a pass-through node (`output: "input"`) the kinds it receives. Every kind an upstream
 * node can emit must be one its downstream node takes, so wrong wiring (a ring background fed
 * a 3-D dataset) is refused before any data is read, naming both nodes.
 */
export function checkKinds(
  nodes: readonly KindNode[],
  edges: ReadonlyArray<{ from: string; to: string }>,
  edgePath: (edgeIndex: number) => string,
  nodePath: (id: string) => string,
): { emits: Map<string, string[]>; issues: KindIssue[] } {
  const emits = new Map<string, string[]>();
  const issues: KindIssue[] = [];
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const edgesTo = adjacency(edges).incoming;
  for (const node of nodes) {
    const { input, output } = node.definition;
    const incoming = edgesTo.get(node.id) ?? [];
    const received = new Set<string>();
    for (const { edge, index } of incoming) {
      const from = byId.get(edge.from);
      if (!from) continue; // an unknown plugin or a cycle, reported on its own
      if (input.length === 0) {
        issues.push({
          path: edgePath(index),
          message: `'${node.id}' (${node.plugin}) is a source and takes no input, but receives '${from.id}'`,
        });
        continue;
      }
      const sent = emits.get(from.id) ?? [];
      const refused = sent.filter((k) => !input.includes(k));
      if (refused.length) {
        const hint = refused.map((k) => input.map((want) => CONVERTERS[k]?.[want]).find(Boolean)).find(Boolean);
        issues.push({
          path: edgePath(index),
          message:
            `'${from.id}' (${from.plugin}) emits ${sent.join(" or ")}, but '${node.id}' (${node.plugin}) takes ` +
            `${input.join(" or ")}${hint ? ` (put ${hint} between them)` : ""}`,
        });
      }
      for (const k of sent) if (input.includes(k)) received.add(k);
    }
    if (input.length > 0 && incoming.length === 0) {
      issues.push({
        path: nodePath(node.id),
        message: `'${node.id}' (${node.plugin}) takes ${input.join(" or ")} but nothing feeds it`,
      });
    }
    emits.set(node.id, output === "input" ? [...received] : [...output]);
  }
  return { emits, issues };
}
