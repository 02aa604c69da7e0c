import { DataStore, FetchFileAccess, joinPath, observationFromRunFile, type Observation } from "@gammaflow/core";

/** A file dropped on the page, with its path inside what was dropped ("hess-dl3-dr1/data/run.fits.gz"). */
export interface DroppedFile {
  path: string;
  blob: Blob;
}

/** A run found among the dropped files: in a data store with index files, or a lone run file. */
export interface FoundRun {
  /** Says the run apart from all others dropped: the store's folder and obs id, or the file. */
  key: string;
  file: string;
  observation?: Observation;
  /** Why it cannot be reduced: an unreadable file, or (waiting) index files listing files not dropped yet. */
  cause?: string;
  waiting?: boolean;
  obsId?: number;
}

/** Served under this origin only inside the worker: FetchFileAccess resolves paths against a URL. */
const BASE = "https://dropped.invalid/";
const INDEX_FILE = /(^|\/)(hdu|obs)-index\.fits(\.gz)?$/;
const FITS_FILE = /\.fits(\.gz)?$/i;

/**
 * The dropped files as the data side's FileAccess: FetchFileAccess with a fetch that answers
 * from the Blobs, so the files are read asynchronously and gunzipped by DecompressionStream
 * (capped, as downloads are), then served to the synchronous readers.
 */
export class DroppedFiles {
  private readonly blobs = new Map<string, Blob>();
  readonly access = new FetchFileAccess(BASE, { fetch: async (input) => this.serve(input) });

  /** Add files; a path dropped again replaces the earlier file. Returns the normalised paths. */
  add(files: readonly DroppedFile[]): string[] {
    return files.map(({ path, blob }) => {
      const normalised = joinPath("/", path);
      this.blobs.set(normalised, blob);
      this.access.forget([normalised]);
      return normalised;
    });
  }

  get paths(): string[] {
    return [...this.blobs.keys()];
  }

  /**
   * The runs among all dropped files: those of every data store (a folder with hdu-index and
   * obs-index files) in index order, then FITS files no index lists, read as single run files.
   */
  async runs(): Promise<FoundRun[]> {
    const paths = this.paths;
    const found: FoundRun[] = [];
    const listed = new Set<string>();
    const hduIndexes = paths.filter((p) => /(^|\/)hdu-index\.fits(\.gz)?$/.test(p));
    for (const hduIndex of hduIndexes) {
      const dir = hduIndex.slice(0, hduIndex.lastIndexOf("/")) || "/";
      await this.access.load(paths.filter((p) => INDEX_FILE.test(p) && p.startsWith(`${dir}/`)));
      let store: DataStore;
      try {
        store = DataStore.fromDir(dir, { files: this.access });
      } catch (error) {
        found.push({ key: hduIndex, file: hduIndex, cause: (error as Error).message });
        continue;
      }
      await store.prefetch();
      for (const obsId of store.obsIds) found.push(this.storeRun(store, dir, obsId, listed));
    }
    for (const path of paths) {
      if (!FITS_FILE.test(path) || INDEX_FILE.test(path) || listed.has(path)) continue;
      found.push(await this.loneRun(path));
    }
    return found;
  }

  private storeRun(store: DataStore, dir: string, obsId: number, listed: Set<string>): FoundRun {
    const key = `${dir}#${obsId}`;
    const files = store.hduIndex.hduTypes(obsId).map((type) => {
      try {
        return store.resolve(store.hduIndex.location(obsId, type)!);
      } catch {
        return undefined;
      }
    });
    for (const file of files) if (file) listed.add(file);
    const file = files.find((f) => f !== undefined) ?? dir;
    try {
      if (!store.filesPresent(obsId)) {
        const missing = files.filter((f) => f && !this.blobs.has(f));
        const cause = `listed in ${dir}'s index, not dropped yet: ${missing.join(", ")}`;
        return { key, file, obsId, cause, waiting: true };
      }
      return { key, file, obsId, observation: store.obs(obsId) };
    } catch (error) {
      return { key, file, obsId, cause: (error as Error).message };
    }
  }

  private async loneRun(path: string): Promise<FoundRun> {
    try {
      await this.access.load([path]);
      return { key: path, file: path, observation: observationFromRunFile(this.access.readFits(path), path) };
    } catch (error) {
      return { key: path, file: path, cause: (error as Error).message };
    }
  }

  private serve(input: RequestInfo | URL): Response {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const blob = this.blobs.get(decodeURIComponent(url.pathname));
    return blob ? new Response(blob) : new Response(null, { status: 404, statusText: "Not dropped" });
  }
}
