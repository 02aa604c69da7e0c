import { test } from "node:test";
import assert from "node:assert/strict";
import { from, map, tap, type Observable } from "rxjs";
import {
  createContainer,
  createRunContainer,
  definePlugin,
  MemoryCheckpoints,
  PluginRegistry,
  runGraph,
  Type,
  validateGraph,
  type DataAccess,
  type Message,
} from "@gammaflow/pipeline";

/** A source of five runs, a per-run step that counts its calls, and a checkpointing sink. */
function registry(seen: { worked: number[]; kept: Map<string, Array<[number, number]>> }): PluginRegistry {
  const r = new PluginRegistry();
  r.register(
    definePlugin({
      name: "runs",
      version: "1",
      description: "five observations",
      params: Type.Object({}),
      input: [],
      output: ["observation"],
      create: () => () =>
        from([1, 2, 3, 4, 5].map((obsId, seq) => ({ kind: "observation", seq, obsId }) as unknown as Message)),
    }),
  );
  r.register(
    definePlugin({
      name: "work",
      version: "1",
      description: "reduces a run",
      params: Type.Object({}),
      input: ["observation"],
      output: ["observation"],
      create: () => (input) => input.pipe(tap((m) => seen.worked.push(m.obsId!))),
    }),
  );
  r.register(
    definePlugin({
      name: "keep",
      version: "1",
      description: "keeps the runs it saw in a checkpoint",
      params: Type.Object({}),
      input: ["observation"],
      output: [],
      ordered: true,
      checkpointedObsIds: (saved) => saved as number[],
      create:
        (_params, { nodeId }) =>
        (input) =>
          input.pipe(
            tap((m) => seen.kept.set(nodeId, [...(seen.kept.get(nodeId) ?? []), [m.seq!, m.obsId!]])),
            map(() => ({ kind: "observation" }) as unknown as Message),
          ) as Observable<Message>,
    }),
  );
  r.register(
    definePlugin({
      name: "print",
      version: "1",
      description: "a per-run sink without a checkpoint",
      params: Type.Object({}),
      input: ["observation"],
      output: [],
      create: () => (input) => input.pipe(map(() => ({ kind: "observation" }) as unknown as Message)),
    }),
  );
  return r;
}

async function resume(edges: Array<[string, string]>, saved: Record<string, number[]>) {
  const seen = { worked: [] as number[], kept: new Map<string, Array<[number, number]>>() };
  const nodes = [...new Set(edges.flat())].map((id) => ({ id, plugin: id.replace(/[AB]$/, "") }));
  const graph = validateGraph({ nodes, edges: edges.map(([f, t]) => ({ from: f, to: t })) }, registry(seen));
  const checkpoints = new MemoryCheckpoints();
  for (const [node, obsIds] of Object.entries(saved)) checkpoints.save(node, obsIds);
  const lines: string[] = [];
  const logger = { info: (m: string) => lines.push(m), warn() {}, error() {} };
  await runGraph(graph, createRunContainer(createContainer({ data: {} as DataAccess, logger }), { checkpoints }));
  return { ...seen, lines };
}

test("a resumed run skips the runs its stack's checkpoint holds; the others keep their order", async () => {
  const { worked, kept, lines } = await resume(
    [
      ["runs", "work"],
      ["work", "keep"],
    ],
    { keep: [1, 3] },
  );
  assert.deepEqual(worked, [2, 4, 5]);
  assert.deepEqual(kept.get("keep"), [
    [0, 2],
    [1, 4],
    [2, 5],
  ]);
  assert.ok(
    lines.includes("runs: obs 1 taken from the checkpoint") && lines.includes("runs: obs 3 taken from the checkpoint"),
  );
});

test("a run goes through again when another path needs it: a sink without a checkpoint, or another stack", async () => {
  const branched = await resume(
    [
      ["runs", "work"],
      ["work", "keep"],
      ["runs", "print"],
    ],
    { keep: [1, 3] },
  );
  assert.deepEqual(branched.worked, [1, 2, 3, 4, 5], "print needs every run");
  const two = await resume(
    [
      ["runs", "work"],
      ["work", "keepA"],
      ["work", "keepB"],
    ],
    { keepA: [1, 2, 3], keepB: [1, 2] },
  );
  assert.deepEqual(two.worked, [3, 4, 5], "only the runs both stacks hold are left out");
  assert.deepEqual(
    two.kept.get("keepA")?.map(([, id]) => id),
    [3, 4, 5],
  );
  const none = await resume(
    [
      ["runs", "work"],
      ["work", "keep"],
    ],
    {},
  );
  assert.deepEqual(none.worked, [1, 2, 3, 4, 5], "no checkpoint, nothing left out");
});
