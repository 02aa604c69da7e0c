/**
 * The mutation corpus (issue 15): real H.E.S.S. runs damaged one way each — truncated, bit-flipped,
 * header cards edited, NaN/Inf cells, units changed, sizes that do not add up, size bombs — and
 * what a correct reader must do with each: give the run's right numbers, or refuse it with an error
 * that names the file (and the HDU and column where there is one), never something in between.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { gunzipSync, gzipSync } from "node:zlib";
import { copyFitsWithEdits, type EditableTable } from "@gammaflow/core/testing";
import { columnIndex, hduNamed, rawHdus, withCard, withFlippedBit, withText } from "./fits-bytes.js";

/** What the reduction of a store holding the mutated run must give. */
export type Expectation =
  /** the numbers of the unmutated run */
  | "same"
  /** the run skipped, with an error naming the file and `mentions` */
  | "error"
  /** either of the two (a change the reader may repair or refuse) */
  | "same-or-error"
  /** the numbers of the store whose run is `equivalent`'s file instead (e.g. the bad rows removed) */
  | "equivalent"
  /** refused, or reduced with a warning naming the file and `mentions` */
  | "warn-or-error";

export interface Source {
  /** The unmutated run file (gzipped FITS). */
  path: string;
  gz: Uint8Array;
  raw: Uint8Array;
}

export interface Mutation {
  id: string;
  obsId: number;
  kind: string;
  expect: Expectation;
  /** Words the error (or warning) must contain besides the file name, e.g. the HDU and column. */
  mentions: string[];
  make(source: Source, target: string): void;
  /** For "equivalent": the clean file whose numbers are expected. */
  equivalent?(source: Source, target: string): void;
  /** A size bomb: memory must stay bounded (the runner checks the peak). */
  bomb?: boolean;
}

const gz = (raw: Uint8Array) => gzipSync(raw, { level: 1 });
const write = (bytes: Uint8Array) => (_s: Source, target: string) => writeFileSync(target, bytes);
type Edits = Record<string, (table: EditableTable) => void>;
const edit = (edits: Edits) => (s: Source, target: string) => copyFitsWithEdits(s.path, target, edits);

function scale(table: EditableTable, name: string, factor: number, unit: string): void {
  const column = table.column(name);
  column.data = Float64Array.from(column.data as ArrayLike<number>, (v) => v * factor);
  column.format = column.format.replace("E", "D");
  column.unit = unit;
}

function setValues(table: EditableTable, name: string, at: (i: number, n: number) => boolean, value: number): void {
  const column = table.column(name);
  const data = Float64Array.from(column.data as ArrayLike<number>);
  for (let i = 0; i < data.length; i++) if (at(i, data.length)) data[i] = value;
  column.data = data;
  column.format = column.format.replace("E", "D");
}

/** Events table without the rows `drop` picks (the clean equivalent of rows made invalid). */
function dropRows(drop: (i: number) => boolean): Edits {
  return {
    EVENTS: (table) => {
      for (const column of table.columns) {
        const values = column.data as ArrayLike<number> & { filter?: unknown };
        const kept = Array.prototype.filter.call(values, (_: number, i: number) => !drop(i)) as number[];
        column.data = (
          values instanceof BigInt64Array ? BigInt64Array.from(kept as unknown as bigint[]) : Float64Array.from(kept)
        ) as typeof column.data;
        if (!(values instanceof BigInt64Array)) column.format = column.format.replace("E", "D").replace("J", "D");
      }
    },
  };
}

const every100 = (i: number) => i % 100 === 7;

/** The corpus: every mutation class on each of the given runs. */
export function mutations(obsIds: readonly number[]): Mutation[] {
  return obsIds.flatMap((obsId) => runMutations(obsId));
}

