export { Unit, UnitError, parseUnit } from "./unit.js";
export { Quantity, parseQuantity, convert, unitsCompatible } from "./quantity.js";
export { columnInUnit, columnUnitFactor } from "./table-column.js";
