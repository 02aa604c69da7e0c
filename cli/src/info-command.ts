import { statSync } from "node:fs";
import { DataStore, EventList, GTI, type Header, timeRefMjd } from "@gammaflow/core";
import { readDataset, readFits, toStorePath } from "@gammaflow/core/node";

/**
 * `gammaflow info PATH`: what a file or folder holds, read as what it is — a data store folder
 * (gammapy's `DataStore.info()` and its observation table), a DL3 event file (gammapy's
 * `EventList` summary: events, GTI, pointing, energies, HDUs) or a dataset file (`MapDataset`).
 */
export function infoCommand(target: string, options: { json: boolean }): number {
  const { json, text } = statSync(target).isDirectory()
    ? storeInfo(target)
    : readFits(target).has("EVENTS")
      ? eventsInfo(target)
      : datasetInfo(target);
  console.log(options.json ? JSON.stringify(json, null, 2) : text);
  return 0;
}

interface Info {
  json: object;
  text: string;
}

/** The obs-index columns shown per observation, in gammapy's obs_table order. */
const OBS_COLUMNS = ["RA_PNT", "DEC_PNT", "ZEN_PNT", "LIVETIME", "EVENT_COUNT"] as const;

function storeInfo(dir: string): Info {
  const store = DataStore.fromDir(toStorePath(dir));
  const rows = store.hduIndex.rows;
  const ids = store.obsIds;
  const hduTypes = [...new Set(rows.map((r) => r.hduType))].sort();
  const hduClasses = [...new Set(rows.map((r) => r.hduClass))].sort();
  const observations = ids.map((obsId) => ({
    obsId,
    object: store.obsTable.text(obsId, "OBJECT"),
    ...Object.fromEntries(OBS_COLUMNS.map((c) => [camel(c), store.obsTable.value(obsId, c)])),
  }));
  const shownIds = ids.length ? `${Math.min(...ids)} -- ${Math.max(...ids)}` : "none";
  const table = [
    ["OBS_ID", "OBJECT", ...OBS_COLUMNS],
    ["", "", "deg", "deg", "deg", "s", ""],
    ...observations.map((o) => [
      String(o.obsId),
      o.object ?? "",
      ...OBS_COLUMNS.map((c) => formatNumber((o as Record<string, unknown>)[camel(c)])),
    ]),
  ];
  const text = [
    "Data store:",
    `  base dir: ${store.baseDir}`,
    `HDU index table: ${rows.length} rows, OBS_ID ${shownIds}`,
    `  HDU_TYPE: ${hduTypes.join(", ")}`,
    `  HDU_CLASS: ${hduClasses.join(", ")}`,
    `Observation table: ${ids.length} observations`,
    ...columns(table).map((line) => `  ${line}`),
  ].join("\n");
  return { json: { kind: "data-store", baseDir: store.baseDir, hduRows: rows.length, hduTypes, observations }, text };
}

function eventsInfo(file: string): Info {
  const fits = readFits(file);
  const events = new EventList(fits.table("EVENTS"));
  const header = events.header;
  const gti = fits.has("GTI") ? GTI.fromTable(fits.table("GTI")) : undefined;
  const energy = events.energy;
  // times as MJD, as gammapy's EventList prints them
  const mjd = (seconds: number) => timeRefMjd(events.timeRef) + seconds / 86400;
  const time = events.time;
  const pointing = { ra: numberOf(header, "RA_PNT"), dec: numberOf(header, "DEC_PNT") };
  const summary = {
    kind: "events",
    obsId: numberOf(header, "OBS_ID"),
    object: header.str("OBJECT")?.trim(),
    telescope: header.str("TELESCOP")?.trim(),
    events: events.length,
    energyRangeTeV: [min(energy), max(energy)],
    timeRangeMjd: [mjd(min(time)), mjd(max(time))],
    pointing,
    livetime: numberOf(header, "LIVETIME"),
    gti: gti && { intervals: gti.length, seconds: sum(gti.timeDelta) },
    hdus: fits.hdus.map((h) => ({ index: h.index, name: h.name, kind: h.kind })),
  };
  const text = [
    `EventList of ${file}`,
    `  Obs. ID          : ${summary.obsId ?? "-"}${summary.object ? ` (${summary.object})` : ""}`,
    `  Telescope        : ${summary.telescope ?? "-"}`,
    `  Number of events : ${summary.events}`,
    `  Energy range     : ${formatNumber(summary.energyRangeTeV[0])} – ${formatNumber(summary.energyRangeTeV[1])} TeV`,
    `  Time range       : MJD ${summary.timeRangeMjd.map((t) => t.toFixed(6)).join(" – ")} (${events.timeRef.scale})`,
    `  Pointing         : RA ${formatNumber(pointing.ra)} deg, Dec ${formatNumber(pointing.dec)} deg`,
    `  Livetime         : ${formatNumber(summary.livetime)} s`,
    gti
      ? `  GTI              : ${gti.length} interval(s), ${formatNumber(summary.gti!.seconds)} s`
      : "  GTI              : none (no GTI HDU)",
    `  HDUs             : ${summary.hdus.map((h) => `${h.index} ${h.name || "(unnamed)"} (${h.kind})`).join(", ")}`,
  ].join("\n");
  return { json: summary, text };
}

function datasetInfo(file: string): Info {
  const dataset = readDataset(file);
  const json = {
    kind: "dataset",
    name: dataset.name,
    counts: dataset.counts.sum(),
    background: dataset.background?.sum(),
    exposureMax: dataset.exposure ? max(dataset.exposure.data) : undefined,
    maskSafe: dataset.maskSafe?.sum(),
    shape: dataset.counts.geom.dataShape,
  };
  return { json, text: dataset.toString() };
}

function numberOf(header: Header, key: string): number | undefined {
  const value = header.get(key);
  return typeof value === "bigint" ? Number(value) : typeof value === "number" ? value : undefined;
}

const camel = (column: string) => column.toLowerCase().replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

function formatNumber(value: unknown): string {
  if (typeof value !== "number") return value === undefined ? "-" : String(value);
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
}

/** Rows of cells as left-aligned columns. */
function columns(rows: string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) =>
    r
      .map((cell, i) => cell.padEnd(widths[i]))
      .join("  ")
      .trimEnd(),
  );
}

function reduce(values: ArrayLike<number>, pick: (a: number, b: number) => number, start: number): number {
  let out = start;
  for (let i = 0; i < values.length; i++) out = pick(out, values[i]);
  return out;
}
const min = (values: ArrayLike<number>) => reduce(values, Math.min, Number.POSITIVE_INFINITY);
const max = (values: ArrayLike<number>) => reduce(values, Math.max, Number.NEGATIVE_INFINITY);
const sum = (values: ArrayLike<number>) => reduce(values, (a, b) => a + b, 0);
