import type { SkyCoord } from "../coords/index.js";
import {
  WcsNDMap,
  type AngleInput,
  type AxisSelection,
  type CutoutMode,
  type PairInput,
  type WcsGeom,
} from "../maps/index.js";
import { wstat, wstatMuBkg } from "../stats/wstat.js";
import { getRandomState, type RandomStateInit } from "../random/index.js";
import { MapDataset, poissonMap, type MapDatasetCreateOptions } from "./map-dataset.js";

const FLOAT32_MAX = 3.4028234663852886e38;

/** numpy's nan_to_num for one value of a map of `dtype`: NaN → 0, ±inf → ± the dtype's largest. */
function nanToNum(v: number, dtype: string): number {
  if (Number.isNaN(v)) return 0;
  if (v === Infinity) return dtype === "float32" ? FLOAT32_MAX : Number.MAX_VALUE;
  if (v === -Infinity) return dtype === "float32" ? -FLOAT32_MAX : -Number.MAX_VALUE;
  return v;
}

/** A new map on `like`'s geometry whose value i is f(i) (float32 like gammapy's off maps unless told). */
function mapFrom(like: WcsNDMap, f: (i: number) => number, dtype: "float32" | "float64" = "float32"): WcsNDMap {
  const out = WcsNDMap.fromGeom(like.geom, { dtype });
  for (let i = 0; i < out.data.length; i++) out.data[i] = f(i);
  return out;
}

export interface OnOffMaps {
  countsOff?: WcsNDMap;
  /** A map, or a number for the same value everywhere. */
  acceptance?: WcsNDMap | number;
  acceptanceOff?: WcsNDMap | number;
  name?: string;
}

/**
 * A map dataset for on-off analyses (gammapy 1.0's `MapDatasetOnOff`): besides the counts, the
 * off counts and the on and off acceptances, whose ratio α = acceptance / acceptance_off
 * scales off counts to the on region. The background is α·counts_off; fits use WStat.
 */
export class MapDatasetOnOff extends MapDataset {
  countsOff?: WcsNDMap;
  acceptance?: WcsNDMap;
  acceptanceOff?: WcsNDMap;

  override get tag(): string {
    return "MapDatasetOnOff";
  }

  /**
   * From a map dataset and off maps (gammapy's `from_map_dataset`): scalar acceptances become
   * maps; without off counts they are inferred from the dataset's background, background / α.
   */
  static fromMapDataset(dataset: MapDataset, maps: OnOffMaps): MapDatasetOnOff {
    const geom = dataset.counts.geom;
    const asMap = (a: WcsNDMap | number | undefined) =>
      typeof a === "number" ? mapFrom(dataset.counts, () => a, "float64") : a;
    const acceptance = asMap(maps.acceptance);
    const acceptanceOff = asMap(maps.acceptanceOff);
    let countsOff = maps.countsOff;
    const background = dataset.npredBackground();
    if (!countsOff && background && acceptance && acceptanceOff) {
      countsOff = mapFrom(
        background,
        (i) => background.data[i] / (acceptance.data[i] / acceptanceOff.data[i]),
        "float64",
      );
    }
    const { counts, exposure, psf, edisp, maskSafe, maskFit, gti, meta } = dataset;
    const out = new MapDatasetOnOff({
      name: maps.name ?? dataset.name,
      counts,
      exposure,
      psf,
      edisp,
      maskSafe,
      maskFit,
      gti,
      meta,
    });
    for (const [label, m] of [
      ["counts_off", countsOff],
      ["acceptance", acceptance],
      ["acceptance_off", acceptanceOff],
    ] as const) {
      if (m && !m.geom.equals(geom))
        throw new Error(
          `MapDatasetOnOff '${out.name}': ${label} has shape ${m.geom.dataShape.join("×")}, ` +
            `counts ${geom.dataShape.join("×")}`,
        );
    }
    out.countsOff = countsOff;
    out.acceptance = acceptance;
    out.acceptanceOff = acceptanceOff;
    return out;
  }

