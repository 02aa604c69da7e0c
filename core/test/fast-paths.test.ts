// The specialised paths used by the per-observation reduction give bit for bit what the
// general code (or a direct reference implementation) gives — except log-scaled values,
// whose exponential is fastExp there (≤ 2 ulp from Math.exp): those agree within 1e-15.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ScaledRegularGridInterpolator, type InterpScale } from "../src/utils/interpolation/index.js";
import { normalizeAlongAxis } from "../src/utils/normalize.js";
import { EnergyDispersion2D, Irf, transposeReverse } from "../src/irf/index.js";
import { MapAxis, WcsGeom, WcsNDMap } from "../src/maps/index.js";
import { solidAngleFromCorners } from "../src/maps/solid-angle.js";
import { decodeStrided } from "../src/fits/codec.js";
import { maskOnGeom } from "../src/datasets/index.js";
import { DEG2RAD, positionAngleRad, separationRad, SkyCoord } from "../src/coords/index.js";
import { fastExp } from "../src/utils/fast-exp.js";
import { random, sameBits } from "./fixtures.js";

/** Equal bit for bit, or (finite, same sign) within `rel` relative. */
function same(a: number, b: number, rel: number): boolean {
  return Object.is(a, b) || (Number.isFinite(a) && Number.isFinite(b) && Math.abs(a - b) <= rel * Math.abs(b));
}

/** `sameBits` for log-scaled values: within 1e-15 (fastExp). */
function sameLog(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  assert.equal(a.length, b.length, `${what}: lengths`);
  for (let i = 0; i < a.length; i++) assert.ok(same(a[i], b[i], 1e-15), `${what}[${i}]: ${a[i]} vs ${b[i]}`);
}

/** `first` × `rest` expanded to full query arrays, in evaluateOuter's [first][point] order. */
function expand(first: number[], rest: number[][]): number[][] {
  const m = rest[0].length;
  const query: number[][] = [[], ...rest.map(() => [] as number[])];
  for (const f of first) {
    for (let i = 0; i < m; i++) {
      query[0].push(f);
      rest.forEach((r, d) => query[d + 1].push(r[i]));
    }
  }
  return query;
}

for (const ndim of [2, 3]) {
  for (const scale of ["lin", "log", "sqrt"] as InterpScale[]) {
    for (const shared of [true, false]) {
      test(
        `evaluateOuter equals evaluate on the expanded grid (${ndim}-d, ` +
          `${scale} values, ${shared ? "first values sharing cells" : "one cell each"})`,
        () => {
          const rnd = random(ndim * 7 + scale.length + (shared ? 1 : 0));
          const points = [
            Array.from({ length: shared ? 5 : 40 }, (_, i) => 0.1 * 1.5 ** i),
            Array.from({ length: 6 }, (_, i) => i * 0.5),
            Array.from({ length: 4 }, (_, i) => i - 1),
          ].slice(0, ndim);
          const size = points.reduce((n, p) => n * p.length, 1);
          const values = Array.from({ length: size }, () => rnd() * 10 - (scale === "lin" ? 2 : 0));
          const interp = new ScaledRegularGridInterpolator(points, values, {
            pointsScale: ["log", "lin", "lin"].slice(0, ndim) as InterpScale[],
            valuesScale: scale,
          });
          // unsorted first values, below and beyond the grid, and a NaN
          const first = [0.05, 0.3, 0.31, 0.32, 1, 0.2, 1e3, NaN, 0.4];
          const m = 50;
          const rest = points
            .slice(1)
            .map((p) => Array.from({ length: m }, () => -0.5 + rnd() * (p[p.length - 1] - p[0] + 1) + p[0]));
          rest[0][3] = NaN;
          const rel = scale === "log" ? 1e-15 : 0;
          for (const clip of [true, false]) {
            const want = interp.evaluate(expand(first, rest), { clip });
            (scale === "log" ? sameLog : sameBits)(interp.evaluateOuter(first, rest, { clip }), want, `clip ${clip}`);
            // skipped points may hold anything; all others are unchanged
            const skip = new Uint8Array(m).map((_, i) => (i % 3 === 0 ? 1 : 0));
            const got = interp.evaluateOuter(first, rest, { clip, skip });
            for (let j = 0; j < first.length; j++) {
              for (let i = 0; i < m; i++)
                if (!skip[i]) assert.ok(same(got[j * m + i], want[j * m + i], rel), `skip: [${j}, ${i}]`);
            }
            // with a fill value: non-finite results and skipped points hold it
            const filled = interp.evaluateOuter(first, rest, { clip, skip, fill: -7 });
            for (let j = 0; j < first.length; j++) {
              for (let i = 0; i < m; i++) {
                const w = want[j * m + i];
                assert.ok(same(filled[j * m + i], skip[i] || !Number.isFinite(w) ? -7 : w, rel), `fill: [${j}, ${i}]`);
              }
            }
          }
        },
      );
    }
  }
}

