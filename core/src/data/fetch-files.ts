import { FitsError, FitsFile } from "../fits/index.js";
import { DEFAULT_MAX_FITS_BYTES, RAISE_LIMIT_HINT, scanHdus } from "../fits/layout.js";
import type { FileAccess } from "./files.js";

export interface FetchFileAccessOptions {
  /** The fetch to call (default: the global one), e.g. one that adds credentials. */
  fetch?: typeof globalThis.fetch;
  /** Values for `$VAR` in index paths: a browser has no environment. */
  env?: Readonly<Record<string, string>>;
  /** Largest file, as downloaded and inflated, in bytes (default DEFAULT_MAX_FITS_BYTES). */
  maxBytes?: number;
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
  private readonly maxBytes: number;

  constructor(baseUrl: string | URL, options: FetchFileAccessOptions = {}) {
    this.baseUrl = new URL(baseUrl);
    // Called through a closure: window.fetch called on another `this` throws "Illegal invocation".
    this.fetchFn = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.vars = options.env ?? {};
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_FITS_BYTES;
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
    return FitsFile.parse(bytes, { fileName: path, maxBytes: this.maxBytes });
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
    const bytes = await readCapped(response.body, this.maxBytes, path, "downloads");
    // By the magic bytes, not the name: a server sending Content-Encoding: gzip has fetch gunzip already.
    return bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzip(bytes, this.maxBytes, path) : bytes;
  }
}

/** Inflated bytes looked at before the rest is inflated (not FITS, or declaring too much: stop). */
const HEAD_BYTES = 64 * 1024;

async function gunzip(bytes: Uint8Array<ArrayBuffer>, maxBytes: number, fileName: string): Promise<Uint8Array> {
  let stream: ReadableStream<Uint8Array>;
  try {
    stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  } catch (error) {
    throw new FitsError(`gzip data are truncated or corrupt (${(error as Error).message})`, { fileName });
  }
  return readCapped(stream, maxBytes, fileName, "inflates", (head) =>
    scanHdus(head, { fileName, maxBytes, prefix: true }),
  );
}

/**
 * The chunks of a stream, stopped (cancelled) once they pass `maxBytes`; `checkHead` sees the
 * first HEAD_BYTES (or all, when fewer) before the rest is read.
 */
async function readCapped(
  stream: ReadableStream<Uint8Array> | null,
  maxBytes: number,
  fileName: string,
  what: "downloads" | "inflates",
  checkHead?: (head: Uint8Array) => void,
): Promise<Uint8Array<ArrayBuffer>> {
  // stream chunks are ArrayBuffer-backed (never shared memory)
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  let length = 0;
  let checked = !checkHead;
  const reader = stream?.getReader();
  try {
    for (;;) {
      const next = reader ? await reader.read() : { done: true as const, value: undefined };
      if (!next.done) {
        chunks.push(next.value as Uint8Array<ArrayBuffer>);
        length += next.value.length;
        if (length > maxBytes)
          throw new FitsError(`${what} beyond ${maxBytes} bytes; ${RAISE_LIMIT_HINT}`, { fileName });
      }
      if (!checked && (next.done || length >= HEAD_BYTES)) {
        checked = true;
        checkHead?.(concat(chunks, length));
      }
      if (next.done) return concat(chunks, length);
    }
  } catch (error) {
    void reader?.cancel().catch(() => {});
    if (error instanceof FitsError) throw error;
    const why = what === "inflates" ? "gzip data are truncated or corrupt" : "download failed";
    throw new FitsError(`${why} (${(error as Error).message})`, { fileName });
  }
}

function concat(chunks: Uint8Array<ArrayBuffer>[], length: number): Uint8Array<ArrayBuffer> {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
