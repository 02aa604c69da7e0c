/**
 * A spectral model as an SVG figure, like gammapy's `SpectralModel.plot()` with `plot_error()`:
 * log-log axes in TeV and cm⁻² s⁻¹ TeV⁻¹ (or E² dN/dE in erg cm⁻² s⁻¹, gammapy's default unit),
 * the 1σ band from the model's covariance, and flux points with error bars and upper limits.
 */
import type { SpectralModel } from "../modeling/spectral/spectral-model.js";
import { formatUnit } from "./labels.js";
import { logTicks } from "./log-axis.js";
import { element, num, pathData, svgDocument, text, type Box, type FigureOptions } from "./svg.js";

/** A flux point: dN/dE (cm⁻² s⁻¹ TeV⁻¹) at an energy (TeV), as gammapy's FluxPoints "dnde" table. */
export interface FluxPoint {
  readonly energy: number;
  readonly energyMin?: number;
  readonly energyMax?: number;
  readonly dnde: number;
  readonly dndeErrn?: number;
  readonly dndeErrp?: number;
  /** An upper limit: `dnde` is the limit (drawn as an arrow down). */
  readonly isUpperLimit?: boolean;
}

export type SedType = "dnde" | "e2dnde";

export interface SpectrumPlotOptions extends FigureOptions {
  /** Energy range of the curve (TeV). */
  readonly energyBounds: readonly [number, number];
  /** dN/dE (default) or E² dN/dE. */
  readonly sedType?: SedType;
  readonly fluxPoints?: readonly FluxPoint[];
  readonly title?: string;
  /** Legend text of the model curve. */
  readonly label?: string;
  /** Draw the 1σ band from the model's covariance (default true). */
  readonly errorBand?: boolean;
  /** Curve samples, log-spaced (default 100, as gammapy). */
  readonly nPoints?: number;
}

export interface SpectrumPlotLayout {
  readonly plot: Box;
  readonly energyRange: readonly [number, number];
  /** The y range in the plotted quantity's unit. */
  readonly valueRange: readonly [number, number];
  readonly unit: string;
  /** SVG position of (energy, value). */
  toSvg(energy: number, value: number): [number, number];
}

export interface SpectrumPlot {
  readonly svg: string;
  readonly width: number;
  readonly height: number;
  readonly layout: SpectrumPlotLayout;
}

const TEV_TO_ERG = 1.602176634;
const INK = "#222222";
const LINE = "#1f77b4"; // matplotlib's first colour
const POINTS = "#d62728";
const FONT = { title: 16, label: 13, tick: 12 };
const PLOT: Box = { x: 100, y: 44, width: 480, height: 360 };

/** The plotted quantity of dN/dE at `energy` and its unit, for a SED type. */
function sed(sedType: SedType): { factor: (energy: number) => number; unit: string; name: string } {
  if (sedType === "e2dnde") return { factor: (e) => e * e * TEV_TO_ERG, unit: "erg cm-2 s-1", name: "E² dN/dE" };
  return { factor: () => 1, unit: "cm-2 s-1 TeV-1", name: "dN/dE" };
}

