import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { lastValueFrom, map, toArray } from "rxjs";
import { TestScheduler } from "rxjs/testing";
import type { DataStore } from "@gammaflow/core";
import {
  createContainer,
  createRunContainer,
  instantiateNode,
  MemoryLogger,
  type DataAccess,
  type Message,
  type RunContext,
} from "@gammaflow/pipeline";
import type { Container } from "inversify";
import { nodeDataAccess } from "@gammaflow/pipeline/node";
import { dataStoreSourcePlugin, watchSourcePlugin } from "../src/index.js";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..");

function services(data: DataAccess, scheduler?: TestScheduler, run: Partial<RunContext> = {}): Container {
  const clock = scheduler && { now: () => scheduler.now(), scheduler };
  return createRunContainer(createContainer({ data, clock, logger: new MemoryLogger() }), run);
}

test("datastore-source: observations in the asked order, unknown ids as error records naming the node", async () => {
  const s = services(nodeDataAccess(REPO), undefined, { dataStore: "data/hess-dl3-dr1" });
  const source = instantiateNode(dataStoreSourcePlugin, { obsIds: [23592, 99999, 23523] }, s, "runs");
  const out = await lastValueFrom(source(undefined as never).pipe(toArray()));
  assert.deepEqual(
    out.map((m) => [m.kind, m.seq, m.obsId]),
    [
      ["observation", 0, 23592],
      ["error", 1, 99999],
      ["observation", 2, 23523],
    ],
  );
  assert.match((out[1] as { message: string }).message, /observation 99999 is not in the observation index/);
  assert.equal((out[1] as { node: string }).node, "runs");
  const crab = instantiateNode(dataStoreSourcePlugin, { target: "Crab Nebula" }, s, "runs");
  assert.deepEqual(
    (await lastValueFrom(crab(undefined as never).pipe(toArray()))).map((m) => m.obsId),
    [23523, 23526, 23559, 23592],
  );
  // with a target, an asked-for id the obs index lacks is a record too; one of another target is not asked for
  const some = instantiateNode(
    dataStoreSourcePlugin,
    { target: "Crab Nebula", obsIds: [23526, 99999, 23592] },
    s,
    "runs",
  );
  const records = await lastValueFrom(some(undefined as never).pipe(toArray()));
  assert.deepEqual(
    records.map((m) => [m.kind, m.obsId]),
    [
      ["observation", 23526],
      ["error", 99999],
      ["observation", 23592],
    ],
  );
  assert.match((records[1] as { message: string }).message, /observation 99999 is not in the observation index/);
  const none = instantiateNode(dataStoreSourcePlugin, {}, services(nodeDataAccess(REPO)), "runs");
  await assert.rejects(lastValueFrom(none(undefined as never)), /no data store/);
});

test("datastore-source stops taking runs once the run is asked to finish", async () => {
  const finish = new AbortController();
  finish.abort();
  const s = services(nodeDataAccess(REPO), undefined, { dataStore: "data/hess-dl3-dr1", finish: finish.signal });
  const source = instantiateNode(dataStoreSourcePlugin, {}, s, "runs");
  assert.deepEqual(await lastValueFrom(source(undefined as never).pipe(toArray())), []);
});

/** A folder whose index lists `arrivals[i].id` from time `arrivals[i].at` (ms) on. */
function growingFolder(scheduler: TestScheduler, arrivals: Array<{ id: number; at: number }>): DataAccess {
  const store = () => {
    const ids = arrivals.filter((a) => a.at <= scheduler.now()).map((a) => a.id);
    if (!ids.length) throw new Error("no index yet");
    return {
      baseDir: "/incoming",
      obsIds: ids,
      obs: (id: number) => ({ obsId: id, hduTypes: [] }),
    } as unknown as DataStore;
  };
  return { openDataStore: store, resolve: (p: string) => p } as unknown as DataAccess;
}

test("marble: watch-source emits each run once as it arrives and ends after the idle timeout", () => {
  const scheduler = new TestScheduler((a, b) => assert.deepEqual(a, b));
  scheduler.run(({ expectObservable }) => {
    const s = services(
      growingFolder(scheduler, [
        { id: 1, at: 0 },
        { id: 2, at: 30 },
        { id: 3, at: 30 },
      ]),
      scheduler,
    );
    const watch = instantiateNode(
      watchSourcePlugin,
      { folder: "/incoming", idleTimeout: "0.1 s", pollInterval: "0.01 s" },
      s,
      "incoming",
    );
    const ids = watch(undefined as never).pipe(map((m: Message) => `${m.obsId}@${m.seq}`));
    expectObservable(ids).toBe("a 29ms (bc) 96ms |", { a: "1@0", b: "2@1", c: "3@2" });
  });
});

test("marble: watch-source takes no run once asked to finish, and waits for an index that is not there yet", () => {
  const scheduler = new TestScheduler((a, b) => assert.deepEqual(a, b));
  scheduler.run(({ expectObservable }) => {
    const s = services(growingFolder(scheduler, [{ id: 7, at: 50 }]), scheduler);
    const watch = instantiateNode(
      watchSourcePlugin,
      { folder: "/incoming", idleTimeout: "1 s", pollInterval: "0.02 s" },
      s,
      "incoming",
    );
    expectObservable(watch(undefined as never).pipe(map((m: Message) => m.obsId)), "^ 200ms !").toBe("60ms a", {
      a: 7,
    });
    const finish = new AbortController();
    finish.abort();
    const finishing = services(growingFolder(scheduler, [{ id: 7, at: 0 }]), scheduler, { finish: finish.signal });
    const stopped = instantiateNode(watchSourcePlugin, { folder: "/incoming" }, finishing, "incoming");
    expectObservable(stopped(undefined as never).pipe(map((m: Message) => m.obsId))).toBe("|");
  });
});
