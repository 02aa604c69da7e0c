import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import {
  GTI,
  MapDatasetEventSampler,
  modelsFromDict,
  SkyCoord,
  type EventSamplingHelper,
  type SampledColumns,
} from "@gammaflow/core";
import { eventSamplingThread, readDataset } from "@gammaflow/core/node";
import { REPO } from "./cases.js";

const fx = JSON.parse(readFileSync(path.join(REPO, "plugins/simulate/test/fixtures/event_sampler.json"), "utf8"));
const pointing = new SkyCoord(fx.pointing[0], fx.pointing[1]);

/** The Crab stack with gammapy's fixture models, its FoV background scaled by `norm` (~985 events per unit). */
function crabDataset(norm: number) {
  const dataset = readDataset(path.join(REPO, "core/test/fixtures/npred_dataset.fits.gz"));
  dataset.name = "crab";
  dataset.gti = GTI.create([0], [1800]);
  const models = structuredClone(fx.models);
  for (const c of models.components)
    if (c.type === "FoVBackgroundModel")
      c.spectral.parameters.find((p: { name: string }) => p.name === "norm").value = norm;
  dataset.models = modelsFromDict(models);
  return dataset;
}

function sample(norm: number, seed: number, helper?: EventSamplingHelper): SampledColumns {
  return new MapDatasetEventSampler({ randomState: seed, helper }).run(crabDataset(norm), pointing).columns;
}

function assertSameEvents(actual: SampledColumns, expected: SampledColumns, what: string): void {
  assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort(), what);
  for (const name of Object.keys(expected)) assert.deepEqual(actual[name], expected[name], `${what}: ${name}`);
}

/** `helper`, counting the jobs it is given. */
function counting(helper: EventSamplingHelper): { helper: EventSamplingHelper; jobs: Array<[number, number]> } {
  const jobs: Array<[number, number]> = [];
  return {
    jobs,
    helper: {
      ready: () => helper.ready(),
      begin: () => helper.begin(),
      doubles: (length) => helper.doubles(length),
      ints: (length) => helper.ints(length),
      columns: (names, length) => helper.columns(names, length),
      start: (draws, out, at, from, to) => {
        jobs.push([from, to]);
        return helper.start(draws, out, at, from, to);
      },
    },
  };
}

/** The thread, once ready. */
async function readyThread(): Promise<EventSamplingHelper> {
  const thread = eventSamplingThread();
  for (let waited = 0; !thread.ready(); waited += 10) {
    assert.ok(waited < 20_000, "the sampling thread did not start");
    await new Promise((r) => setTimeout(r, 10));
  }
  return thread;
}

test("a sampling thread writes part of a large background: the events equal one thread's, bit for bit", async () => {
  const thread = await readyThread();
  assert.equal(eventSamplingThread(), thread, "one thread for the process");
  // ~250 000 background events and the fixture's point source; then a background alone
  for (const [norm, seed] of [
    [250, 3],
    [150, 8],
  ]) {
    const { helper, jobs } = counting(thread);
    const helped = sample(norm, seed, helper);
    const alone = sample(norm, seed);
    assert.ok(alone.TIME.length > 140_000, `${alone.TIME.length} events`);
    assert.equal(jobs.length, 1, "one round, part of it the thread's");
    const [from, to] = jobs[0];
    assert.ok(from > 0.1 * to && from < 0.9 * to, `the thread's share [${from}, ${to})`);
    assertSameEvents(helped, alone, `norm ${norm}, seed ${seed}`);
  }
  // a second sampling reuses the thread's memory: still the same events
  assertSameEvents(sample(250, 3, thread), sample(250, 3), "again");
  // more than a round of 2^20 events: two jobs, each part of its round
  const { helper, jobs } = counting(thread);
  const helped = sample(1100, 6, helper);
  const alone = sample(1100, 6);
  assert.ok(alone.TIME.length > 2 ** 20, `${alone.TIME.length} events`);
  assert.equal(jobs.length, 2);
  assert.ok(jobs[0][1] === 2 ** 20 && jobs[1][0] > 2 ** 20, `rounds ${JSON.stringify(jobs)}`);
  assertSameEvents(helped, alone, "two rounds");
});

test("events outside the dataset's geometry: the thread's events close up on the caller's, the same", async () => {
  const thread = await readyThread();
  // the counts (the geometry events must lie in) a cutout of the background's map: some of each
  // share's events are left out
  const cut = (helper?: EventSamplingHelper) => {
    const dataset = crabDataset(250);
    dataset.counts = dataset.counts.cutout(pointing, 2.2);
    return new MapDatasetEventSampler({ randomState: 9, helper }).run(dataset, pointing).columns;
  };
  const { helper, jobs } = counting(thread);
  const helped = cut(helper);
  const alone = cut();
  assert.equal(jobs.length, 1);
  const drawn = alone.EVENT_ID[alone.EVENT_ID.length - 1];
  assert.ok(alone.TIME.length < 0.9 * drawn && alone.TIME.length > 1e4, `${alone.TIME.length} of ~${drawn} kept`);
  assertSameEvents(helped, alone, "cut out");
});

test("a thread given up on may go on writing: the caller goes on in columns of its own, the same events", async () => {
  const thread = await readyThread();
  let started = 0;
  const late: EventSamplingHelper = {
    ...counting(thread).helper,
    start: (draws, out, at, from, to) => {
      started++;
      thread.start(draws, out, at, from, to);
      return { join: () => undefined };
    },
  };
  const helped = sample(250, 4, late);
  assert.equal(started, 1);
  assert.ok(!(helped.TIME.buffer instanceof SharedArrayBuffer), "the caller's own columns");
  assertSameEvents(helped, sample(250, 4), "late");
  // with the thread: its columns are the output
  assert.ok(sample(250, 4, thread).TIME.buffer instanceof SharedArrayBuffer, "the thread's columns");
});

test("a helper that is not ready, or fails, leaves every event to the caller: the same events", () => {
  const expected = sample(200, 5);
  const memory = {
    begin() {},
    doubles: (length: number) => new Float64Array(length),
    ints: (length: number) => new Int32Array(length),
    columns: (names: readonly string[], length: number) =>
      Object.fromEntries(names.map((name) => [name, new Float64Array(length)])),
  };
  let started = 0;
  const notReady: EventSamplingHelper = {
    ...memory,
    ready: () => false,
    start: () => assert.fail("not ready: given no job"),
  };
  const failing: EventSamplingHelper = {
    ...memory,
    ready: () => true,
    start: () => {
      started++;
      return { join: () => undefined };
    },
  };
  assertSameEvents(sample(200, 5, notReady), expected, "not ready");
  assertSameEvents(sample(200, 5, failing), expected, "failing");
  assert.equal(started, 1, "the failing helper was given its share");
  // below HELPER_MIN_EVENTS (1e5) no helper is asked
  started = 0;
  assertSameEvents(sample(20, 5, failing), sample(20, 5), "small");
  assert.equal(started, 0);
});

test("on one core no sampling thread is started: the caller writes every event", () => {
  const helper = eventSamplingThread(1);
  assert.equal(helper.ready(), false);
  assert.notEqual(helper, eventSamplingThread(2));
  assertSameEvents(sample(150, 2, helper), sample(150, 2), "one core");
});
