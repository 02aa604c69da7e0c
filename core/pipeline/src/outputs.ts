import { isInside, joinPath } from "@gammaflow/core";
import type { PluginContext } from "./plugin.js";
import type { DataAccess } from "./services.js";

/**
 * The file `name` (a node's `param`, placeholders filled in) inside the run's output folder,
 * resolved. Whatever leads outside the folder is refused, naming the node, the param and the
 * path: `..` or an absolute path (lexically), and a symbolic link inside the folder that points
 * out (on real paths, where the data access has them).
 */
export function outputFile(
  context: Pick<PluginContext, "nodeId" | "run">,
  data: DataAccess,
  param: string,
  name: string,
): string {
  const outDir = joinPath(data.resolve(context.run.outDir));
  const target = joinPath(outDir, name);
  const refuse = (where: string) =>
    new Error(
      `node '${context.nodeId}' param '${param}': '${name}' leads outside the output folder ${outDir} ` +
        `(${where}); outputs stay inside --out`,
    );
  if (!isInside(target, outDir)) throw refuse(`to ${target}`);
  if (data.realPath) {
    const real = data.realPath(target);
    const realOut = data.realPath(outDir);
    if (!isInside(real, realOut)) throw refuse(`through a symbolic link, to ${real}`);
  }
  return target;
}
