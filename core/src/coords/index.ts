export {
  DEG2RAD,
  RAD2DEG,
  wrap360,
  hypot,
  separationRad,
  positionAngleRad,
  separationDeg,
  separationFromVectors,
  directionalOffset,
  type UnitVectors,
  unitVectors,
} from "./sphere.js";
export { type Frame, frameRotation, parseFrame, skyVectors, transformFrame } from "./frames.js";
export { SkyCoord } from "./skycoord.js";
export { skyToFov, fovToSky, skyOffset, skyOffsetFromVectors, skyOffsetMatrix } from "./fov.js";