function runMutations(obsId: number): Mutation[] {
  const list: Mutation[] = [];
  const add = (kind: string, expect: Expectation, mentions: string[], make: Mutation["make"], extra = {}) =>
    list.push({ id: `${obsId}-${kind}`, obsId, kind, expect, mentions, make, ...extra });
  const raw = (kind: string, expect: Expectation, mentions: string[], change: (raw: Uint8Array) => Uint8Array) =>
    add(kind, expect, mentions, (s, target) => writeFileSync(target, gz(change(s.raw))));

  // gzip level: the compressed stream damaged
  for (const f of [0.01, 0.3, 0.7, 0.999])
    add(`gz-truncated-${f}`, "error", [], (s, t) => write(s.gz.subarray(0, Math.floor(s.gz.length * f)))(s, t));
  for (const f of [0.0005, 0.2, 0.5, 0.8])
    add(`gz-bitflip-${f}`, "error", [], (s, t) =>
      write(withFlippedBit(s.gz, Math.max(10, Math.floor(s.gz.length * f)), 3))(s, t),
    );
  add("gz-crc", "error", [], (s, t) => write(withFlippedBit(s.gz, s.gz.length - 6, 0))(s, t));
  add("gz-trailing-garbage", "same-or-error", [], (s, t) =>
    write(Uint8Array.from([...s.gz, ...new TextEncoder().encode("garbage after the member")]))(s, t),
  );
  add("not-gzipped", "same", [], (s, t) => write(s.raw)(s, t));

  // FITS structure: sizes and headers that do not add up
  const at = (name: string) => (bytes: Uint8Array) => hduNamed(bytes, name);
  raw("truncated-primary-header", "error", [], (b) => b.subarray(0, 1000));
  raw("truncated-events-header", "error", ["EVENTS"], (b) => b.subarray(0, at("EVENTS")(b).start + 400));
  raw("truncated-events-data", "error", ["EVENTS"], (b) => {
    const e = at("EVENTS")(b);
    return b.subarray(0, e.dataStart + Math.floor(e.dataSize / 2));
  });
  raw("truncated-aeff-data", "error", ["AEFF"], (b) => b.subarray(0, at("AEFF")(b).dataStart + 100));
  raw("truncated-last-byte", "same-or-error", ["BKG"], (b) => b.subarray(0, b.length - 1));
  raw("truncated-last-block", "error", ["BKG"], (b) => b.subarray(0, b.length - 2880));
  raw("events-naxis2-0", "error", ["EVENTS"], (b) => withCard(b, "EVENTS", "NAXIS2", 0));
  raw("events-naxis2-more", "error", ["EVENTS"], (b) =>
    withCard(b, "EVENTS", "NAXIS2", Number(cardOf(b, "EVENTS", "NAXIS2")) + 5000),
  );
  raw("events-naxis2-fewer", "error", ["EVENTS"], (b) =>
    withCard(b, "EVENTS", "NAXIS2", Number(cardOf(b, "EVENTS", "NAXIS2")) - 2000),
  );
  raw("events-naxis1-wrong", "error", ["EVENTS"], (b) => withCard(b, "EVENTS", "NAXIS1", 32));
  raw("events-end-blanked", "error", ["EVENTS"], (b) => {
    const e = at("EVENTS")(b);
    return withText(b, endCardOffset(b, e.start), " ".repeat(80));
  });
  raw("header-non-ascii", "error", ["EVENTS"], (b) => {
    const copy = b.slice();
    copy[at("EVENTS")(b).start + 80 * 3 + 60] = 0xe9;
    return copy;
  });
  raw("xtension-not-first", "error", ["EVENTS"], (b) => {
    const e = at("EVENTS")(b);
    const copy = b.slice();
    copy.set(b.subarray(e.start + 80, e.start + 160), e.start);
    copy.set(b.subarray(e.start, e.start + 80), e.start + 80);
    return copy;
  });
  raw("primary-bitpix-12", "error", [], (b) => withCard(b, "PRIMARY", "BITPIX", 12));
  for (const [hdu, column] of [
    ["AEFF", "EFFAREA"],
    ["EDISP", "MATRIX"],
    ["PSF", "RPSF"],
    ["BKG", "BKG"],
  ])
    raw(`tdim-huge-${hdu.toLowerCase()}`, "error", [hdu, column], (b) =>
      withCard(b, hdu, `TDIM${columnIndex(b, hdu, column)}`, "(999999,999999,999999)"),
    );
  raw("tform-repeat-wrong", "error", ["AEFF"], (b) =>
    withCard(b, "AEFF", `TFORM${columnIndex(b, "AEFF", "EFFAREA")}`, "575E"),
  );
  raw("tform-unknown", "error", ["EVENTS"], (b) =>
    withCard(b, "EVENTS", `TFORM${columnIndex(b, "EVENTS", "RA")}`, "1Y"),
  );
  raw("events-declares-56gb", "error", ["EVENTS"], (b) => withCard(b, "EVENTS", "NAXIS2", 2_000_000_000));
  raw("bkg-declares-2gib", "error", ["BKG"], (b) => withCard(b, "BKG", "NAXIS1", 2 ** 31));

  // header cards: values the reduction needs, wrong
  for (const deadc of [-1, 0, 5])
    raw(`deadc-${deadc}`, "error", ["DEADC"], (b) => withCard(b, "EVENTS", "DEADC", deadc));
  raw("unit-unknown", "error", ["EVENTS", "ENERGY"], (b) =>
    withCard(b, "EVENTS", `TUNIT${columnIndex(b, "EVENTS", "ENERGY")}`, "furlong"),
  );
  raw("unit-not-energy", "error", ["EVENTS", "ENERGY"], (b) =>
    withCard(b, "EVENTS", `TUNIT${columnIndex(b, "EVENTS", "ENERGY")}`, "m"),
  );
  raw("extname-psf-renamed", "error", ["PSF"], (b) => withCard(b, "PSF", "EXTNAME", "PSFX"));
  raw("column-energy-renamed", "error", ["EVENTS", "ENERGY"], (b) =>
    withCard(b, "EVENTS", `TTYPE${columnIndex(b, "EVENTS", "ENERGY")}`, "ENERGX"),
  );
  raw("column-theta-renamed", "error", ["AEFF", "THETA"], (b) =>
    withCard(b, "AEFF", `TTYPE${columnIndex(b, "AEFF", "THETA_LO")}`, "THETAX"),
  );
  raw("comment-edited", "same", [], (b) => {
    const e = at("EVENTS")(b);
    return withText(b, endCardOffset(b, e.start) - 80, `COMMENT edited by the corpus${" ".repeat(52)}`);
  });

  // table values: NaN, Inf, negative, unsorted
  add("events-energy-nan", "equivalent", [], edit({ EVENTS: (t) => setValues(t, "ENERGY", every100, Number.NaN) }), {
    equivalent: edit(dropRows(every100)),
  });
  add(
    "events-ra-inf",
    "equivalent",
    [],
    edit({ EVENTS: (t) => setValues(t, "RA", every100, Number.POSITIVE_INFINITY) }),
    {
      equivalent: edit(dropRows(every100)),
    },
  );
  const cell = (k: number) => (i: number) => i === k;
  add(
    "aeff-one-nan",
    "warn-or-error",
    ["AEFF", "EFFAREA"],
    edit({ AEFF: (t) => setValues(t, "EFFAREA", cell(200), NaN) }),
  );
  add("aeff-all-nan", "error", ["AEFF", "EFFAREA"], edit({ AEFF: (t) => setValues(t, "EFFAREA", () => true, NaN) }));
  add("aeff-all-zero", "error", ["AEFF", "EFFAREA"], edit({ AEFF: (t) => setValues(t, "EFFAREA", () => true, 0) }));
  add("aeff-negative", "error", ["AEFF", "EFFAREA"], edit({ AEFF: (t) => scale(t, "EFFAREA", -1, "m2") }));
  add("bkg-inf-cells", "warn-or-error", ["BKG"], edit({ BKG: (t) => setValues(t, "BKG", every100, Infinity) }));
  add("psf-nan-cells", "warn-or-error", ["PSF", "RPSF"], edit({ PSF: (t) => setValues(t, "RPSF", every100, NaN) }));
  add(
    "edisp-nan-cells",
    "warn-or-error",
    ["EDISP", "MATRIX"],
    edit({ EDISP: (t) => setValues(t, "MATRIX", every100, NaN) }),
  );
  add(
    "aeff-energy-unsorted",
    "error",
    ["AEFF", "ENERG"],
    edit({ AEFF: (t) => setValues(t, "ENERG_LO", cell(40), 50) }),
  );
  add("aeff-theta-nan", "error", ["AEFF", "THETA"], edit({ AEFF: (t) => setValues(t, "THETA_HI", cell(2), NaN) }));
  add("gti-start-nan", "error", ["GTI", "START"], edit({ GTI: (t) => setValues(t, "START", () => true, NaN) }));
  add("gti-stop-inf", "error", ["GTI", "STOP"], edit({ GTI: (t) => setValues(t, "STOP", () => true, Infinity) }));
  add("gti-stop-before-start", "error", ["GTI"], edit({ GTI: (t) => scale(t, "STOP", 0.5, "s") }));

  // silent bit flips become detectable where the file carries CHECKSUM/DATASUM (our writer's)
  for (const hdu of ["EVENTS", "AEFF"])
    add(`checksummed-bitflip-${hdu.toLowerCase()}`, "error", [hdu, "DATASUM"], (s, target) => {
      const identity = () => {};
      copyFitsWithEdits(s.path, target, { EVENTS: identity, GTI: identity, AEFF: identity, BKG: identity });
      const raw = gunzipSync(readFileSync(target));
      const at = hduNamed(raw, hdu);
      writeFileSync(target, gz(withFlippedBit(raw, at.dataStart + Math.floor(at.dataSize / 3), 2)));
    });

  // units changed with the values converted: the same numbers
  add("unit-energy-gev", "same", [], edit({ EVENTS: (t) => scale(t, "ENERGY", 1000, "GeV") }));
  add(
    "unit-radec-rad",
    "same",
    [],
    edit({ EVENTS: (t) => (scale(t, "RA", Math.PI / 180, "rad"), scale(t, "DEC", Math.PI / 180, "rad")) }),
  );
  add("unit-gti-ms", "same", [], edit({ GTI: (t) => (scale(t, "START", 1000, "ms"), scale(t, "STOP", 1000, "ms")) }));
  add("unit-aeff-cm2", "same", [], edit({ AEFF: (t) => scale(t, "EFFAREA", 1e4, "cm2") }));
  add(
    "unit-aeff-energy-gev",
    "same",
    [],
    edit({ AEFF: (t) => (scale(t, "ENERG_LO", 1000, "GeV"), scale(t, "ENERG_HI", 1000, "GeV")) }),
  );
  add(
    "unit-psf-rad-arcmin",
    "same",
    [],
    edit({ PSF: (t) => (scale(t, "RAD_LO", 60, "arcmin"), scale(t, "RAD_HI", 60, "arcmin")) }),
  );
  add("unit-bkg-gev", "same", [], edit({ BKG: (t) => scale(t, "BKG", 1000, "GeV-1 s-1 sr-1") }));
  return list;
}

