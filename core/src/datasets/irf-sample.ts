/**
 * gammapy 1.0's row sampling of IRF maps (`PSFMap.sample_coord`, `EDispMap.sample_coord`): for
 * each event, the map's values along one axis at the event's position and true energy, and one
 * value drawn from them. Rows are built `CHUNK` events at a time, so memory is CHUNK × the axis's
 * bins, not events × bins (gammapy issue #5112).
 */
import { transformFrame } from "../coords/index.js";
import type { MapCoord, WcsNDMap } from "../maps/index.js";
import { InverseCDFSampler, type RandomState } from "../random/index.js";
import { tunedPaths } from "../utils/kernel-paths.js";

const CHUNK = 20000;

/**
 * One coordinate of `axisName` per entry of `coord` (lon/lat in `coord.frame`, or the map's frame;
 * `energy_true` in the map's unit), drawn from the map's values at the axis's nodes × `weights`.
 * Returns values in the axis unit.
 */
export function sampleAlongAxis(
  map: WcsNDMap,
  coord: MapCoord,
  axisName: string,
  randomState: RandomState,
  weights?: Float64Array,
): Float64Array {
  const n = coord.size;
  const axis = map.geom.axisByName(axisName);
  const nodes = axis.center;
  const m = nodes.length;
  const energyTrue = coord.axis("energy_true");
  if (!energyTrue) throw new Error(`sampling '${axisName}': the coordinates have no 'energy_true'`);
  const out = new Float64Array(n);
  const [first, second] = map.geom.axes;
  const direct = tunedPaths() && map.geom.axes.length === 2 && first.name === axisName && second.name === "energy_true";
  const frame = coord.frame ?? map.geom.frame;
  for (let from = 0; from < n; from += CHUNK) {
    const rows = Math.min(CHUNK, n - from);
    const lon = coord.lon.subarray(from, from + rows);
    const lat = coord.lat.subarray(from, from + rows);
    const position = frame === map.geom.frame ? { lon, lat } : transformFrame(lon, lat, frame, map.geom.frame);
    const energy = energyTrue.subarray(from, from + rows);
    const pdf = direct
      ? rowPdfs(map, position.lon, position.lat, energy, m)
      : map.interpByCoord({
          lon: repeatEach(position.lon, m),
          lat: repeatEach(position.lat, m),
          frame: map.geom.frame,
          energy_true: repeatEach(energy, m),
          [axisName]: tile(nodes, rows),
        });
    if (weights) for (let i = 0; i < rows * m; i++) pdf[i] *= weights[i % m];
    const sampler = new InverseCDFSampler(pdf, [rows, m], { axis: 1, randomState });
    out.set(axis.pixToCoord(sampler.sampleAxis()), from);
  }
  return out;
}

/**
 * The map's values along its first axis (at its m nodes) for each event's position and true
 * energy, as `interpByCoord` gives them (linear in the
 * pixel coordinates, extrapolated from the edge cells): the sky and energy pixel found once per
 * event instead of once per value, and 8 corners instead of 16.
 */
function rowPdfs(
  map: WcsNDMap,
  lon: Float64Array,
  lat: Float64Array,
  energy: ArrayLike<number>,
  m: number,
): Float64Array {
  const geom = map.geom;
  const { nx, ny } = geom;
  const rows = lon.length;
  const { x, y } = geom.wcs.worldToPix(lon, lat);
  const e = geom.axes[1].coordToPix(energy);
  const ne = geom.axes[1].nbin;
  const data = map.data;
  const out = new Float64Array(rows * m);
  const xs = new Float64Array(4);
  const idx = new Int32Array(8);
  const w = new Float64Array(8);
  for (let r = 0; r < rows; r++) {
    // lower cell and position in it along x, y and energy (n = 1: the one node, weight 1)
    cellOf(x[r], nx, xs, 0);
    cellOf(y[r], ny, xs, 2);
    const [x0, tx, y0, ty] = xs;
    cellOf(e[r], ne, xs, 0);
    const [e0, te] = xs;
    let k = 0;
    for (let de = 0; de < 2; de++)
      for (let dy = 0; dy < 2; dy++)
        for (let dx = 0; dx < 2; dx++) {
          const ie = Math.min(e0 + de, ne - 1);
          const iy = Math.min(y0 + dy, ny - 1);
          const ix = Math.min(x0 + dx, nx - 1);
          idx[k] = (ie * m * ny + iy) * nx + ix;
          w[k++] = (de ? te : 1 - te) * (dy ? ty : 1 - ty) * (dx ? tx : 1 - tx);
        }
    const plane = ny * nx;
    const [i0, i1, i2, i3, i4, i5, i6, i7] = idx;
    const [w0, w1, w2, w3, w4, w5, w6, w7] = w;
    const row = r * m;
    for (let j = 0, o = 0; j < m; j++, o += plane) {
      out[row + j] =
        w0 * data[i0 + o] +
        w1 * data[i1 + o] +
        w2 * data[i2 + o] +
        w3 * data[i3 + o] +
        w4 * data[i4 + o] +
        w5 * data[i5 + o] +
        w6 * data[i6 + o] +
        w7 * data[i7 + o];
    }
  }
  return out;
}

/** Linear interpolation cell of pixel coordinate p on n nodes: [lower node, weight of the upper] into out[at…]. */
function cellOf(p: number, n: number, out: Float64Array, at: number): void {
  if (n === 1) {
    out[at] = 0;
    out[at + 1] = 0;
    return;
  }
  const i = Math.min(Math.max(Math.floor(p), 0), n - 2);
  out[at] = i;
  out[at + 1] = p - i;
}

/** Each value repeated m times. */
function repeatEach(values: ArrayLike<number>, m: number): Float64Array {
  const out = new Float64Array(values.length * m);
  for (let r = 0; r < values.length; r++) out.fill(values[r], r * m, (r + 1) * m);
  return out;
}

/** `values` repeated `times` times. */
function tile(values: Float64Array, times: number): Float64Array {
  const out = new Float64Array(values.length * times);
  for (let r = 0; r < times; r++) out.set(values, r * values.length);
  return out;
}
