import { existsSync, statSync } from "node:fs";
import path from "node:path";
import type { GraphIssue, ValidatedGraph } from "@gammaflow/pipeline";

/** The index files a data store folder must hold (each gzipped or not), as DataStore.fromDir looks for them. */
const INDEX_FILES = ["hdu-index.fits", "obs-index.fits"];

/**
 * What the graph's nodes need beyond their params (their `needs`), checked without reading
 * data: a target geometry where a node makes datasets on it, and a data store folder holding
 * its index files where a node reads one. `resolve` makes a graph path absolute (relative to
 * the graph file, $GAMMAPY_DATA expanded).
 */
export function prerequisiteIssues(validated: ValidatedGraph, resolve: (path: string) => string): GraphIssue[] {
  const { graph } = validated;
  const issues: GraphIssue[] = [];
  const index = (id: string) => graph.nodes.findIndex((n) => n.id === id);
  for (const node of validated.nodes) {
    const needs = node.definition.needs ?? [];
    if (needs.includes("geom") && !graph.inputs?.geom)
      issues.push({
        path: `/nodes/${index(node.id)}`,
        message: `${node.plugin} makes datasets on the target geometry: set inputs.geom (see gammaflow init)`,
      });
    if (!needs.includes("dataStore")) continue;
    const own = typeof node.params.dataStore === "string" ? node.params.dataStore : undefined;
    const dir = own ?? graph.inputs?.dataStore;
    const pointer = own ? `/nodes/${index(node.id)}/params/dataStore` : "/inputs/dataStore";
    if (dir === undefined) {
      issues.push({
        path: `/nodes/${index(node.id)}`,
        message: `${node.plugin} reads a data store: set inputs.dataStore or the node's dataStore param`,
      });
      continue;
    }
    const problem = storeProblem(dir, resolve);
    if (problem) issues.push({ path: pointer, message: problem });
  }
  return issues;
}

function storeProblem(dir: string, resolve: (path: string) => string): string | undefined {
  let absolute: string;
  try {
    absolute = resolve(dir);
  } catch (e) {
    return (e as Error).message;
  }
  const shown = absolute === dir ? `'${dir}'` : `'${dir}' (${absolute})`;
  if (!existsSync(absolute)) return `the data store folder ${shown} does not exist`;
  if (!statSync(absolute).isDirectory()) return `the data store ${shown} is not a folder`;
  const missing = INDEX_FILES.filter(
    (f) => !existsSync(path.join(absolute, `${f}.gz`)) && !existsSync(path.join(absolute, f)),
  );
  if (missing.length)
    return `the data store folder ${shown} has no ${missing.map((f) => `${f}.gz`).join(" or ")} (its index files)`;
  return undefined;
}
