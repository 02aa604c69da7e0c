export { Wcs2D, type WcsParams, type HeaderCardLike } from "./wcs2d.js";
export { projectionFor, type ProjectionCode } from "./projections.js";
