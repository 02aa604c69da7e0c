import { createReadStream, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The built page (`npm run build`): web/dist/site, found from the package's entry rather than
 * this module's folder, which is the CLI's bundle's when this module is bundled into it.
 */
export const SITE_DIR = fileURLToPath(new URL("../site", import.meta.resolve("@gammaflow/web")));

/** As the page's meta tag says; sent as a header too, which also covers the worker's script. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; style-src 'self'; " +
  "img-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".gz": "application/gzip",
  ".fits": "application/fits",
};

export interface ServeOptions {
  /** Folder served (default the built page). */
  dir?: string;
  /** Default 127.0.0.1: loopback only, unless asked otherwise. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
}

/** A static file server for the page (GET and HEAD, nothing outside `dir`); resolves once listening. */
export async function serveSite(options: ServeOptions = {}): Promise<{ server: Server; url: string }> {
  const dir = path.resolve(options.dir ?? SITE_DIR);
  try {
    statSync(path.join(dir, "index.html"));
  } catch {
    throw new Error(`serve: ${path.join(dir, "index.html")} does not exist (build the page first: npm run build)`);
  }
  const server = createServer((request, response) => {
    if (request.method !== "GET" && request.method !== "HEAD") {
      response.writeHead(405, { Allow: "GET, HEAD" }).end();
      return;
    }
    const pathname = decodeURIComponent(new URL(request.url ?? "/", "http://x").pathname);
    const file = path.join(dir, path.normalize(pathname.endsWith("/") ? `${pathname}index.html` : pathname));
    const size = file.startsWith(dir + path.sep) ? fileSize(file) : undefined;
    if (size === undefined) {
      response.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" }).end(`not found: ${pathname}\n`);
      return;
    }
    response.writeHead(200, {
      "Content-Type": TYPES[path.extname(file)] ?? "application/octet-stream",
      "Content-Length": size,
      "Content-Security-Policy": CONTENT_SECURITY_POLICY,
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": "no-cache",
    });
    if (request.method === "HEAD") response.end();
    else createReadStream(file).pipe(response);
  });
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, resolve);
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  const shown = host.includes(":") ? `[${host}]` : host;
  return { server, url: `http://${shown}:${port}/` };
}

function fileSize(file: string): number | undefined {
  try {
    const stat = statSync(file);
    return stat.isFile() ? stat.size : undefined;
  } catch {
    return undefined;
  }
}