test("Irf.evaluateOuter equals Irf.evaluate, with fill values (also EDisp's outside rule)", () => {
  const rnd = random(3);
  const energy = MapAxis.fromBounds(0.1, 100, 12, { name: "energy_true", unit: "TeV", interp: "log" });
  const migra = MapAxis.fromBounds(0.2, 5, 10, { name: "migra", unit: "" });
  const offset = MapAxis.fromBounds(0, 2.5, 5, { name: "offset", unit: "deg" });
  const data = Float64Array.from({ length: 12 * 10 * 5 }, () => (rnd() < 0.1 ? 0 : rnd()));
  const irfs = [
    new Irf("edisp-like", [energy, migra, offset], data, "", undefined, { fillValue: 0 }),
    new EnergyDispersion2D("edisp_2d", [energy, migra, offset], data, "", undefined, { fillValue: 0 }),
    new Irf("log", [energy, migra, offset], data, "", undefined, { fillValue: 0, valuesScale: "log" }),
    new Irf("extrapolating", [energy, migra, offset], data, "", undefined, { fillValue: null }),
  ];
  const first = [0.05, 0.5, 1, 2, 50, 200];
  const m = 60;
  const migras = Array.from({ length: m }, () => rnd() * 6);
  const offsets = Array.from({ length: m }, () => rnd() * 3.2);
  for (const irf of irfs) {
    const [e, mi, o] = expand(first, [migras, offsets]);
    const want = irf.evaluate({ energy_true: e, migra: mi, offset: o });
    const check = irf.interp.valuesScale === "log" ? sameLog : sameBits;
    check(irf.evaluateOuter(first, { migra: migras, offset: offsets }), want, irf.tag);
    // into a larger reused buffer: a view of its start
    const buffer = new Float64Array(want.length + 5).fill(123);
    const got = irf.evaluateOuter(first, { migra: migras, offset: offsets }, { out: buffer });
    assert.equal(got.buffer, buffer.buffer);
    check(got, want, `${irf.tag} (out)`);
    assert.equal(buffer[want.length], 123);
  }
  // four axes: the interpolator's general path, with skipped points and fill
  const extra = MapAxis.fromBounds(-1, 1, 3, { name: "extra", unit: "" });
  const irf4 = new Irf(
    "4-d",
    [energy, migra, offset, extra],
    Float64Array.from({ length: 12 * 10 * 5 * 3 }, () => rnd()),
    "",
    undefined,
    { fillValue: 0.5 },
  );
  const extras = Array.from({ length: m }, () => rnd() * 2.4 - 1.2);
  const [e, mi, o, x] = expand(first, [migras, offsets, extras]);
  sameBits(
    irf4.evaluateOuter(first, { migra: migras, offset: offsets, extra: extras }),
    irf4.evaluate({ energy_true: e, migra: mi, offset: o, extra: x }),
    "4-d",
  );
});

test("normalizeAlongAxis equals the line-by-line running integral", () => {
  const rnd = random(11);
  const n = 7;
  const inner = 13;
  const outer = 3;
  const width = Array.from({ length: n }, () => rnd());
  const centers = Array.from({ length: n }, () => rnd());
  for (const jacobian of [undefined, centers]) {
    const data = Float32Array.from({ length: outer * n * inner }, (_, i) => (i % 17 === 0 ? 0 : rnd()));
    data.fill(0, 0, 1); // (o=0, i=0) line partly zero
    for (let k = 0; k < n; k++) data[(1 * n + k) * inner + 2] = 0; // an all-zero line becomes 0
    const want = Float32Array.from(data);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        let acc = 0;
        let max = -Infinity;
        for (let k = 0; k < n; k++) {
          acc += want[(o * n + k) * inner + i] * width[k] * (jacobian ? 2 * Math.PI * jacobian[k] : 1);
          if (acc > max) max = acc;
        }
        for (let k = 0; k < n; k++) {
          const at = (o * n + k) * inner + i;
          const v = want[at] / max;
          want[at] = Number.isFinite(v) ? v : 0;
        }
      }
    }
    normalizeAlongAxis(data, n, inner, width, jacobian);
    sameBits(data, want, jacobian ? "rad" : "migra");
  }
});

