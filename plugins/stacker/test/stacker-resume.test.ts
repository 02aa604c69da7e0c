import { test } from "node:test";
import assert from "node:assert/strict";
import { concat, from, lastValueFrom, throwError, toArray, type Observable } from "rxjs";
import { MapAxis, MapDatasetOnOff, WcsGeom } from "@gammaflow/core";
import {
  createContainer,
  createRunContainer,
  instantiateNode,
  MemoryCheckpoints,
  MemoryLogger,
  type DataAccess,
  type DatasetMessage,
  type Message,
} from "@gammaflow/pipeline";
import { filledDataset } from "@gammaflow/core/testing";
import { stackerPlugin } from "../src/index.js";

const energy = MapAxis.fromBounds(1, 10, 2, { name: "energy", unit: "TeV", interp: "log" });
const geom = WcsGeom.create({ skydir: [83.63, 22.01], width: 1, binsz: 0.1, axes: [energy] });

/** Run `obsId` with counts that differ in every bin, so a changed order or a double count shows. */
function observed(obsId: number, seq: number): DatasetMessage {
  const dataset = filledDataset(geom, 1, `obs-${obsId}`);
  const counts = dataset.counts.data;
  for (let i = 0; i < counts.length; i++) counts[i] = ((i * 7919 + obsId) % 97) / 3;
  return { kind: "dataset", seq, obsId, obsIds: [obsId], dataset };
}

function stacker(checkpoints?: MemoryCheckpoints) {
  const logger = new MemoryLogger();
  const run = createRunContainer(createContainer({ data: {} as DataAccess, logger }), { geom, checkpoints });
  const operator = instantiateNode(stackerPlugin, {}, run, "stack");
  const final = (input: Observable<Message>) =>
    lastValueFrom(operator(input).pipe(toArray())).then((out) => out.at(-1) as DatasetMessage);
  return { logger, final };
}

const runs = () => [observed(23523, 0), observed(23592, 1), observed(23526, 2), observed(23559, 3)];

test("stacker: crashed after 2 runs, it resumes from the checkpoint to the uninterrupted stack", async () => {
  const whole = await stacker().final(from(runs()));
  const checkpoints = new MemoryCheckpoints();
  const crashed = stacker(checkpoints).final(
    concat(
      from(runs().slice(0, 2)),
      throwError(() => new Error("kill -9")),
    ),
  );
  await assert.rejects(crashed, /kill -9/);
  const again = stacker(checkpoints);
  const resumed = await again.final(from(runs()));
  assert.deepEqual(resumed.obsIds, [23523, 23592, 23526, 23559], "each run once, in the source's order");
  assert.deepEqual(resumed.dataset.counts.data, whole.dataset.counts.data);
  assert.deepEqual(resumed.dataset.exposure!.data, whole.dataset.exposure!.data);
  assert.deepEqual(resumed.dataset.gti.start, whole.dataset.gti.start);
  assert.deepEqual(
    again.logger.lines.map((l) => l.message),
    ["stack: resuming from its checkpoint: 2 runs stacked (23523, 23592)"],
    "the runs of the checkpoint are dropped quietly",
  );
});

test("stacker: a run delivered twice is stacked once, with a warning naming it", async () => {
  const { logger, final } = stacker();
  const [a, b] = runs();
  const out = await final(from([a, { ...observed(23523, 1), seq: 1 }, { ...b, seq: 2 }]));
  assert.deepEqual(out.obsIds, [23523, 23592]);
  const once = await stacker().final(from(runs().slice(0, 2)));
  assert.deepEqual(out.dataset.counts.data, once.dataset.counts.data);
  assert.deepEqual(
    logger.lines.map((l) => [l.level, l.message]),
    [["warn", "stack: obs 23523 already in the stack: 'obs-23523' not stacked again"]],
  );
});

test("stacker: an on-off stack survives its checkpoint as a MapDatasetOnOff", async () => {
  const onOff = (obsId: number, seq: number): DatasetMessage => {
    const image = observed(obsId, seq).dataset.toImage();
    const dataset = MapDatasetOnOff.fromMapDataset(image, {
      countsOff: image.counts.copy(),
      acceptance: 1,
      acceptanceOff: 4,
    });
    return { kind: "dataset-onoff", seq, obsId, obsIds: [obsId], dataset };
  };
  const checkpoints = new MemoryCheckpoints();
  await assert.rejects(
    stacker(checkpoints).final(
      concat(
        from([onOff(1, 0)]),
        throwError(() => new Error("crash")),
      ),
    ),
  );
  const resumed = await stacker(checkpoints).final(from([onOff(1, 0), onOff(2, 1)]));
  const whole = await stacker().final(from([onOff(1, 0), onOff(2, 1)]));
  assert.equal(resumed.kind, "dataset-onoff");
  assert.ok(resumed.dataset instanceof MapDatasetOnOff);
  assert.deepEqual(resumed.dataset.countsOff!.data, (whole.dataset as MapDatasetOnOff).countsOff!.data);
  assert.deepEqual(resumed.dataset.acceptanceOff!.data, (whole.dataset as MapDatasetOnOff).acceptanceOff!.data);
});
