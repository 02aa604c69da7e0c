import type { FitsFile } from "../fits/index.js";
import { FetchFileAccess, type FetchFileAccessOptions } from "./fetch-files.js";
import { expandVars, isInside, joinPath, type FileAccess } from "./files.js";
import { HduIndex, type HduLocation } from "./hdu-index.js";
import { Observation } from "./observation.js";
import { ObsTable } from "./obs-table.js";

export interface DataStoreOptions {
  /** How files are read; required here, the Node entry's DataStore defaults it to node:fs. */
  files?: FileAccess;
  hduTableFilename?: string;
  obsTableFilename?: string;
  /**
   * Folder that index paths must stay inside (default: the store's folder). CTA's 1DC index
   * points two levels up (`../../data`), so its users pass the release's top folder here.
   */
  root?: string;
  /** Accept any path in the index, absolute or leading anywhere (explicit opt-in). */
  allowAnyPath?: boolean;
}

/** Observations that were asked for, with the ids that were skipped and why. */
export class Observations extends Array<Observation> {
  skipped: Array<{ obsId: number; reason: string }> = [];

  /** map/filter give plain arrays. */
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }

  static create(observations: Observation[], skipped: Array<{ obsId: number; reason: string }>): Observations {
    const out = new Observations();
    out.push(...observations);
    out.skipped = skipped;
    return out;
  }

  byId(obsId: number): Observation | undefined {
    return this.find((o) => o.obsId === obsId);
  }
}

/**
 * A DL3 data store (gammapy's DataStore): an HDU index and an observation index. Its file
 * access is passed in (`options.files`), never set globally; the Node entry of the package
 * exports a subclass that defaults it to node:fs.
 */
export class DataStore {
  /** The file access of `fromDir` when none is passed: none here (platform-neutral). */
  protected static readonly defaultFiles: FileAccess | undefined = undefined;

  protected constructor(
    readonly baseDir: string,
    readonly hduIndex: HduIndex,
    readonly obsTable: ObsTable,
    private readonly files: FileAccess,
    private readonly root: string | undefined,
  ) {}

  static fromDir(baseDir: string, options: DataStoreOptions = {}): DataStore {
    const files = options.files ?? this.defaultFiles;
    if (!files) {
      throw new Error(
        "DataStore.fromDir: no file access: pass { files } (a FileAccess; in Node, nodeFiles of" +
          " '@gammaflow/core/node') or, in a browser, use the loader: await DataStore.fromUrl(baseUrl)",
      );
    }
    const dir = joinPath(expandVars(baseDir, (n) => files.env(n), "DataStore.fromDir"));
    const find = (name: string | undefined, fallback: string): string => {
      const candidates = indexCandidates(dir, name, fallback);
      const found = candidates.find((p) => files.exists(p));
      if (!found) throw new Error(`DataStore.fromDir: index file not found (looked for ${candidates.join(", ")})`);
      return found;
    };
    const hduFile = files.readFits(find(options.hduTableFilename, HDU_INDEX));
    const obsFile = files.readFits(find(options.obsTableFilename, OBS_INDEX));
    const root = options.allowAnyPath ? undefined : joinPath(options.root ? joinPath(dir, options.root) : dir);
    // `new this`: the Node entry's subclass makes instances of itself, so instanceof holds for both.
    return new this(dir, HduIndex.fromTable(firstTable(hduFile)), new ObsTable(firstTable(obsFile)), files, root);
  }

  /**
   * A data store served over HTTP (the browser loader; Node 20 has fetch too): fetches the
   * index files now; `prefetch(obsIds)` fetches observations before they are read. `baseUrl`
   * is absolute (in a page: `new URL("data/hess-dl3-dr1/", location.href)`).
   */
  static async fromUrl(
    baseUrl: string | URL,
    options: Omit<DataStoreOptions, "files"> & FetchFileAccessOptions = {},
  ): Promise<DataStore> {
    const files = new FetchFileAccess(baseUrl, options);
    const dir = joinPath(files.baseUrl.pathname);
    const indexes: Array<[string | undefined, string]> = [
      [options.hduTableFilename, HDU_INDEX],
      [options.obsTableFilename, OBS_INDEX],
    ];
    for (const [name, fallback] of indexes) {
      // One at a time: the uncompressed fallback is fetched only when the first answered 404.
      for (const candidate of indexCandidates(dir, name, fallback)) {
        await files.load([candidate]);
        if (files.exists(candidate)) break;
      }
    }
    return this.fromDir(dir, { ...options, files });
  }

  /**
   * Make the files of `obsIds` (all when undefined) readable, for file accesses that fetch
   * (`fromUrl`); with node:fs there is nothing to do. Ids missing from the HDU index are left
   * to `obs` to report.
   */
  async prefetch(obsIds?: readonly number[]): Promise<void> {
    if (!this.files.load) return;
    const paths = new Set<string>();
    for (const id of obsIds ?? this.obsIds) {
      if (!this.hduIndex.has(id)) continue;
      for (const type of this.hduIndex.hduTypes(id)) paths.add(this.resolve(this.hduIndex.location(id, type)!));
    }
    await this.files.load([...paths]);
  }