  /** Empty maps on `geom`, off counts and acceptances zero (gammapy's `create` / `from_geoms`). */
  static override create(geom: WcsGeom, options: MapDatasetCreateOptions = {}): MapDatasetOnOff {
    const base = MapDataset.create(geom, options);
    const zeros = () => WcsNDMap.fromGeom(geom);
    return MapDatasetOnOff.fromMapDataset(base, {
      countsOff: zeros(),
      acceptance: zeros(),
      acceptanceOff: zeros(),
      name: base.name,
    });
  }

  override get statType(): string {
    return "wstat";
  }

  /** acceptance / acceptance_off, with numpy's nan_to_num (0/0 → 0, x/0 → the largest float). */
  get alpha(): WcsNDMap | undefined {
    const { acceptance: on, acceptanceOff: off } = this;
    if (!on || !off) return undefined;
    const dtype = on.dtype === "float64" || off.dtype === "float64" ? "float64" : "float32";
    // loops of their own (see the end of the file), not mapFrom's callback: a stack computes α, α·off
    // and the acceptances over every bin for each run (RX J1713 ring chain, 12 runs: stack node
    // 274–292 → 173–180 ms)
    const out = WcsNDMap.fromGeom(on.geom, { dtype });
    if (dtype === "float32") ratioFloat32Into(out.data, on.data, off.data);
    else ratioInto(out.data, on.data, off.data);
    return out;
  }

  /**
   * Fake on and off counts (gammapy 1.0's `MapDatasetOnOff.fake`): on = Poisson(npred signal) +
   * Poisson(`npredBackground`), off = Poisson(`npredBackground` / α), drawn in that order from one
   * generator. Takes gammapy's order, `fake(npredBackground, randomState)`, or the seed first as
   * `MapDataset.fake` does: the argument that is a map is the background.
   */
  override fake(first: RandomStateInit | WcsNDMap = "random-seed", second?: RandomStateInit | WcsNDMap): void {
    const [npredBackground, randomState] =
      first instanceof WcsNDMap ? [first, second ?? "random-seed"] : [second, first];
    if (npredBackground !== undefined && !(npredBackground instanceof WcsNDMap))
      throw new Error(`MapDatasetOnOff '${this.name}'.fake: one argument must be the background map`);
    if (randomState instanceof WcsNDMap)
      throw new Error(`MapDatasetOnOff '${this.name}'.fake: two maps given, one random state expected`);
    if (!npredBackground) throw new Error(`MapDatasetOnOff '${this.name}'.fake: needs the background in the on region`);
    const alpha = this.alpha;
    if (!alpha) throw new Error(`MapDatasetOnOff '${this.name}'.fake: no acceptance and acceptance_off (no α)`);
    const random = getRandomState(randomState);
    const signal = poissonMap(this.npredSignal(), random);
    const background = poissonMap(npredBackground, random);
    for (let i = 0; i < signal.data.length; i++) signal.data[i] += background.data[i];
    this.counts = signal;
    // numpy divides float32 maps in float32
    const single = npredBackground.dtype === "float32" && alpha.dtype === "float32";
    const off = mapFrom(
      npredBackground,
      (i) => {
        const v = npredBackground.data[i] / alpha.data[i];
        return single ? Math.fround(v) : v;
      },
      single ? "float32" : "float64",
    );
    this.countsOff = poissonMap(off, random);
  }

  /** α · counts_off: the background the off counts imply (gammapy's `background` property). */
  backgroundFromOff(): WcsNDMap | undefined {
    const alpha = this.alpha;
    const off = this.countsOff;
    if (!alpha || !off) return undefined;
    const out = WcsNDMap.fromGeom(off.geom, {
      dtype: alpha.dtype === "float64" || off.dtype === "float64" ? "float64" : "float32",
    });
    productInto(out.data, alpha.data, off.data);
    return out;
  }

  /**
   * The background predicted in the on region by profiling the WStat likelihood (gammapy's
   * `npred_background`): α·μ_bkg(n_on, n_off, α, μ_sig), μ_sig the sky models' npred (0 without).
   */
  override npredBackground(): WcsNDMap | undefined {
    const alpha = this.alpha;
    const off = this.countsOff;
    if (!alpha || !off) return undefined;
    const on = this.counts.data;
    const signal = this.models ? this.npredSignal().data : undefined;
    return mapFrom(
      this.counts,
      (i) => nanToNum(alpha.data[i] * wstatMuBkg(on[i], off.data[i], alpha.data[i], signal?.[i] ?? 0), "float64"),
      "float64",
    );
  }