function cardOf(bytes: Uint8Array, hdu: string, key: string): string {
  const offset = hduNamed(bytes, hdu).cards.get(key);
  return String.fromCharCode(...bytes.subarray(offset! + 10, offset! + 30)).trim();
}

function endCardOffset(bytes: Uint8Array, start: number): number {
  for (let at = start; at + 80 <= bytes.length; at += 80) {
    if (String.fromCharCode(...bytes.subarray(at, at + 8)).trimEnd() === "END") return at;
  }
  throw new Error("no END card");
}

/** The HDUs of the unmutated file, as the corpus script prints them. */
export function describe(raw: Uint8Array): string {
  return rawHdus(raw)
    .map((h) => `${h.name || "?"} ${h.dataSize}`)
    .join(", ");
}

const MIB = 2 ** 20;

/** A gzip stream of `bytes` zero bytes, as repeated members of 64 MiB (small on disk, no large buffer). */
function zeroMembers(bytes: number): Uint8Array[] {
  const chunk = 64 * MIB;
  const full = gzipSync(Buffer.alloc(Math.min(chunk, bytes)), { level: 9 });
  const members: Uint8Array[] = [];
  for (let left = bytes; left > 0; left -= chunk) {
    members.push(left >= chunk ? full : gzipSync(Buffer.alloc(left), { level: 9 }));
  }
  return members;
}

