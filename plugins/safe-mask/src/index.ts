export { SafeMaskMaker, SAFE_MASK_METHODS, energyMask, type SafeMaskMethod, type SafeMaskMakerOptions } from "./safe-mask-maker.js";