  /** gammapy prints an on-off dataset's WStat even without sky models (μ_sig = 0). */
  protected override summaryStat(): number {
    return this.countsOff && this.acceptance && this.acceptanceOff ? this.statSum() : NaN;
  }

  protected override summaryBackground(): WcsNDMap | undefined {
    return this.backgroundFromOff();
  }

  protected override extraSummary(): string[] {
    const sum = (m?: WcsNDMap) => (m ? m.sum().toFixed(0) : "nan");
    const row = (label: string, value: string) => `  ${label.padEnd(32)}: ${value} `;
    return [
      "",
      row("Total counts_off", sum(this.countsOff)),
      row("Acceptance", sum(this.acceptance)),
      row("Acceptance off", sum(this.acceptanceOff)),
    ];
  }

  /** WStat summed over the fit bins, μ_sig the sky models' npred (0 without); NaN bins count as 0, as gammapy. */
  override statSum(): number {
    const alpha = this.alpha;
    const off = this.countsOff;
    if (!alpha || !off)
      throw new Error(`MapDatasetOnOff '${this.name}': WStat needs counts_off, acceptance and acceptance_off`);
    const mask = this.mask;
    const signal = this.models ? this.npredSignal().data : undefined;
    let total = 0;
    for (let i = 0; i < this.counts.data.length; i++) {
      if (mask && !mask[i]) continue;
      const v = wstat(this.counts.data[i], off.data[i], alpha.data[i], signal?.[i] ?? 0);
      if (Number.isFinite(v)) total += v;
    }
    return total;
  }

  private get isStackable(): boolean {
    const incomplete = !this.acceptanceOff || !this.acceptance || !this.countsOff;
    const unmasked = !this.maskSafe || this.maskSafe.data.some((v) => v !== 0);
    return !(incomplete && unmasked);
  }

  /**
   * Stack another on-off dataset in place (gammapy 1.0's rules): off counts add within each
   * safe mask, and α becomes the off-count-weighted mean, α = Σ α_i·OFF_i / Σ OFF_i, stored as
   * acceptance = 1 and acceptance_off = 1/α (bins without off counts take the mean α over all
   * bins). v0.15 stacked the acceptances themselves, which biased α: not followed.
   */
  override stack(other: MapDataset): void {
    if (!(other instanceof MapDatasetOnOff))
      throw new TypeError(`MapDatasetOnOff '${this.name}' can only stack on-off datasets, not '${other.name}'`);
    if (!this.isStackable || !other.isStackable)
      throw new Error(
        `cannot stack incomplete MapDatasetOnOff ('${this.name}' or '${other.name}' lacks counts_off or acceptances)`,
      );
    const geom = this.counts.geom;
    const totalOff = WcsNDMap.fromGeom(geom);
    const totalAlpha = WcsNDMap.fromGeom(geom);
    for (const d of [this, other]) {
      if (!d.countsOff) continue;
      const alphaOff = d.backgroundFromOff()!;
      totalOff.stack(nanZero(d.countsOff), d.maskSafe);
      totalAlpha.stack(nanZero(alphaOff), d.maskSafe);
    }
    const averageAlpha = sumOf(totalAlpha.data) / sumOf(totalOff.data);
    const acceptanceOff = WcsNDMap.fromGeom(geom);
    inverseAlphaInto(acceptanceOff.data, totalOff.data, totalAlpha.data, 1 / averageAlpha);
    this.acceptanceOff = acceptanceOff;
    this.acceptance = WcsNDMap.fromGeom(geom);
    this.acceptance.data.fill(1);
    this.countsOff = totalOff;
    super.stack(other);
  }

  override copy(name?: string): MapDatasetOnOff {
    return this.withOffMaps(super.copy(name), (m) => m.copy());
  }

