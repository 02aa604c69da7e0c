export {
  dataStoreSourcePlugin,
  observationMessages,
  selectObsIds,
  type DataStoreSourceParams,
} from "./datastore-source.js";
export { watchSourcePlugin } from "./watch-source.js";

import type { AnyPlugin } from "@gammaflow/pipeline";
import { dataStoreSourcePlugin } from "./datastore-source.js";
import { watchSourcePlugin } from "./watch-source.js";
/** The graph nodes this package provides. */
export const plugins: AnyPlugin[] = [dataStoreSourcePlugin, watchSourcePlugin];