  get obsIds(): number[] {
    return this.obsTable.obsIds;
  }

  /** One observation; an id missing from either index is an error. */
  obs(obsId: number): Observation {
    if (!this.obsTable.has(obsId))
      throw new Error(`DataStore ${this.baseDir}: observation ${obsId} is not in the observation index`);
    if (!this.hduIndex.has(obsId))
      throw new Error(`DataStore ${this.baseDir}: observation ${obsId} is not in the HDU index`);
    const locations = new Map<string, HduLocation>();
    for (const type of this.hduIndex.hduTypes(obsId)) {
      if (!locations.has(type)) locations.set(type, this.hduIndex.location(obsId, type)!);
    }
    const opened = new Map<string, FitsFile>(); // one observation's HDUs usually share a file
    const open = (location: HduLocation) => {
      const path = this.resolve(location);
      let file = opened.get(path);
      if (!file) {
        file = this.files.readFits(path);
        opened.set(path, file);
      }
      return { file, path };
    };
    // a header alone from the start of its file, unless the file is open already
    const readHeader = this.files.readHeader?.bind(this.files);
    const openHeader =
      readHeader &&
      ((location: HduLocation) => {
        const path = this.resolve(location);
        const file = opened.get(path);
        return { header: file ? file.hdu(location.hduName).header : readHeader(path, location.hduName), path };
      });
    return new Observation(obsId, this.obsTable, locations, open, (location) => this.resolve(location), openHeader);
  }

  /**
   * Observations by id (all when `ids` is undefined). A missing id is an error, or with
   * `skipMissing` it is skipped and listed in `skipped`.
   */
  getObservations(ids?: readonly number[], options: { skipMissing?: boolean } = {}): Observations {
    const wanted = ids ?? this.obsIds;
    const found: Observation[] = [];
    const skipped: Array<{ obsId: number; reason: string }> = [];
    for (const id of wanted) {
      try {
        found.push(this.obs(id));
      } catch (error) {
        if (!options.skipMissing) throw error;
        skipped.push({ obsId: id, reason: (error as Error).message });
      }
    }
    return Observations.create(found, skipped);
  }

  /** Whether every file the HDU index names for `obsId` exists (a run still being copied has not). */
  filesPresent(obsId: number): boolean {
    if (!this.hduIndex.has(obsId)) return false;
    return this.hduIndex
      .hduTypes(obsId)
      .every((type) => this.files.exists(this.resolve(this.hduIndex.location(obsId, type)!)));
  }

  /** The file path of an HDU location; paths leaving the allowed folder are refused. */
  resolve(location: HduLocation): string {
    const context = `DataStore ${this.baseDir}: observation ${location.obsId} ${location.hduType}`;
    const env = (n: string) => this.files.env(n);
    const dir = expandVars(location.fileDir, env, context);
    const name = expandVars(location.fileName, env, context);
    const path = joinPath(this.baseDir, dir, name);
    if (this.root !== undefined) {
      if (dir.startsWith("/") || name.startsWith("/")) {
        throw new Error(
          `${context}: absolute path '${joinPath(dir, name)}' in the HDU index is refused ` +
            "(pass allowAnyPath to allow it)",
        );
      }
      if (!isInside(path, this.root)) {
        throw new Error(
          `${context}: path '${joinPath(dir, name)}' leads outside ${this.root} ` +
            "(pass root or allowAnyPath to allow it)",
        );
      }
      // A symbolic link inside the store may lead anywhere: compare where the file really is.
      const real = this.files.realPath?.(path);
      if (real !== undefined && !isInside(real, this.files.realPath!(this.root))) {
        throw new Error(
          `${context}: path '${joinPath(dir, name)}' leads outside ${this.root} through a symbolic link ` +
            `(to ${real}; pass root or allowAnyPath to allow it)`,
        );
      }
    }
    return path;
  }
}

const HDU_INDEX = "hdu-index.fits.gz";
const OBS_INDEX = "obs-index.fits.gz";

/** Where an index file may be: a given name in the store's folder or as is, else the default, gzipped or not. */
function indexCandidates(dir: string, name: string | undefined, fallback: string): string[] {
  if (name) return [joinPath(dir, name), joinPath(name)];
  return [joinPath(dir, fallback), joinPath(dir, fallback.replace(/\.gz$/, ""))];
}

function firstTable(file: FitsFile) {
  const table = file.hdus.find((h) => h.kind === "bintable");
  if (!table) throw new Error(`${file.fileName ?? "index file"}: no binary table`);
  return file.table(table.index);
}
