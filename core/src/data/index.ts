export { type FileAccess, joinPath, isInside, expandVars } from "./files.js";
export { FetchFileAccess, type FetchFileAccessOptions } from "./fetch-files.js";
export { GTI, timeRefFromHeader, timeRefMjd, timeRefShift, DEFAULT_TIME_REF, type TimeRef } from "./gti.js";
export { EventList } from "./event-list.js";
export { HduIndex, type HduLocation, type HduType } from "./hdu-index.js";
export { ObsTable, sameTargetName } from "./obs-table.js";
export { Observation } from "./observation.js";
export { observationFromRunFile } from "./run-file.js";
export { DataStore, Observations, type DataStoreOptions } from "./data-store.js";
export { MemoryObservation, type ObservationCreateOptions, type ObservationIrfs } from "./memory-observation.js";
export {
  eventsTableHdu,
  eventListCards,
  type EventColumns,
  type EventColumnData,
  type EventListMeta,
} from "./events-table.js";
export { runMetaFromObservation } from "./run-meta.js";
export {
  obsIndexRow,
  hduIndexRows,
  obsIndexTimeRef,
  updatedIndexTable,
  type IndexRow,
  type IndexValue,
  type RunHdu,
} from "./index-tables.js";