test("geometries with the same grid share pixel positions and solid angles; separations are fresh arrays", () => {
  const a = WcsGeom.create({ skydir: [10, -20], width: 1, binsz: 0.1 });
  const b = WcsGeom.create({
    skydir: [10, -20],
    width: 1,
    binsz: 0.1,
    axes: [MapAxis.fromBounds(1, 10, 2, { name: "energy", unit: "TeV", interp: "log" })],
  });
  const c = WcsGeom.create({ skydir: [10, -20.1], width: 1, binsz: 0.1 });
  assert.equal(a.gridKey, b.gridKey);
  assert.notEqual(a.gridKey, c.gridKey);
  sameBits(b.imageCoord().lon, a.imageCoord().lon, "lon");
  assert.notDeepEqual([...c.imageCoord().lat], [...a.imageCoord().lat]);
  const edges = a.imageCoord("edges");
  sameBits(b.solidAngle(), solidAngleFromCorners(edges.lon, edges.lat, a.nx, a.ny), "solid angle");
  const center = new SkyCoord(10.2, -20.1);
  const s1 = a.separation(center);
  s1.fill(-1);
  const s2 = b.separation(center);
  assert.ok(s2.every((v) => v >= 0));
  sameBits(s2, a.separation(center), "separation");
});

test("WcsNDMap.stack: float32/float64/bool maps with weights and unit factors as the elementwise rule", () => {
  const rnd = random(5);
  const axis = MapAxis.fromBounds(1, 10, 3, { name: "energy", unit: "TeV", interp: "log" });
  const parent = WcsGeom.create({ skydir: [0, 0], npix: [8, 6], binsz: 0.1, axes: [axis] });
  const cut = parent.cutout(new SkyCoord(0.15, 0.05), 0.4);
  for (const [targetType, sourceType, unit] of [
    ["float32", "float32", "m2 s"],
    ["float32", "float64", "cm2 s"],
    ["float64", "float32", "m2 s"],
    ["bool", "bool", ""],
  ] as const) {
    const target = WcsNDMap.fromGeom(parent, { dtype: targetType, unit: targetType === "bool" ? "" : "m2 s" });
    target.data.forEach((_, i) => (target.data[i] = targetType === "bool" ? i % 2 : rnd()));
    const source = WcsNDMap.fromGeom(cut, { dtype: sourceType, unit });
    source.data.forEach(
      (_, i) => (source.data[i] = sourceType === "bool" ? (i % 3 === 0 ? 1 : 0) : i % 11 === 0 ? NaN : rnd()),
    );
    const weights = WcsNDMap.fromGeom(cut.toImage(), { dtype: "bool" });
    weights.data.forEach((_, i) => (weights.data[i] = i % 4 === 0 ? 0 : 1));
    for (const w of [undefined, weights]) {
      const got = target.copy();
      got.stack(source, w);
      const want = target.copy();
      const factor = unit === "cm2 s" ? 1e-4 : 1;
      want.overlapRows(source, (selfStart, otherStart, length) => {
        for (let i = 0; i < length; i++) {
          let v = source.data[otherStart + i] * factor;
          if (!Number.isFinite(v)) v = 0;
          if (w) v *= w.data[(otherStart + i) % cut.imageSize];
          want.data[selfStart + i] += v;
        }
      });
      for (let i = 0; i < want.data.length; i++)
        assert.ok(
          Math.abs(got.data[i] - want.data[i]) <= 1e-12 * Math.abs(want.data[i]) ||
            Object.is(got.data[i], want.data[i]),
          `${targetType}←${sourceType} [${i}]`,
        );
    }
  }
});

