import path from "node:path";

/**
 * The public gammapy-data folder (hess-dl3-dr1, cta-1dc, …): $GAMMAPY_DATA, else
 * ../shared/gammapy-data beside the repository. The one default the command, the tests and the
 * benchmarks share.
 */
export function gammapyDataDir(repoRoot: string): string {
  return process.env.GAMMAPY_DATA ?? path.resolve(repoRoot, "../shared/gammapy-data");
}
