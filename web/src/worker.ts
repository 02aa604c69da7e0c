// The quick-look's Web Worker: the core reduces and stacks the dropped runs here, off the page's thread.
import type { FromWorker, ToWorker } from "./protocol.js";
import { Session, type Update } from "./session.js";
import "./precompiled.js";

interface WorkerScope {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
}
const scope = globalThis as unknown as WorkerScope;
const session = new Session();

/** One message at a time: a drop arriving while runs are reduced waits for them. */
let queue = Promise.resolve();
scope.onmessage = (event) => {
  queue = queue
    .then(() => handle(event.data))
    .catch((error: Error) => scope.postMessage({ type: "error", message: error.message }));
};

async function handle(message: ToWorker): Promise<void> {
  const start = performance.now();
  const post = (update: Update) => scope.postMessage({ type: "update", update });
  if (message.type === "add") await session.add(message.files, post);
  else if (message.type === "settings") session.reset(message.settings, post);
  else if (message.type === "graph") await session.loadGraph(message.graph, message.source, post);
  else {
    const { name, bytes: fits } = session.fits();
    const bytes = name.endsWith(".gz") ? await gzip(fits) : fits;
    scope.postMessage({ type: "fits", name, bytes }, [bytes.buffer]);
  }
  scope.postMessage({ type: "done", elapsedMs: performance.now() - start });
}

async function gzip(bytes: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
