import { test } from "node:test";
import assert from "node:assert/strict";
import {
  type EventColumns,
  eventsTableHdu,
  GTI,
  runMetaFromObservation,
  type EventListMeta,
} from "../src/data/index.js";
import { type Card, FitsFile, writeFitsBytes } from "../src/fits/index.js";
import { DataStore } from "../src/index.node.js";
import { toStorePath } from "../src/nodejs/index.js";
import { BUNDLED_HESS, readFixture } from "./fixtures.js";

type FixtureCard = [string, string | number | boolean, "str" | "int" | "float" | "bool"];
const fx = readFixture<{
  events: FixtureCard[];
  gti: FixtureCard[];
  columns: Array<{ name: string; format: string; unit: string | null }>;
  inputs: {
    obsId: number;
    models: Array<{ id: number; name: string }>;
    energyRange: [number, number];
    offsetMax: number;
    object: { name: string; ra: number; dec: number };
    altAz: { alt: number; az: number };
    nModels: number;
  };
}>("event_sampler_header.json");

const source = () => DataStore.fromDir(toStorePath(BUNDLED_HESS)).obs(fx.inputs.obsId);
const primary = { kind: "image" as const, data: new Uint8Array(0), shape: [] };

/** The fixture's columns (gammapy's sampler output) with made-up values. */
function sampledColumns(rows: number): EventColumns {
  const columns: Record<string, Float64Array | BigInt64Array> = {};
  for (const { name, format } of fx.columns) {
    columns[name] =
      format === "K"
        ? BigInt64Array.from({ length: rows }, (_, i) => BigInt(i))
        : Float64Array.from({ length: rows }, (_, i) => 1 + i / rows);
  }
  return columns;
}

function sampledMeta(): EventListMeta {
  const { models, energyRange, offsetMax, object, altAz, nModels } = fx.inputs;
  // gammapy's sampler leaves N_TELS empty; we write it when we know it
  return {
    ...runMetaFromObservation(source()),
    models,
    energyRange,
    offsetMax,
    object,
    altAz,
    nModels,
    nTels: undefined,
  };
}

function typeOf(card: Card): FixtureCard[2] {
  if (typeof card.value === "string") return "str";
  if (typeof card.value === "boolean") return "bool";
  return card.real || !Number.isInteger(card.value) ? "float" : "int";
}

test("the EVENTS header has gammapy 1.0's sampler keywords, in its order, types and values", () => {
  const hdu = eventsTableHdu(sampledColumns(3), sampledMeta());
  const cards = hdu.header ?? [];
  assert.deepEqual(
    cards.map((c) => c.key),
    fx.events.map(([key]) => key),
  );
  // Ours: CREATOR and ORIGIN. gammapy's MJDREFF is `mjd % 1` of a float MJD (1e-12 d off);
  // its TSTOP, LIVETIME and DEADC went through MJD and (1 - fraction) arithmetic.
  const ours = new Set(["CREATOR", "ORIGIN"]);
  cards.forEach((card, i) => {
    const [key, value, type] = fx.events[i];
    assert.equal(typeOf(card), type, `${key}: type`);
    if (ours.has(key)) assert.equal(card.value, "gammaflow");
    else if (typeof value === "number") {
      const tolerance = key === "MJDREFF" ? 1e-11 : 1e-14 * Math.abs(value);
      assert.ok(Math.abs(Number(card.value) - value) <= tolerance, `${key}: ${card.value} vs ${value}`);
    } else assert.equal(String(card.value).trimEnd(), value, key); // FITS readers drop trailing blanks
  });
});

test("the EVENTS columns have gammapy's formats and units, and read back", () => {
  const columns = sampledColumns(5);
  const file = FitsFile.parse(writeFitsBytes([primary, eventsTableHdu(columns, sampledMeta())]));
  const table = file.table("EVENTS");
  assert.deepEqual(
    table.columns.map((c) => ({ name: c.name, format: c.tform, unit: c.unit ?? null })),
    fx.columns,
  );
  for (const [name, data] of Object.entries(columns)) assert.deepEqual(table.column(name), data, name);
  assert.equal(table.header.get("HDUCLAS1"), "EVENTS");
  assert.equal(table.header.get("TSTART"), 123890826);
});

test("the EVENTS builder: float32 and int32 columns as E and J, units given, errors name the column", () => {
  const meta = sampledMeta();
  const columns = {
    EVENT_ID: Int32Array.of(1, 2),
    TIME: Float64Array.of(1, 2),
    RA: Float32Array.of(83.5, 83.6),
    DEC: Float32Array.of(22, 22.1),
    ENERGY: Float32Array.of(1, 2),
    MC_ID: Int32Array.of(0, 1),
    MULTIP: Int16Array.of(2, 4),
  };
  const hdu = eventsTableHdu(columns, meta, { MULTIP: "" });
  assert.deepEqual(
    hdu.columns.map((c) => `${c.name}:${c.format}:${c.unit ?? ""}`),
    ["EVENT_ID:J:", "TIME:D:s", "RA:E:deg", "DEC:E:deg", "ENERGY:E:TeV", "MC_ID:J:", "MULTIP:I:"],
  );
  const { ENERGY: _, ...noEnergy } = columns;
  assert.throws(() => eventsTableHdu(noEnergy, meta), /EVENTS: no column ENERGY/);
  assert.throws(
    () => eventsTableHdu({ ...columns, TIME: Float64Array.of(1) }, meta),
    /EVENTS: column 'TIME' has 1 rows, EVENT_ID has 2/,
  );
  const { energyRange, offsetMax, ...withoutRanges } = meta;
  const cards = eventsTableHdu(columns, withoutRanges).header ?? [];
  const value = (key: string) => cards.find((c) => c.key === key)?.value;
  assert.equal(value("DSVAL2"), "1.0:2.0", "the events' energy range");
  // the farthest event, (83.5°, 22°), is 0.586° from the pointing
  assert.match(String(value("DSVAL3")), /^CIRCLE\(83\.633333333333,21\.514444444444,0\.586\d+\)$/);
  const extra = eventsTableHdu(columns, {
    ...meta,
    cards: [
      { key: "OBSERVER", value: "me" },
      { key: "X", value: 1 },
    ],
  });
  assert.deepEqual(
    extra.header?.filter((c) => ["OBSERVER", "X"].includes(c.key)).map((c) => c.value),
    ["me", 1],
  );
  assert.throws(
    () => eventsTableHdu(columns, { ...meta, gti: GTI.create([], []) }),
    /observation 23523: the GTI is empty/,
  );
});

test("the GTI HDU has GADF's keywords and reads back as the same GTI", () => {
  const gti = source().gti;
  const file = FitsFile.parse(writeFitsBytes([primary, gti.toTableHdu()]));
  const table = file.table("GTI");
  const keys = new Set(fx.gti.map(([key]) => key));
  for (const key of ["HDUCLAS1", "HDUCLASS", "MJDREFI", "MJDREFF", "TIMEUNIT", "TIMESYS", "TIMEREF", "TSTART"])
    assert.ok(keys.has(key) && table.header.has(key), key);
  const back = GTI.fromTable(table);
  assert.deepEqual([back.start, back.stop, back.timeRef], [gti.start, gti.stop, gti.timeRef]);
  assert.equal(table.columnInfo("START").unit, "s");
});
