import type { DroppedFile } from "./dropped-files.js";

/**
 * The files of a drop, folders walked (their files keep their paths inside the drop, so a
 * folder with index files is found as a data store), or of a file input (`webkitRelativePath`).
 */
export async function droppedFiles(transfer: DataTransfer): Promise<DroppedFile[]> {
  const entries = [...transfer.items].map((item) => item.webkitGetAsEntry()).filter((e) => e !== null);
  if (!entries.length) return inputFiles(transfer.files);
  const files: DroppedFile[] = [];
  for (const entry of entries) await walk(entry, files);
  return files;
}

export function inputFiles(list: FileList): DroppedFile[] {
  return [...list].map((file) => ({ path: file.webkitRelativePath || file.name, blob: file }));
}

async function walk(entry: FileSystemEntry, into: DroppedFile[]): Promise<void> {
  const path = entry.fullPath.replace(/^\//, "");
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    into.push({ path, blob: file });
    return;
  }
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  // readEntries answers in batches (Chromium: 100 at a time) until an empty one
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (!batch.length) return;
    for (const child of batch) await walk(child, into);
  }
}
