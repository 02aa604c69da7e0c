export { dataStoreSourcePlugin, observationMessages, type DataStoreSourceParams } from "./datastore-source.js";
export { watchSourcePlugin, type WatchSourceParams } from "./watch-source.js";

import { dataStoreSourcePlugin } from "./datastore-source.js";
import { watchSourcePlugin } from "./watch-source.js";
/** The graph nodes this package provides. */
export const plugins = [dataStoreSourcePlugin, watchSourcePlugin];
