import { Redis, type RedisOptions } from "ioredis";
import { ExecutorLost } from "./executor-lost.js";

/** How long Redis may be unreachable before a coordinator or worker gives up (ms). */
export const REDIS_LOST_AFTER_MS = 3000;

/**
 * Connection options for `url` (redis://[user:password@]host:port[/db], rediss:// for TLS) that
 * fail fast: reconnecting stops after `lostAfterMs`, so a lost Redis ends the client (its 'end'
 * event) instead of retrying for ever.
 */
export function redisOptions(url: string, lostAfterMs = REDIS_LOST_AFTER_MS): RedisOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`--redis must be a URL like redis://HOST:PORT, got '${url}'`);
  }
  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:")
    throw new Error(`--redis must be a redis:// or rediss:// URL, got '${url}'`);
  const db = parsed.pathname.replace(/^\//, "");
  if (db && !/^\d+$/.test(db)) throw new Error(`--redis: the path must be a database number, got '${url}'`);
  const retryMs = 200;
  return {
    host: parsed.hostname || "127.0.0.1",
    port: parsed.port ? Number(parsed.port) : 6379,
    username: decodeURIComponent(parsed.username) || undefined,
    password: decodeURIComponent(parsed.password) || undefined,
    db: db ? Number(db) : 0,
    ...(parsed.protocol === "rediss:" && { tls: {} }),
    connectTimeout: lostAfterMs,
    maxRetriesPerRequest: null,
    retryStrategy: (times: number) => (times * retryMs > lostAfterMs ? null : retryMs),
  };
}

/** The URL without its password, for messages. */
export function redisLabel(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = parsed.password ? "***" : "";
    return parsed.href.replace(/\/$/, "");
  } catch {
    return url;
  }
}

/**
 * A client that watches Redis: it pings every second and calls `onLost` once, with a clear
 * error, when Redis has not answered for `lostAfterMs` or the client gives up reconnecting.
 * `ready` rejects the same way when Redis cannot be reached at the start.
 */
export function watchedRedis(
  url: string,
  onLost: (error: ExecutorLost) => void,
  lostAfterMs = REDIS_LOST_AFTER_MS,
): { client: Redis; ready: Promise<void>; stop(): void } {
  const label = redisLabel(url);
  const client = new Redis({ ...redisOptions(url, lostAfterMs), lazyConnect: true });
  let lastError: Error | undefined;
  let lastAnswer = Date.now();
  let timer: NodeJS.Timeout | undefined;
  let done = false;
  const lose = (what: string) => {
    if (done) return;
    done = true;
    clearInterval(timer);
    onLost(new ExecutorLost(`Redis at ${label} ${what}${lastError ? `: ${lastError.message}` : ""}`));
  };
  client.on("error", (error: Error) => {
    lastError = error;
  });
  client.on("end", () => lose(`was lost (no answer for ${lostAfterMs / 1000} s)`));
  const noAnswer = () => new Error(`no answer within ${lostAfterMs} ms`);
  const ping = () => {
    const sent = Date.now();
    withTimeout(client.ping(), lostAfterMs, noAnswer).then(
      () => {
        lastAnswer = Date.now();
      },
      (error: Error) => {
        // a timer that fired late means a busy event loop (a long synchronous write), not a lost Redis
        if (Date.now() - sent > 1.5 * lostAfterMs) return;
        lastError ??= error;
        if (Date.now() - lastAnswer >= lostAfterMs) lose("was lost");
      },
    );
  };
  const ready = withTimeout(client.connect(), lostAfterMs, noAnswer)
    .then(() => client.ping())
    .then(
      () => {
        lastAnswer = Date.now();
        timer = setInterval(ping, 1000);
        timer.unref();
      },
      (error: Error) => {
        done = true;
        client.disconnect();
        throw new ExecutorLost(`cannot reach Redis at ${label}: ${lastError?.message ?? error.message}`, {
          cause: error,
        });
      },
    );
  return {
    client,
    ready,
    stop() {
      done = true;
      clearInterval(timer);
    },
  };
}

export function withTimeout<T>(promise: Promise<T>, ms: number, error: () => Error): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(error()), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
