/** Edges by node id, both ways: what linear-time graph walks look up instead of scanning every edge. */
export interface Adjacency<E extends { from: string; to: string }> {
  incoming: Map<string, Array<{ edge: E; index: number }>>;
  outgoing: Map<string, Array<{ edge: E; index: number }>>;
}

export function adjacency<E extends { from: string; to: string }>(edges: readonly E[]): Adjacency<E> {
  const incoming = new Map<string, Array<{ edge: E; index: number }>>();
  const outgoing = new Map<string, Array<{ edge: E; index: number }>>();
  const add = (map: typeof incoming, key: string, entry: { edge: E; index: number }) => {
    const list = map.get(key);
    if (list) list.push(entry);
    else map.set(key, [entry]);
  };
  edges.forEach((edge, index) => {
    add(incoming, edge.to, { edge, index });
    add(outgoing, edge.from, { edge, index });
  });
  return { incoming, outgoing };
}

/**
 * Nodes in an order where every edge points forward (Kahn's algorithm, linear in nodes and
 * edges); the nodes on a cycle are left out and named. Edges must join the given nodes.
 */
export function topologicalOrder<T extends { id: string }>(
  nodes: readonly T[],
  edges: ReadonlyArray<{ from: string; to: string }>,
): { ordered: T[]; cyclic: string[] } {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const indegree = new Map(nodes.map((n) => [n.id, 0]));
  for (const e of edges) indegree.set(e.to, (indegree.get(e.to) ?? 0) + 1);
  const { outgoing } = adjacency(edges);
  const out: T[] = nodes.filter((n) => indegree.get(n.id) === 0);
  // `out` doubles as the queue: nodes are appended as they become ready and read in order.
  for (let head = 0; head < out.length; head++) {
    for (const { edge } of outgoing.get(out[head].id) ?? []) {
      const left = indegree.get(edge.to)! - 1;
      indegree.set(edge.to, left);
      const next = byId.get(edge.to);
      if (left === 0 && next) out.push(next);
    }
  }
  const placed = new Set(out.map((n) => n.id));
  return { ordered: out, cyclic: nodes.filter((n) => !placed.has(n.id)).map((n) => n.id) };
}
