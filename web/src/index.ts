// The quick-look page's parts for Node: its server (gammaflow serve), and the session the
// worker runs, usable (and tested) without a browser.
export { serveSite, SITE_DIR, CONTENT_SECURITY_POLICY, type ServeOptions } from "./serve.js";
export { Session, defaultSettings, type Update } from "./session.js";
export { DroppedFiles, type DroppedFile, type FoundRun } from "./dropped-files.js";
export {
  QuickLook,
  stackImages,
  type QuickLookMaps,
  type QuickLookSettings,
  type QuickLookTotals,
  type RunRow,
} from "./quick-look.js";
export { energyRangeText, figures, type Figure } from "./figures.js";
export { browserRegistry, validateForBrowser, BROWSER_PLUGINS, NODE_ONLY } from "./browser-plugins.js";
export { PageFiles, runValidatedGraph, type GraphOutcome } from "./graph-run.js";