export function spectrumSvg(model: SpectralModel, options: SpectrumPlotOptions): SpectrumPlot {
  const [emin, emax] = options.energyBounds;
  if (!(emin > 0) || !(emax > emin)) {
    throw new RangeError(`spectrumSvg: energyBounds must be 0 < min < max (TeV), got [${emin}, ${emax}]`);
  }
  const n = options.nPoints ?? 100;
  const energies = Float64Array.from({ length: n }, (_, i) => emin * (emax / emin) ** (i / (n - 1)));
  const { factor, unit, name } = sed(options.sedType ?? "dnde");
  const { value, error } = model.evaluateError(energies);
  const curve = Array.from(value, (v, i) => v * factor(energies[i]));
  const withBand = options.errorBand ?? true;
  const upper = Array.from(value, (v, i) => (v + error[i]) * factor(energies[i]));
  const lower = Array.from(value, (v, i) => (v - error[i]) * factor(energies[i]));
  const points = (options.fluxPoints ?? []).map((p) => scalePoint(p, factor(p.energy)));

  const plotted = [...curve, ...(withBand ? [...upper, ...lower] : []), ...points.flatMap((p) => [p.low, p.high])];
  const positive = plotted.filter((v) => v > 0 && Number.isFinite(v));
  if (!positive.length)
    throw new RangeError(`spectrumSvg: the model has no positive ${name} in [${emin}, ${emax}] TeV`);
  const pointEnergies = points.flatMap((p) => [p.energyMin, p.energyMax]);
  const energyRange: [number, number] = [Math.min(emin, ...pointEnergies), Math.max(emax, ...pointEnergies)];
  const valueRange: [number, number] = [Math.min(...positive) / 1.5, Math.max(...positive) * 1.5];

  const logPos = (v: number, [lo, hi]: readonly [number, number]) => Math.log(v / lo) / Math.log(hi / lo);
  const toSvg = (energy: number, v: number): [number, number] => [
    PLOT.x + logPos(energy, energyRange) * PLOT.width,
    PLOT.y + PLOT.height - logPos(Math.max(v, valueRange[0] / 10), valueRange) * PLOT.height,
  ];
  const xy = (es: ArrayLike<number>, vs: readonly number[]) => {
    const sx = Array.from(es, (e, i) => toSvg(e, vs[i])[0]);
    const sy = Array.from(es, (e, i) => toSvg(e, vs[i])[1]);
    return pathData(sx, sy);
  };
  const band = withBand
    ? element("path", {
        d: `${xy(energies, upper)}${xy([...energies].reverse(), [...lower].reverse()).replace(/^M/, "L")}Z`,
        fill: "#000000",
        "fill-opacity": 0.2,
        stroke: "none",
        class: "error-band",
      })
    : "";
  const clipId = `${options.idPrefix ?? ""}plot-area`;
  const clip = element("clipPath", { id: clipId }, element("rect", { ...PLOT }));
  const width = PLOT.x + PLOT.width + 24;
  const height = PLOT.y + PLOT.height + 56;
  const content = [
    element("defs", {}, clip),
    options.title ? text(options.title, { x: PLOT.x, y: 26, "font-size": FONT.title, "font-weight": "bold" }) : "",
    element(
      "g",
      { "clip-path": `url(#${clipId})` },
      band,
      element("path", { d: xy(energies, curve), fill: "none", stroke: LINE, "stroke-width": 1.8, class: "model" }),
      ...points.map((p) => drawPoint(p, toSvg)),
    ),
    axes(energyRange, valueRange, toSvg, `${name} [${formatUnit(unit)}]`),
    legend(options.label ?? model.tag[0], withBand, points.length > 0),
  ];
  const layout: SpectrumPlotLayout = { plot: PLOT, energyRange, valueRange, unit, toSvg };
  return { svg: svgDocument(width, height, content, options), width, height, layout };
}

interface ScaledPoint {
  readonly energy: number;
  readonly energyMin: number;
  readonly energyMax: number;
  readonly value: number;
  readonly low: number;
  readonly high: number;
  readonly isUpperLimit: boolean;
}

function scalePoint(p: FluxPoint, factor: number): ScaledPoint {
  const errn = p.dndeErrn ?? 0;
  const errp = p.dndeErrp ?? errn;
  const limit = p.isUpperLimit ?? false;
  return {
    energy: p.energy,
    energyMin: p.energyMin ?? p.energy,
    energyMax: p.energyMax ?? p.energy,
    value: p.dnde * factor,
    low: limit ? (p.dnde * factor) / 2 : (p.dnde - errn) * factor,
    high: limit ? p.dnde * factor : (p.dnde + errp) * factor,
    isUpperLimit: limit,
  };
}

