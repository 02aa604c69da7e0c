// A Redis for the distributed tests: Debian's redis-server on a free loopback port, keeping
// nothing on disk (no RDB, no AOF, a temporary folder removed when it stops).
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { temp } from "./spawn-cli.js";

const installed = spawnSync("redis-server", ["--version"]).status === 0;

/**
 * `skip` for a test that needs Redis: never in CI (there .ci/run installs it, and a missing one
 * fails the test), a clear reason elsewhere when redis-server is absent.
 */
export const redisSkip: string | false =
  installed || process.env.CI ? false : "redis-server is not installed (apt-get install -y redis-server)";

export interface RedisServer {
  url: string;
  port: number;
  /** Stop it (SIGTERM) and remove its folder. */
  stop(): Promise<void>;
}

export async function startRedis(): Promise<RedisServer> {
  if (!installed) throw new Error("redis-server is not installed: apt-get install -y redis-server");
  const port = await freePort();
  const dir = temp("redis");
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir],
    { stdio: "ignore" },
  );
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  await untilAnswers(port, child);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop() {
      child.kill("SIGTERM");
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function untilAnswers(port: number, child: ChildProcess): Promise<void> {
  const started = Date.now();
  while (!(await pong(port))) {
    if (child.exitCode !== null) throw new Error(`redis-server on port ${port} exited with ${child.exitCode}`);
    if (Date.now() - started > 10_000) throw new Error(`redis-server on port ${port} did not answer in 10 s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function pong(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: "127.0.0.1" }, () => socket.write("PING\r\n"));
    socket.on("data", (d) => {
      socket.destroy();
      resolve(d.toString().startsWith("+PONG"));
    });
    socket.on("error", () => resolve(false));
  });
}
