import { test } from "node:test";
import assert from "node:assert/strict";
import { from, lastValueFrom, toArray } from "rxjs";
import { MapAxis, MapDatasetOnOff, WcsGeom } from "@gammaflow/core";
import {
  createContainer,
  createRunContainer,
  instantiateNode,
  type DataAccess,
  type DatasetMessage,
  type Message,
} from "@gammaflow/pipeline";
import { filledDataset } from "@gammaflow/core/testing";
import { stackerPlugin } from "../src/index.js";

const energy = MapAxis.fromBounds(1, 10, 2, { name: "energy", unit: "TeV", interp: "log" });
const geom = WcsGeom.create({ skydir: [83.63, 22.01], width: 1, binsz: 0.1, axes: [energy] });
const run = createRunContainer(createContainer({ data: {} as DataAccess }), { geom });

/** A dataset on the target geometry with `n` counts in every bin and a safe mask everywhere. */
function filled(n: number, seq: number): DatasetMessage {
  const dataset = filledDataset(geom, n, `obs-${seq}`);
  return { kind: "dataset", seq, obsId: 100 + seq, obsIds: [100 + seq], dataset };
}

async function stack(params: object, input: Message[]): Promise<DatasetMessage[]> {
  const operator = instantiateNode(stackerPlugin, params, run, "stack");
  return (await lastValueFrom(operator(from(input)).pipe(toArray<Message>()))) as DatasetMessage[];
}

test("stacker: running snapshots on request, then the final stack with every run's id", async () => {
  const out = await stack({ emit: "each", name: "stacked" }, [filled(1, 0), filled(2, 1)]);
  assert.deepEqual(
    out.map((m) => [m.final ?? false, m.obsIds]),
    [
      [false, [100]],
      [false, [100, 101]],
      [true, [100, 101]],
    ],
  );
  assert.equal(out[0].dataset.counts.sum(), geom.size, "the first snapshot is not changed by later stacking");
  assert.equal(out[2].dataset.counts.sum(), 3 * geom.size);
  assert.equal(out[2].dataset.name, "stacked");
  const empty = await stack({}, []);
  assert.deepEqual(
    empty.map((m) => [m.kind, m.final, m.obsIds, m.dataset.counts.sum(), m.dataset.name]),
    [["dataset", true, [], 0, "stacked"]],
    "no runs: the empty stack, under the default name",
  );
});

test(
  "stacker: images stack onto the squashed target, " + "on-off images into a MapDatasetOnOff of the same kind",
  async () => {
    const image = filled(1, 0).dataset.toImage();
    const onoff = MapDatasetOnOff.fromMapDataset(image, {
      countsOff: image.counts.copy(),
      acceptance: 1,
      acceptanceOff: 10,
    });
    const out = await stack({}, [{ kind: "dataset-onoff", seq: 0, obsIds: [7], dataset: onoff }]);
    const stacked = out[0].dataset;
    assert.equal(out[0].kind, "dataset-onoff", "the stack keeps its input's kind");
    assert.ok(stacked instanceof MapDatasetOnOff);
    assert.deepEqual(stacked.counts.geom.dataShape, [1, 10, 10]);
    assert.equal(stacked.countsOff!.sum(), 2 * 100);
  },
);
