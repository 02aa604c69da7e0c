// The quick-look page: files dropped here go to the worker, which reduces them with the core.
import { droppedFiles, inputFiles } from "./drop.js";
import type { DroppedFile } from "./dropped-files.js";
import type { FromWorker, ToWorker } from "./protocol.js";
import { fillForm, readForm } from "./settings-form.js";
import { render } from "./view.js";

const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
const send = (message: ToWorker) => worker.postMessage(message);
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const form = $<HTMLFormElement>("settings");
const status = $<HTMLElement>("status");
const download = $<HTMLButtonElement>("download");
/** Set when the user edited the form since the worker last filled it: sent before the next drop. */
let edited = false;
/** Messages sent and not done yet; `data-state` says "busy" until none is left. */
let pending = 0;
const graphSelect = $<HTMLSelectElement>("graph");
const graphFile = $<HTMLInputElement>("graph-file");
/** A graph runs instead of the quick-look chain: the form's geometry is then not sent. */
let graphLoaded = false;
/** The file the download button offers (the worker names it in each update). */
let downloadName = "stacked.fits.gz";

function setState(state: "idle" | "busy" | "ready" | "error", text: string): void {
  document.body.dataset.state = state;
  status.textContent = text;
}

function post(message: ToWorker, text: string): void {
  pending++;
  setState("busy", text);
  send(message);
}

function add(files: DroppedFile[]): void {
  if (!files.length) return;
  try {
    if (edited && !graphLoaded) post({ type: "settings", settings: readForm(form) }, "Setting the geometry…");
  } catch (error) {
    setState("error", (error as Error).message);
    return;
  }
  edited = false;
  post({ type: "add", files }, `Reading ${files.length} file${files.length > 1 ? "s" : ""}…`);
}

worker.onmessage = (event: MessageEvent<FromWorker>) => {
  const message = event.data;
  if (message.type === "update") {
    render(document, message.update);
    if (!edited) fillForm(form, message.update.settings);
    download.disabled = !message.update.download;
    downloadName = message.update.download ?? "stacked.fits.gz";
    download.textContent = `Download ${downloadName}`;
    const used = message.update.runs.filter((r) => r.used).length;
    status.textContent = `${used} run${used === 1 ? "" : "s"} stacked…`;
  } else if (message.type === "done") {
    pending--;
    if (pending === 0) setState("ready", `Done in ${(message.elapsedMs / 1000).toFixed(1)} s.`);
    document.body.dataset.elapsedMs = String(message.elapsedMs);
  } else if (message.type === "fits") {
    const link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([message.bytes as Uint8Array<ArrayBuffer>]));
    link.download = message.name;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
  } else {
    pending = Math.max(0, pending - 1);
    setState("error", message.message);
  }
};
worker.onerror = (event) => setState("error", `the worker failed: ${event.message}`);

const zone = $<HTMLElement>("drop");
zone.addEventListener("dragover", (event) => {
  event.preventDefault();
  zone.classList.add("over");
});
zone.addEventListener("dragleave", () => zone.classList.remove("over"));
zone.addEventListener("drop", (event) => {
  event.preventDefault();
  zone.classList.remove("over");
  if (event.dataTransfer) droppedFiles(event.dataTransfer).then(add, (e: Error) => setState("error", e.message));
});
for (const id of ["files", "folder"]) {
  const input = $<HTMLInputElement>(id);
  input.addEventListener("change", () => {
    if (input.files) add(inputFiles(input.files));
    input.value = "";
  });
}
form.addEventListener("input", () => {
  edited = true;
});
form.addEventListener("submit", (event) => {
  event.preventDefault();
  try {
    post({ type: "settings", settings: readForm(form) }, "Reducing the runs again…");
    edited = false;
    graphLoaded = false;
    graphSelect.value = "";
  } catch (error) {
    setState("error", (error as Error).message);
  }
});
download.addEventListener("click", () => post({ type: "download" }, `Writing ${downloadName}…`));

/** Run a graph (its JSON, from `source`) on the runs, or (undefined) go back to the quick-look chain. */
function loadGraph(graph: unknown, source: string): void {
  graphLoaded = graph !== undefined;
  post({ type: "graph", graph, source }, graphLoaded ? `Running ${source}…` : "Reducing the runs again…");
}

const fail = (error: Error) => setState("error", error.message);
/** The bundled graphs the page can run (web/build.mjs lists them), as the select's options. */
fetch("graphs/index.json")
  .then((response) => response.json() as Promise<Array<{ file: string; name: string; description: string }>>)
  .then((graphs) => {
    for (const { file, name, description } of graphs) {
      const option = document.createElement("option");
      option.value = file;
      option.textContent = name;
      option.title = description;
      graphSelect.append(option);
    }
    document.body.dataset.graphs = String(graphs.length);
  }, fail);
graphSelect.addEventListener("change", () => {
  const file = graphSelect.value;
  if (!file) return loadGraph(undefined, "");
  fetch(`graphs/${encodeURIComponent(file)}`)
    .then((response) => response.json())
    .then((graph) => loadGraph(graph, `graphs/${file}`), fail);
});
graphFile.addEventListener("change", () => {
  const file = graphFile.files?.[0];
  graphFile.value = "";
  if (!file) return;
  file.text().then((text) => {
    let graph: unknown;
    try {
      graph = JSON.parse(text);
    } catch (error) {
      return fail(new Error(`${file.name}: not JSON: ${(error as Error).message}`));
    }
    graphSelect.value = "";
    loadGraph(graph, file.name);
  }, fail);
});
setState("idle", "Drop DL3 run files, or a folder with index files.");
