import type { QuickLookSettings } from "./quick-look.js";

/** The form's fields, by their `name`, and how each maps onto the settings. */
const FIELDS = ["ra", "dec", "width", "binsz", "emin", "emax", "nbin", "cutout", "offsetMax", "radius"] as const;
type Field = (typeof FIELDS)[number];

/** Show settings in the form (after the worker chose the defaults from the runs' pointing). */
export function fillForm(form: HTMLFormElement, settings: QuickLookSettings): void {
  const { geom } = settings;
  const axis = geom.axes?.[0];
  const values: Record<Field, unknown> = {
    ra: geom.skydir?.[0],
    dec: geom.skydir?.[1],
    width: parseFloat(String(geom.width)),
    binsz: parseFloat(String(geom.binsz)),
    emin: parseFloat(String(axis?.lo)),
    emax: parseFloat(String(axis?.hi)),
    nbin: axis?.nbin,
    cutout: settings.cutoutWidth,
    offsetMax: settings.offsetMax,
    radius: settings.correlationRadius,
  };
  for (const name of FIELDS) field(form, name).value = String(values[name] ?? "");
}

/** The settings the form asks for; a field that is not a number is an error naming it and its value. */
export function readForm(form: HTMLFormElement): QuickLookSettings {
  const number = (name: Field): number => {
    const input = field(form, name);
    const value = Number(input.value);
    if (input.value.trim() === "" || !Number.isFinite(value))
      throw new Error(`${input.labels?.[0]?.textContent ?? name}: not a number: ${JSON.stringify(input.value)}`);
    return value;
  };
  return {
    geom: {
      skydir: [number("ra"), number("dec")],
      width: `${number("width")} deg`,
      binsz: `${number("binsz")} deg`,
      axes: [{ name: "energy", lo: `${number("emin")} TeV`, hi: `${number("emax")} TeV`, nbin: number("nbin") }],
    },
    cutoutWidth: number("cutout"),
    offsetMax: number("offsetMax"),
    correlationRadius: number("radius"),
  };
}

function field(form: HTMLFormElement, name: Field): HTMLInputElement {
  return form.elements.namedItem(name) as HTMLInputElement;
}
