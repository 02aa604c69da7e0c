export { Irf, type IrfCoords, type IrfInterpOptions } from "./irf.js";
export { EffectiveAreaTable2D, EnergyDispersion2D, PSF3D, Background3D, Background2D, loadIrf } from "./tables.js";
export { readIrfAxes, readIrfData, transposeReverse } from "./gadf.js";
export {
  ParametricPsf,
  EnergyDependentMultiGaussPSF,
  PSFKing,
  psfTable,
  RAD_AXIS_DEFAULT,
  loadParametricPsf,
  type Psf,
  type PsfCoords,
} from "./psf.js";
export { EDispKernel, edispKernelAtOffset, edispKernelFromDensities, integrateMigration } from "./edisp-kernel.js";
export { loadIrfDict, type IrfDict } from "./irf-dict.js";
export { checkIrfValues, type IrfLoadOptions, type IrfValueRules } from "./validate.js";
