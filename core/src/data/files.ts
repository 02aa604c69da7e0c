import type { FitsFile, Header } from "../fits/index.js";

/**
 * How the data side reaches files, passed to DataStore explicitly: node:fs in Node (`nodeFiles`
 * of `@gammaflow/core/node`, the default of the Node entry's DataStore), HTTP in browsers
 * (`FetchFileAccess`), anything in tests. Paths use "/" separators.
 */
export interface FileAccess {
  readFits(path: string): FitsFile;
  /**
   * The header of one HDU (by name) without the data of the file, reading only what comes before
   * it where that is cheaper (node:fs); absent: `readFits` serves headers too.
   */
  readHeader?(path: string, hdu: string): Header;
  exists(path: string): boolean;
  /** Environment variables for `$VAR` expansion in index paths. */
  env(name: string): string | undefined;
  /**
   * Make `paths` readable before the synchronous reads, for accesses that fetch (absent when
   * files are readable at once); a missing file is not an error here, `exists` tells.
   */
  load?(paths: readonly string[]): Promise<void>;
  /**
   * The path with the symbolic links of its existing part resolved (node:fs), so containment is
   * checked where a file really is; absent where there are no links (HTTP, memory).
   */
  realPath?(path: string): string;
}

/** Join and normalise "/"-separated paths ("." and ".." resolved, no trailing slash). */
export function joinPath(...parts: string[]): string {
  const absolute = parts.length > 0 && parts.find((p) => p !== "")?.startsWith("/");
  const segments: string[] = [];
  for (const part of parts) {
    if (part.startsWith("/")) segments.length = 0;
    for (const seg of part.split("/")) {
      if (seg === "" || seg === ".") continue;
      if (seg === "..") {
        if (segments.length > 0 && segments[segments.length - 1] !== "..") segments.pop();
        else if (!absolute) segments.push("..");
      } else segments.push(seg);
    }
  }
  return (absolute ? "/" : "") + segments.join("/");
}

/** True when `path` (normalised) lies inside `folder` (normalised). */
export function isInside(path: string, folder: string): boolean {
  const f = folder.endsWith("/") ? folder : `${folder}/`;
  return path === folder || path.startsWith(f);
}

/** Expand `$NAME` and `${NAME}`; an undefined variable is an error naming it. */
export function expandVars(text: string, env: (name: string) => string | undefined, context: string): string {
  return text.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, braced: string | undefined, bare: string | undefined) => {
    const name = (braced ?? bare) as string;
    const value = env(name);
    if (value === undefined) throw new Error(`${context}: environment variable $${name} is not set`);
    return value;
  });
}