/** A marker with error bars; an upper limit as a bar with an arrow down to half the limit. */
function drawPoint(p: ScaledPoint, toSvg: (e: number, v: number) => [number, number]): string {
  const [x, y] = toSvg(p.energy, p.value);
  const [x0] = toSvg(p.energyMin, p.value);
  const [x1] = toSvg(p.energyMax, p.value);
  const stroke = { stroke: POINTS, "stroke-width": 1.4, fill: "none" };
  if (p.isUpperLimit) {
    const [, yLow] = toSvg(p.energy, p.low);
    const arrow = `M${num(x0)} ${num(y)}H${num(x1)}M${num(x)} ${num(y)}V${num(yLow)}l-4 -6M${num(x)} ${num(yLow)}l4 -6`;
    return element("path", { ...stroke, d: arrow, class: "upper-limit" });
  }
  const [, yLow] = toSvg(p.energy, p.low);
  const [, yHigh] = toSvg(p.energy, p.high);
  return element(
    "g",
    { class: "flux-point" },
    element("path", { ...stroke, d: `M${num(x0)} ${num(y)}H${num(x1)}M${num(x)} ${num(yLow)}V${num(yHigh)}` }),
    element("circle", { cx: x, cy: y, r: 3.2, fill: POINTS }),
  );
}

function axes(
  energyRange: readonly [number, number],
  valueRange: readonly [number, number],
  toSvg: (e: number, v: number) => [number, number],
  yName: string,
): string {
  const bottom = PLOT.y + PLOT.height;
  const marks: string[] = [];
  const labels: string[] = [];
  for (const tick of logTicks(...energyRange)) {
    const [x] = toSvg(tick.value, valueRange[0]);
    const length = tick.major ? 6 : 3;
    marks.push(`M${num(x)} ${num(bottom)}v${-length}M${num(x)} ${num(PLOT.y)}v${length}`);
    if (tick.label) {
      labels.push(text(tick.label, { x, y: bottom + FONT.tick + 5, "font-size": FONT.tick, "text-anchor": "middle" }));
    }
  }
  for (const tick of logTicks(...valueRange)) {
    const [, y] = toSvg(energyRange[0], tick.value);
    const length = tick.major ? 6 : 3;
    marks.push(`M${num(PLOT.x)} ${num(y)}h${length}M${num(PLOT.x + PLOT.width)} ${num(y)}h${-length}`);
    if (tick.label) {
      const at = { x: PLOT.x - 6, y: y + FONT.tick * 0.35 };
      labels.push(text(tick.label, { ...at, "font-size": FONT.tick, "text-anchor": "end" }));
    }
  }
  const yNameX = 20;
  const centreY = PLOT.y + PLOT.height / 2;
  return [
    element("rect", { ...PLOT, fill: "none", stroke: INK }),
    element("path", { d: marks.join(""), stroke: INK }),
    ...labels,
    text("Energy [TeV]", {
      x: PLOT.x + PLOT.width / 2,
      y: bottom + 40,
      "font-size": FONT.label,
      "text-anchor": "middle",
    }),
    text(yName, {
      x: yNameX,
      y: centreY,
      "font-size": FONT.label,
      "text-anchor": "middle",
      transform: `rotate(-90 ${yNameX} ${num(centreY)})`,
    }),
  ].join("");
}

/** The legend in the upper right: the model line, its band, the flux points. */
function legend(label: string, withBand: boolean, withPoints: boolean): string {
  const x = PLOT.x + PLOT.width - 190;
  let y = PLOT.y + 18;
  const rows: string[] = [];
  const entry = (symbol: string, content: string) => {
    rows.push(symbol, text(content, { x: x + 30, y: y + 4, "font-size": FONT.tick }));
    y += 18;
  };
  entry(element("path", { d: `M${x} ${y}h22`, stroke: LINE, "stroke-width": 1.8 }), label);
  if (withBand)
    entry(element("rect", { x, y: y - 5, width: 22, height: 10, fill: "#000000", "fill-opacity": 0.2 }), "1σ");
  if (withPoints) entry(element("circle", { cx: x + 11, cy: y, r: 3.2, fill: POINTS }), "flux points");
  return element("g", { class: "legend" }, ...rows);
}
