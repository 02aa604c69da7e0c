import { close, type Dirent, openSync, readdirSync, renameSync, rmSync, write, writeFileSync } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { promisify } from "node:util";
import path from "node:path";

/** The temporary name `writeFileAtomic` writes `file` under: the writer's pid tells a killed write's leftover. */
const TEMPORARY = /\.partial-(\d+)$/;
/** The name a write of `file` by this process goes under until it is renamed. */
const temporaryFor = (file: string): string => `${file}.partial-${process.pid}`;

/**
 * Write a file under a temporary name in its folder, then rename it (atomic within a file
 * system): a reader sees the old file or the new one, never part of one. Every output file is
 * written this way; a write killed half-way leaves `<file>.partial-<pid>`, which
 * `removeStaleTemporaries` removes.
 */
export function writeFileAtomic(file: string, bytes: Uint8Array | string): void {
  const temporary = temporaryFor(file);
  try {
    writeFileSync(temporary, bytes);
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/**
 * Temporaries of `writeFileAtomicAsync` calls under way, with their settling. A cancelled run
 * stops at once, not waiting for them: `atomicWritesSettled` waits, and should the process exit
 * first, its exit handler removes what is left (a temporary never outlives its process).
 */
const writesUnderWay = new Map<string, Promise<void>>();
let exitHandlerInstalled = false;

/** Resolves once every `writeFileAtomicAsync` begun so far has put its file in place or removed its temporary. */
export async function atomicWritesSettled(): Promise<void> {
  while (writesUnderWay.size) await Promise.allSettled([...writesUnderWay.values()]);
}

function removeTemporariesUnderWay(): void {
  for (const temporary of writesUnderWay.keys()) rmSync(temporary, { force: true });
}

/**
 * `writeFileAtomic` with the writing on libuv's thread pool (the same temporary name and rename).
 * With `signal` aborted by the time the bytes are written, the file is not put in place; aborted
 * while it was renamed, it is removed again: a cancelled run reports no file written after its
 * cancel (the report's messages end there), so none may be left on disk.
 */
export function writeFileAtomicAsync(
  file: string,
  bytes: Uint8Array | string,
  options: { signal?: AbortSignal } = {},
): Promise<void> {
  const temporary = temporaryFor(file);
  if (!exitHandlerInstalled) {
    process.on("exit", removeTemporariesUnderWay);
    exitHandlerInstalled = true;
  }
  const written = writeThenRename(file, temporary, bytes, options.signal);
  const settled = written.then(
    () => undefined,
    () => undefined,
  );
  writesUnderWay.set(temporary, settled);
  settled.then(() => {
    if (writesUnderWay.get(temporary) === settled) writesUnderWay.delete(temporary);
  });
  return written;
}

async function writeThenRename(
  file: string,
  temporary: string,
  bytes: Uint8Array | string,
  signal: AbortSignal | undefined,
): Promise<void> {
  try {
    await writeWhole(temporary, typeof bytes === "string" ? Buffer.from(bytes) : bytes);
    // cancelled while it was written: not put in place, as the run reports it
    if (signal?.aborted) throw new Error(`${file}: not written, cancelled while writing`);
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  if (signal?.aborted) {
    await rm(file, { force: true });
    throw new Error(`${file}: removed, cancelled while it was put in place`);
  }
}

/**
 * `bytes` written to a new file in as few writes as the system takes (fs.promises.writeFile
 * writes 512 KiB at a time, each waiting for the calling thread, which a run keeps busy). The
 * file is created before this returns its promise, so that an exit at any later moment finds it
 * to remove (an open on the thread pool could create it after the exit handler had looked).
 */
async function writeWhole(file: string, bytes: Uint8Array): Promise<void> {
  const fd = openSync(file, "w");
  try {
    for (let offset = 0; offset < bytes.length; ) {
      const { bytesWritten } = await writeToFd(fd, bytes, offset, bytes.length - offset);
      offset += bytesWritten;
    }
  } finally {
    await closeFd(fd);
  }
}

const writeToFd = promisify(write);
const closeFd = promisify(close);

/**
 * Remove the temporaries of killed writes (`<file>.partial-<pid>` whose process is gone) in `dir`
 * and its subfolders (down to `depth` levels). Returns the removed paths; a folder that cannot
 * be read is left alone.
 */
export function removeStaleTemporaries(dir: string, depth = 4): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (depth > 0) removed.push(...removeStaleTemporaries(full, depth - 1));
      continue;
    }
    const pid = TEMPORARY.exec(entry.name)?.[1];
    if (pid === undefined || processAlive(Number(pid))) continue;
    rmSync(full, { force: true });
    removed.push(full);
  }
  return removed;
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, owned by someone else
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
