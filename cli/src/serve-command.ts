import { serveSite, SITE_DIR } from "@gammaflow/web";

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);

/**
 * `gammaflow serve`: the quick-look page (web/dist/site) on loopback unless --host says
 * otherwise, until Ctrl-C. The runs a user drops never reach this server: the page reduces
 * them in the browser.
 */
export async function serveCommand(options: { host?: string; port?: string; log?: (line: string) => void }) {
  const log = options.log ?? console.log;
  const port = options.port === undefined ? 8080 : Number(options.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`serve: --port must be a port number (0 to 65535), got '${options.port}'`);
  const host = options.host ?? "127.0.0.1";
  const { server, url } = await serveSite({ host, port });
  log(`serving the quick-look page (${SITE_DIR}) at ${url}  (Ctrl-C stops)`);
  if (!LOOPBACK.has(host)) log(`note: --host ${host} makes the page reachable from other machines`);
  return server;
}