test("maskOnGeom: the cached pixel mapping gives the same mask again, for other mask values too", () => {
  const fine = WcsGeom.create({ skydir: [83.6, 22], width: 2, binsz: 0.02 });
  const coarse = fine.toBinsz(0.2);
  const mask = WcsNDMap.fromGeom(fine, { dtype: "bool" });
  mask.data.forEach((_, i) => (mask.data[i] = i % 7 < 4 ? 1 : 0));
  const first = maskOnGeom(mask, coarse);
  const { lon, lat } = coarse.precise().imageCoord("center");
  const values = mask.getByIdx(fine.precise().coordToIdx({ lon, lat, frame: coarse.frame }));
  sameBits(
    first.data,
    Uint8Array.from(values, (v) => (v ? 1 : 0)),
    "first",
  );
  mask.data.forEach((_, i) => (mask.data[i] = 1 - mask.data[i]));
  const again = maskOnGeom(mask, coarse);
  const values2 = mask.getByIdx(fine.precise().coordToIdx({ lon, lat, frame: coarse.frame }));
  sameBits(
    again.data,
    Uint8Array.from(values2, (v) => (v ? 1 : 0)),
    "again",
  );
});

test("transposeReverse and short-cell column decoding equal their general forms", () => {
  const data = Float64Array.from({ length: 2 * 3 * 4 }, (_, i) => i);
  const t3 = transposeReverse(data, [2, 3, 4]);
  for (let i = 0; i < 2; i++)
    for (let j = 0; j < 3; j++)
      for (let k = 0; k < 4; k++) assert.equal(t3[(k * 3 + j) * 2 + i], data[(i * 3 + j) * 4 + k]);
  const t2 = transposeReverse(data, [4, 6]);
  for (let i = 0; i < 4; i++) for (let k = 0; k < 6; k++) assert.equal(t2[k * 4 + i], data[i * 6 + k]);
  // rows of 10 bytes: a 2×float32 cell at byte 1, another 3-byte field around it
  const rows = 5;
  const bytes = new Uint8Array(rows * 10);
  const view = new DataView(bytes.buffer);
  for (let r = 0; r < rows; r++) {
    view.setFloat32(r * 10 + 1, r + 0.5, false);
    view.setFloat32(r * 10 + 5, -r, false);
  }
  assert.deepEqual([...decodeStrided(bytes, 1, 10, rows, "f32", 2)], [0.5, -0, 1.5, -1, 2.5, -2, 3.5, -3, 4.5, -4]);
  const wide = new Uint8Array(rows * 80);
  const wideView = new DataView(wide.buffer);
  for (let r = 0; r < rows; r++) for (let c = 0; c < 9; c++) wideView.setFloat64(r * 80 + 8 + c * 8, r * 10 + c, false);
  assert.deepEqual(
    [...decodeStrided(wide, 8, 80, rows, "f64", 9)],
    Array.from({ length: rows * 9 }, (_, i) => Math.floor(i / 9) * 10 + (i % 9)),
  );
});

test("solidAngleFromCorners (sides shared between pixels, no angles formed) equals the per-pixel triangles", () => {
  const geoms = [
    WcsGeom.create({ skydir: [83.6, 22], npix: [7, 5], binsz: 0.3 }),
    WcsGeom.create({ skydir: [10, 80], npix: [6, 9], binsz: 1.5, proj: "TAN", frame: "galactic" }),
    WcsGeom.create({ skydir: [0, 0], npix: [4, 180], binsz: 1 }), // corner rows at the poles: sides of length 0
  ];
  for (const geom of geoms) {
    const { lon, lat } = geom.imageCoord("edges");
    const { nx, ny } = geom;
    const stride = nx + 1;
    const want = new Float64Array(nx * ny);
    for (let iy = 0; iy < ny; iy++) {
      for (let ix = 0; ix < nx; ix++) {
        const c = [iy * stride + ix, (iy + 1) * stride + ix, iy * stride + ix + 1, (iy + 1) * stride + ix + 1].map(
          (i) => [lon[i] * DEG2RAD, lat[i] * DEG2RAD],
        );
        const [[l0, b0], [l1, b1], [l2, b2], [l3, b3]] = c;
        const low = separationRad(l0, b0, l1, b1);
        const left = separationRad(l0, b0, l2, b2);
        const up = separationRad(l2, b2, l3, b3);
        const right = separationRad(l1, b1, l3, b3);
        const angleLowRight = positionAngleRad(l1, b1, l3, b3) - positionAngleRad(l1, b1, l0, b0);
        const angleUpLeft = positionAngleRad(l2, b2, l3, b3) - positionAngleRad(l0, b0, l2, b2);
        want[iy * nx + ix] = Math.abs(
          0.5 * low * right * Math.sin(angleLowRight) + 0.5 * up * left * Math.sin(angleUpLeft),
        );
      }
    }
    // the same formula up to rounding: position angles enter through their sine and cosine
    const got = solidAngleFromCorners(lon, lat, nx, ny);
    for (let i = 0; i < want.length; i++) {
      assert.ok(
        Math.abs(got[i] - want[i]) <= 1e-13 * Math.abs(want[i]),
        `${geom.projection} ${nx}×${ny} pixel ${i}: ${got[i]} vs ${want[i]}`,
      );
    }
  }
});

