export {
  DEG2RAD,
  RAD2DEG,
  wrap360,
  hypot,
  separationRad,
  positionAngleRad,
  separationDeg,
  directionalOffset,
} from "./sphere.js";
export { type Frame, frameRotation, parseFrame, transformFrame } from "./frames.js";
export { SkyCoord } from "./skycoord.js";
export { skyToFov, fovToSky, skyOffset, skyOffsetMatrix } from "./fov.js";
