import type { Observation } from "../data/index.js";
import type { MapDataset } from "../datasets/index.js";
import type { WcsNDMap } from "../maps/index.js";

/**
 * What flows along a graph's edges. Every message names its observation (when it has one)
 * and its place in the source's order (`seq`), so per-observation work can run out of order
 * and still reach order-sensitive nodes (the stacker) in the source's order.
 */
export interface MessageBase {
  kind: string;
  /** Position in the source's emission order; undefined for whole-run results. */
  seq?: number;
  obsId?: number;
}

/** One observation to reduce, with the empty reference dataset a cutout node made for it. */
export interface ObservationMessage extends MessageBase {
  kind: "observation";
  obsId: number;
  seq: number;
  observation: Observation;
  /** The empty dataset to fill (a cutout of the target geometry); default: the whole geometry. */
  reference?: MapDataset;
  /** Where the run came from, so a worker can open it again: the data store folder and options. */
  storeDir?: string;
  storeRoot?: string;
  /** How `reference` was cut from the target geometry (a worker cuts it again). */
  cutout?: CutoutSpec;
}

export interface CutoutSpec {
  lon: number;
  lat: number;
  frame: "icrs" | "galactic";
  width: number | string | [number | string, number | string];
  mode: "trim" | "partial";
}

/** A reduced dataset: one observation's (with its observation) or a stack. */
export interface DatasetMessage extends MessageBase {
  kind: "dataset";
  dataset: MapDataset;
  observation?: Observation;
  /** Observation ids contained (a stack lists every run it holds). */
  obsIds: number[];
  /** True for the stacker's last emission (the complete stack). */
  final?: boolean;
}

/** Named maps estimated from a dataset (e.g. excess and significance images). */
export interface MapsMessage extends MessageBase {
  kind: "maps";
  /** The dataset they were estimated from. */
  name: string;
  maps: Record<string, WcsNDMap>;
  obsIds: number[];
  final?: boolean;
}

/** A file written by a sink node. */
export interface FileMessage extends MessageBase {
  kind: "file";
  path: string;
  description: string;
  /** The observations the file holds. */
  obsIds?: number[];
}

/**
 * A failure of one observation at one node. It travels downstream untouched (nodes never see
 * it) and ends in the run report as a skipped observation.
 */
export interface ErrorRecord extends MessageBase {
  kind: "error";
  node: string;
  message: string;
}

export type Message = ObservationMessage | DatasetMessage | MapsMessage | FileMessage | ErrorRecord;
export type MessageKind = Message["kind"] | (string & {});

export function isErrorRecord(m: { kind: string }): m is ErrorRecord {
  return m.kind === "error";
}

export function errorRecord(node: string, message: MessageBase, cause: unknown): ErrorRecord {
  const text = cause instanceof Error ? cause.message : String(cause);
  return { kind: "error", node, seq: message.seq, obsId: message.obsId, message: text };
}
