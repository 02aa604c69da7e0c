import type { MapDataset, Observation, WcsNDMap } from "@gammaflow/core";

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

/**
 * The dataset kinds, fine enough to refuse wrong wiring before any data is read: a 3-D
 * dataset (energy axis as made), a one-bin image dataset (after to-image), an on-off dataset
 * (off counts from a ring; images or cubes).
 */
export const DATASET_KINDS = ["dataset", "image-dataset", "dataset-onoff"] as const;
export type DatasetKind = (typeof DATASET_KINDS)[number];

/** A reduced dataset: one observation's (with its observation) or a stack. */
export interface DatasetMessage extends MessageBase {
  kind: DatasetKind;
  dataset: MapDataset;
  observation?: Observation;
  /** Observation ids contained (a stack lists every run it holds). */
  obsIds: number[];
  /** True for the stacker's last emission (the complete stack). */
  final?: boolean;
}

export function isDatasetMessage(m: { kind: string }): m is DatasetMessage {
  return (DATASET_KINDS as readonly string[]).includes(m.kind);
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
  /** Written after the run was asked to finish early: it holds only part of the run's input. */
  partial?: boolean;
}

/** A DL3 event list written or found on disk (an event sampler's output, a run to reduce). */
export interface EventsFileMessage extends MessageBase {
  kind: "events-file";
  path: string;
  obsIds?: number[];
}

/** Sky and background models (gammapy's Models), e.g. read from YAML, to fit or simulate. */
export interface ModelsMessage extends MessageBase {
  kind: "models";
  models: unknown;
}

/** The result of a fit: best-fit models, statistic, covariance, and what was fitted. */
export interface FitResultMessage extends MessageBase {
  kind: "fit-result";
  result: unknown;
  obsIds: number[];
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

export type Message =
  | ObservationMessage
  | DatasetMessage
  | MapsMessage
  | FileMessage
  | EventsFileMessage
  | ModelsMessage
  | FitResultMessage
  | ErrorRecord;
export type MessageKind = Message["kind"] | (string & {});

export function isErrorRecord(m: { kind: string }): m is ErrorRecord {
  return m.kind === "error";
}

export function errorRecord(node: string, message: MessageBase, cause: unknown): ErrorRecord {
  const text = cause instanceof Error ? cause.message : String(cause);
  return { kind: "error", node, seq: message.seq, obsId: message.obsId, message: text };
}