  override cutout(
    position: SkyCoord,
    width: PairInput<AngleInput>,
    mode: CutoutMode = "trim",
    name?: string,
  ): MapDatasetOnOff {
    return this.withOffMaps(super.cutout(position, width, mode, name), (m) => m.cutout(position, width, mode));
  }

  /** Sliced as `MapDataset.sliceByIdx`, the off counts and acceptances too (gammapy 1.0's). */
  override sliceByIdx(selection: AxisSelection, name?: string): MapDatasetOnOff {
    return this.withOffMaps(super.sliceByIdx(selection, name), (m) => m.sliceByIdx(selection));
  }

  override sliceByEnergy(energyMin?: number | string, energyMax?: number | string, name?: string): MapDatasetOnOff {
    return super.sliceByEnergy(energyMin, energyMax, name) as MapDatasetOnOff;
  }

  /**
   * Summed over reconstructed energy (gammapy 1.0's `to_image` via `resample_energy_axis`):
   * off counts and acceptance summed within the safe mask, acceptance_off set so that α
   * reproduces the summed background, acceptance · counts_off / Σ α·counts_off.
   */
  override toImage(name?: string): MapDatasetOnOff {
    const image = super.toImage(name);
    const squash = (m: WcsNDMap | undefined) => m && this.imageOf(m);
    const countsOff = squash(this.countsOff);
    const acceptance = squash(this.acceptance);
    const norm = squash(this.backgroundFromOff());
    const acceptanceOff =
      acceptance && countsOff && norm
        ? mapFrom(acceptance, (i) => Math.fround((acceptance.data[i] * countsOff.data[i]) / norm.data[i]))
        : undefined;
    return MapDatasetOnOff.fromMapDataset(image, { countsOff, acceptance, acceptanceOff, name: image.name });
  }

  private withOffMaps(base: MapDataset, f: (m: WcsNDMap) => WcsNDMap): MapDatasetOnOff {
    const out = MapDatasetOnOff.fromMapDataset(base, {
      countsOff: this.countsOff && f(this.countsOff),
      acceptance: this.acceptance && f(this.acceptance),
      acceptanceOff: this.acceptanceOff && f(this.acceptanceOff),
      name: base.name,
    });
    return out;
  }
}

function nanZero(map: WcsNDMap): WcsNDMap {
  if (allFinite(map.data)) return map;
  const out = WcsNDMap.fromGeom(map.geom, { dtype: map.dtype === "float64" ? "float64" : "float32" });
  finiteOrZeroInto(out.data, map.data);
  return out;
}

// The per-bin loops of α, α·off, nanZero and `stack` as functions of their own: each runs once
// per run, and inline V8 ran them unoptimised while recompiling the caller for on-stack
// replacement (several times a chain).

type Values = ArrayLike<number>;
type Writable = { readonly length: number; [i: number]: number };

/** out = nan_to_num(a / b) in float32. */
function ratioFloat32Into(out: Writable, a: Values, b: Values): void {
  for (let i = 0; i < out.length; i++) out[i] = nanToNum(Math.fround(a[i] / b[i]), "float32");
}

/** out = nan_to_num(a / b). */
function ratioInto(out: Writable, a: Values, b: Values): void {
  for (let i = 0; i < out.length; i++) out[i] = nanToNum(a[i] / b[i], "float64");
}

/** out = a · b. */
function productInto(out: Writable, a: Values, b: Values): void {
  for (let i = 0; i < out.length; i++) out[i] = a[i] * b[i];
}

/** Whether every value is finite. */
function allFinite(values: Values): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return false;
  return true;
}

/** out = values, non-finite ones as 0. */
function finiteOrZeroInto(out: Writable, values: Values): void {
  for (let i = 0; i < values.length; i++) out[i] = Number.isFinite(values[i]) ? values[i] : 0;
}

/** The values' sum, in order. */
function sumOf(values: Values): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return sum;
}

/** out = off / (α·off) rounded to float32 (1/α), or `empty` where there are no off counts. */
function inverseAlphaInto(out: Writable, off: Values, alphaOff: Values, empty: number): void {
  for (let i = 0; i < out.length; i++) out[i] = off[i] === 0 ? empty : Math.fround(off[i] / alphaOff[i]);
}
