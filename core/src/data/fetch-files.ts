import { FitsError, FitsFile } from "../fits/index.js";
import type { FileAccess } from "./files.js";

export interface FetchFileAccessOptions {
  /** The fetch to call (default: the global one), e.g. one that adds credentials. */
  fetch?: typeof globalThis.fetch;
  /** Values for `$VAR` in index paths: a browser has no environment. */
  env?: Readonly<Record<string, string>>;
}

/**
 * File access over HTTP, for browsers (no node: imports). DataStore reads synchronously, so
 * `load` fetches files into memory first and the reads serve them from there. Paths resolve
 * against `baseUrl` (an absolute "/…" path against its origin, as DataStore builds them).
 */
export class FetchFileAccess implements FileAccess {
  readonly baseUrl: URL;
  /** Fetched files, gunzipped; null when the server answered 404. */
  private readonly files = new Map<string, Uint8Array | null>();
  /** Fetches under way, so that concurrent loads of one path fetch it once. */
  private readonly pending = new Map<string, Promise<void>>();
  private readonly fetchFn: typeof globalThis.fetch;
  private readonly vars: Readonly<Record<string, string>>;

  constructor(baseUrl: string | URL, options: FetchFileAccessOptions = {}) {
    this.baseUrl = new URL(baseUrl);
    // Called through a closure: window.fetch called on another `this` throws "Illegal invocation".
    this.fetchFn = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.vars = options.env ?? {};
  }

  /** The URL a path is fetched from. */
  url(path: string): URL {
    return new URL(path, this.baseUrl);
  }

  async load(paths: readonly string[]): Promise<void> {
    await Promise.all([...new Set(paths)].map((p) => this.loadOne(p)));
  }

  /** Drop fetched files (all when `paths` is undefined) to free memory; a later load fetches them again. */
  forget(paths?: readonly string[]): void {
    if (paths === undefined) this.files.clear();
    else for (const p of paths) this.files.delete(p);
  }

  readFits(path: string): FitsFile {
    const bytes = this.files.get(path);
    if (bytes === undefined) {
      throw new FitsError("not fetched yet: await load([path]) or the data store's prefetch(obsIds) first", {
        fileName: path,
      });
    }
    if (bytes === null) throw new FitsError(`cannot read file: ${this.url(path)} answered 404`, { fileName: path });
    return FitsFile.parse(bytes, { fileName: path });
  }

  /** Whether the file was fetched and found (a file not fetched yet counts as absent). */
  exists(path: string): boolean {
    return this.files.get(path) != null;
  }

  env(name: string): string | undefined {
    return Object.hasOwn(this.vars, name) ? this.vars[name] : undefined;
  }

  private loadOne(path: string): Promise<void> {
    if (this.files.has(path)) return Promise.resolve();
    let pending = this.pending.get(path);
    if (!pending) {
      pending = this.fetchBytes(path)
        .then((bytes) => void this.files.set(path, bytes))
        .finally(() => this.pending.delete(path));
      this.pending.set(path, pending);
    }
    return pending;
  }

  private async fetchBytes(path: string): Promise<Uint8Array | null> {
    const url = this.url(path);
    let response: Response;
    try {
      response = await this.fetchFn(url);
    } catch (error) {
      throw new Error(`FetchFileAccess: cannot fetch ${url}: ${(error as Error).message}`);
    }
    if (response.status === 404) return null;
    if (!response.ok) throw new Error(`FetchFileAccess: ${url}: HTTP ${response.status} ${response.statusText}`);
    const bytes = new Uint8Array(await response.arrayBuffer());
    // By the magic bytes, not the name: a server sending Content-Encoding: gzip has fetch gunzip already.
    return bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzip(bytes, path) : bytes;
  }
}

async function gunzip(bytes: Uint8Array<ArrayBuffer>, fileName: string): Promise<Uint8Array> {
  try {
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (error) {
    throw new FitsError(`gzip data are truncated or corrupt (${(error as Error).message})`, { fileName });
  }
}
