import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { gammapyDataDir } from "./data-dir.js";

/** Index files: the bundled ones list only the bundled runs, so they are never a stand-in for the full ones. */
const INDEX_FILE = /(^|\/)(hdu|obs)-index\.fits(\.gz)?$/;

/**
 * The public data a test reads, by its path inside gammapy's data folder ("hess-dl3-dr1/data/…",
 * "cta-1dc/index/gps"). A run file the repository bundles (data/, byte-identical to DR1's) is
 * read from there; everything else from gammapyDataDir(repoRoot). A test needing more than the
 * bundled runs passes `needs(…)` as its options, so without the full data it skips with one line
 * saying what to set and every other test still runs.
 */
export class TestData {
  /** The full data folder: $GAMMAPY_DATA, else ../shared/gammapy-data beside the repository. */
  readonly dir: string;

  constructor(readonly repoRoot: string) {
    this.dir = gammapyDataDir(repoRoot);
  }

  /** Where `relative` is read from: the bundled copy of a run file, else the full data folder. */
  path(relative: string): string {
    const bundled = path.join(this.repoRoot, "data", relative);
    if (!INDEX_FILE.test(relative) && existsSync(bundled) && statSync(bundled).isFile()) return bundled;
    return path.join(this.dir, relative);
  }

  /** node:test's options for a test reading `relatives`: `skip` is false when all exist, else the reason. */
  needs(...relatives: string[]): { skip: string | false } {
    const missing = relatives.filter((r) => !existsSync(this.path(r)));
    if (missing.length === 0) return { skip: false };
    return {
      skip:
        `needs ${missing.join(", ")} of gammapy's data, not in ${this.dir}: set GAMMAPY_DATA to that folder ` +
        '(`gammapy download datasets`, or see the README\'s "Full data")',
    };
  }
}
