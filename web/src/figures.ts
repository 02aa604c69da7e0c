import { formatUnit, skyImageSvg, type MapDataset, type WcsNDMap, type ZlibCompressor } from "@gammaflow/core";
import type { QuickLookMaps, QuickLookTotals } from "./quick-look.js";

/** A sky image as the page shows it: SVG text and a description for readers who cannot see it. */
export interface Figure {
  name: keyof QuickLookMaps;
  svg: string;
  alt: string;
}

const STYLE: Record<keyof QuickLookMaps, { title: string; colormap: string; stretch?: "sqrt" }> = {
  counts: { title: "Counts", colormap: "viridis", stretch: "sqrt" },
  exposure: { title: "Exposure", colormap: "viridis" },
  background: { title: "Background", colormap: "viridis" },
  excess: { title: "Excess (counts − background)", colormap: "viridis" },
  significance: { title: "Li & Ma significance (√TS)", colormap: "RdBu_r" },
};

/** The span of a dataset's energy axis, "1–10 TeV" (3 significant digits). */
export function energyRangeText(dataset: MapDataset): string {
  const energy = dataset.counts.geom.axisByName("energy");
  const round = (v: number) => String(Number(v.toPrecision(3)));
  return `${round(energy.edges[0])}–${round(energy.edges[energy.nbin])} ${energy.unit || "TeV"}`;
}

/**
 * The figures of the stack's maps, with WCS axes, titled with the energy range and obs ids; each
 * SVG carries its description (`alt`), its ids prefixed with `idPrefix` and the map's name, its
 * raster compressed with `deflate` when given.
 */
export function figures(
  maps: QuickLookMaps,
  totals: Omit<QuickLookTotals, "runs">,
  energyRange: string,
  obsIds: readonly number[],
  options: { idPrefix?: string; deflate?: ZlibCompressor } = {},
): Figure[] {
  const ids = [...obsIds].sort((a, b) => a - b);
  const subtitle = `${energyRange} · ${ids.length > 6 ? `${ids.length} runs` : `obs ${ids.join(", ")}`}`;
  return (Object.keys(STYLE) as Array<keyof QuickLookMaps>).map((name) => {
    const map = maps[name];
    const style = STYLE[name];
    const unit = map.unit ? ` [${formatUnit(map.unit)}]` : "";
    const alt = describe(name, map, totals, subtitle);
    const { svg } = skyImageSvg(map, {
      colormap: style.colormap,
      stretch: style.stretch,
      title: style.title,
      subtitle,
      colorBarLabel: `${name}${unit}`,
      alt,
      idPrefix: `${options.idPrefix ?? ""}${name}-`,
      deflate: options.deflate,
    });
    return { name, svg, alt };
  });
}

function describe(
  name: keyof QuickLookMaps,
  map: WcsNDMap,
  totals: Omit<QuickLookTotals, "runs">,
  subtitle: string,
): string {
  const { geom } = map;
  const { lon, lat } = geom.centerSkydir;
  const frame = geom.frame === "galactic" ? ["l", "b"] : ["RA", "Dec"];
  const where =
    `${geom.nx} × ${geom.ny} pixels centred on ${frame[0]} ${lon.toFixed(2)}°, ` +
    `${frame[1]} ${lat.toFixed(2)}° (${subtitle})`;
  const [peakLon, peakLat] = totals.peakAt;
  const value: Record<keyof QuickLookMaps, string> = {
    counts: `${Math.round(totals.counts)} counts in the safe region`,
    exposure: `exposure in ${map.unit || "m2 s"}`,
    background: `${totals.background.toFixed(1)} background counts predicted`,
    excess: `an excess of ${totals.excess.toFixed(1)} counts`,
    significance:
      `peak ${totals.peakSignificance.toFixed(2)} σ at ${frame[0]} ${peakLon.toFixed(3)}°, ` +
      `${frame[1]} ${peakLat.toFixed(3)}°`,
  };
  return `${STYLE[name].title} map of the stack, ${where}: ${value[name]}.`;
}