test("evaluateOuter with many unsorted first values sharing few cells (plane recycling) equals evaluate", () => {
  const rnd = random(21);
  const points = [Array.from({ length: 8 }, (_, i) => i), Array.from({ length: 5 }, (_, i) => i * 0.3)];
  const values = Array.from({ length: 40 }, () => rnd());
  const interp = new ScaledRegularGridInterpolator(points, values);
  // nodes visited out of order so that the least recently inserted plane is reused
  // (at 6.5 the plane of node 6 is the least recently inserted one when node 7 is needed)
  const first = [3.5, 5.5, 2.5, 1.5, 6.5, 3.6, 5.6, 2.6, 1.6, 6.6, 0.5, 4.5];
  const rest = [Array.from({ length: 30 }, () => rnd() * 1.2)];
  sameBits(interp.evaluateOuter(first, rest), interp.evaluate(expand(first, rest)), "recycled planes");
});

test(
  "evaluateOuter's logOut: the logarithm each log-scaled " + "value was computed from, NaN where filled or unknown",
  () => {
    const rnd = random(11);
    const energy = MapAxis.fromBounds(0.1, 100, 12, { name: "energy", unit: "TeV", interp: "log" });
    const lon = MapAxis.fromBounds(-2.5, 2.5, 10, { name: "fov_lon", unit: "deg" });
    const lat = MapAxis.fromBounds(-2.5, 2.5, 10, { name: "fov_lat", unit: "deg" });
    // zeros too: their logarithm is clipped at float32's tiny, results that small become 0
    const data = Float64Array.from({ length: 12 * 10 * 10 }, () => (rnd() < 0.05 ? 0 : rnd() * 1e-3));
    const bkg = new Irf("bkg-like", [energy, lon, lat], data, "s-1 MeV-1 sr-1", undefined, {
      fillValue: 0,
      valuesScale: "log",
    });
    const edges = [0.05, 0.3, 1, 1.5, 10, 90, 200];
    const m = 80;
    const lons = Array.from({ length: m }, () => rnd() * 6 - 3);
    const lats = Array.from({ length: m }, () => rnd() * 6 - 3);
    lons[5] = NaN;
    const logs = new Float64Array(edges.length * m);
    const values = bkg.evaluateOuter(edges, { fov_lon: lons, fov_lat: lats }, { logOut: logs });
    const plain = bkg.evaluateOuter(edges, { fov_lon: lons, fov_lat: lats });
    sameBits(values, plain, "values with and without logOut");
    let known = 0;
    for (let i = 0; i < values.length; i++) {
      if (Number.isNaN(logs[i])) continue;
      known++;
      const v = fastExp(logs[i]);
      assert.ok(
        Object.is(values[i], v) || (values[i] === 0 && v <= 2 * 1.1754943508222875e-38),
        `[${i}]: ${values[i]} from log ${logs[i]}`,
      );
    }
    assert.ok(known > values.length / 3, `${known} known logs`);
    // outside the spatial edges, beyond the energy edges and at NaN: filled, log unknown
    for (let j = 0; j < edges.length; j++) {
      for (let i = 0; i < m; i++) {
        const outside =
          Math.abs(lons[i]) > 2.5 ||
          Math.abs(lats[i]) > 2.5 ||
          Number.isNaN(lons[i]) ||
          edges[j] < 0.1 ||
          edges[j] > 100;
        if (outside) assert.ok(values[j * m + i] === 0 && Number.isNaN(logs[j * m + i]), `outside [${j}, ${i}]`);
      }
    }
    // a lin-scaled IRF has no logarithms to give
    const lin = new Irf("lin", [energy, lon, lat], data, "", undefined, { fillValue: 0 });
    lin.evaluateOuter(edges, { fov_lon: lons, fov_lat: lats }, { logOut: logs });
    assert.ok(logs.every((l) => Number.isNaN(l)));
  },
);