/**
 * Size bombs, on one run: a gzip member inflating to `inflateBytes` of zeros after the file, and a
 * valid FITS whose EVENTS table declares `eventBytes` (the run's rows, then zero rows).
 */
export function bombs(obsId: number, inflateBytes = 5 * 1024 * MIB, eventBytes = 2 * 1024 * MIB): Mutation[] {
  const base = { obsId, mentions: [] as string[], bomb: true };
  return [
    {
      ...base,
      id: `${obsId}-gzip-bomb`,
      kind: "gzip-bomb",
      expect: "same-or-error",
      make(s, target) {
        writeFileSync(target, Buffer.concat([s.gz, ...zeroMembers(inflateBytes)]));
      },
    },
    {
      ...base,
      id: `${obsId}-events-declared-huge`,
      kind: "events-declared-huge",
      expect: "error",
      mentions: ["EVENTS"],
      make(s, target) {
        const events = hduNamed(s.raw, "EVENTS");
        const rowBytes = Number(cardOf(s.raw, "EVENTS", "NAXIS1"));
        const rows = Math.floor(eventBytes / rowBytes);
        const header = withCard(s.raw, "EVENTS", "NAXIS2", rows).subarray(0, events.dataStart + events.dataSize);
        const zeros = rows * rowBytes - events.dataSize;
        const padding = (2880 - ((rows * rowBytes) % 2880)) % 2880;
        const rest = Buffer.concat([Buffer.alloc(padding), s.raw.subarray(events.end)]);
        writeFileSync(target, Buffer.concat([gz(header), ...zeroMembers(zeros), gz(rest)]));
      },
    },
  ];
}
