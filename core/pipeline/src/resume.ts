import { filter, map, type MonoTypeOperatorFunction } from "rxjs";
import type { Checkpoints } from "./checkpoints.js";
import type { ValidatedGraph } from "./graph.js";
import { isErrorRecord, type Message } from "./messages.js";
import { adjacency } from "./topology.js";

/**
 * For each source node, the observations a resumed run need not emit again: those that every
 * path from the source to a sink meets in the checkpoint of a node that keeps one (a stacker's
 * running stack). A path through no such node (a per-run writer, a printer) keeps every run.
 */
export function resumedObsIds(
  validated: ValidatedGraph,
  checkpoints: Checkpoints | undefined,
): Map<string, Set<number>> {
  const skips = new Map<string, Set<number>>();
  if (!checkpoints) return skips;
  const { incoming, outgoing } = adjacency(validated.edges);
  const nodes = new Map(validated.nodes.map((n) => [n.id, n]));
  const done = new Map<string, Set<number>>();
  // What a node's input may go without: its own checkpoint's runs, else what all its consumers hold.
  const held = (id: string): Set<number> => {
    const known = done.get(id);
    if (known) return known;
    done.set(id, new Set()); // a cycle (refused by validation anyway) holds nothing
    const node = nodes.get(id)!;
    const fromCheckpoint = node.definition.checkpointedObsIds;
    let result: Set<number>;
    if (fromCheckpoint) {
      const saved = checkpoints.load(id);
      result = new Set(saved === undefined ? [] : fromCheckpoint(saved));
    } else {
      const consumers = (outgoing.get(id) ?? []).map(({ edge }) => held(edge.to));
      result = consumers.length ? intersection(consumers) : new Set();
    }
    done.set(id, result);
    return result;
  };
  for (const node of validated.nodes) {
    if (incoming.has(node.id)) continue;
    const consumers = (outgoing.get(node.id) ?? []).map(({ edge }) => held(edge.to));
    const skip = consumers.length ? intersection(consumers) : new Set<number>();
    if (skip.size) skips.set(node.id, skip);
  }
  return skips;
}

function intersection(sets: Set<number>[]): Set<number> {
  const [first, ...rest] = sets;
  return new Set([...first].filter((id) => rest.every((s) => s.has(id))));
}

/**
 * A source's output without the runs in `skip`, the others renumbered so that the order the
 * ordered nodes restore has no gap (sources emit in `seq` order).
 */
export function skipResumed(skip: Set<number>, onSkip: (obsIds: number[]) => void): MonoTypeOperatorFunction<Message> {
  const skippedSeqs: number[] = [];
  return (source) =>
    source.pipe(
      filter((m) => {
        const ids = isErrorRecord(m) ? [] : obsIdsOf(m);
        if (!ids.length || !ids.every((id) => skip.has(id))) return true;
        if (m.seq !== undefined) skippedSeqs.splice(countBelow(skippedSeqs, m.seq), 0, m.seq);
        onSkip(ids);
        return false;
      }),
      map((m) => {
        if (m.seq === undefined || !skippedSeqs.length) return m;
        const before = countBelow(skippedSeqs, m.seq);
        return before ? { ...m, seq: m.seq - before } : m;
      }),
    );
}

/** How many values of the ascending `sorted` are below `value` (a binary search). */
function countBelow(sorted: number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function obsIdsOf(m: Message): number[] {
  if ("obsIds" in m && Array.isArray(m.obsIds)) return m.obsIds;
  return m.obsId === undefined ? [] : [m.obsId];
}
