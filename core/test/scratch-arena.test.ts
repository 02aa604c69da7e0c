import { test } from "node:test";
import assert from "node:assert/strict";
import { RandomState } from "../src/random/index.js";
import { ScratchArena } from "../src/random/scratch-arena.js";

test("a scratch arena hands its memory out again at each use, sized after the last one's", () => {
  for (const shared of [false, true]) {
    const arena = new ScratchArena(shared);
    arena.begin();
    const first = [arena.ints(3), arena.doubles(1000)];
    assert.equal(first[1].byteOffset % 8, 0, "doubles 8-aligned after 3 ints");
    arena.begin();
    const second = [arena.ints(3), arena.doubles(1000)];
    arena.begin();
    const third = [arena.ints(3), arena.doubles(1000)];
    assert.notEqual(second[1].buffer, first[1].buffer, "the first use's arrays were fresh");
    assert.equal(third[1].buffer, second[1].buffer, "the same memory again");
    assert.equal(third[1].byteOffset, second[1].byteOffset);
    assert.equal(third[0].buffer, second[0].buffer);
    assert.equal(third[1].buffer instanceof SharedArrayBuffer, true, "WebAssembly's memory where it can be had");
    // more than the last use asked for: fresh memory for what does not fit, then room for it
    const big = arena.doubles(50_000);
    assert.notEqual(big.buffer, third[1].buffer);
    if (shared) assert.ok(big.buffer instanceof SharedArrayBuffer, "shared memory for other threads");
    arena.begin();
    const again = [arena.ints(3), arena.doubles(1000), arena.doubles(50_000)];
    assert.ok(
      again.every((a) => a.buffer === again[0].buffer),
      "all of the larger use in one memory",
    );
  }
});

test("doubles drawn into a scratch arena are numpy's, as into a fresh array", () => {
  const arena = new ScratchArena(false);
  for (let use = 0; use < 3; use++) {
    arena.begin();
    const into = new RandomState(5).fillUniform(arena.doubles(30_000), -0.5, 0.5);
    assert.deepEqual(into, new RandomState(5).uniform(-0.5, 0.5, 30_000), `use ${use}`);
  }
});
