import type { HduSpec } from "../src/fits/index.js";

/** HDUs covering every type the writer supports; scripts/fits-write-samples.mjs writes the same for astropy. */
export function sampleHdus(): HduSpec[] {
  return [
    {
      kind: "image",
      data: new Float32Array([1.5, -2, 3e-30, 4]),
      shape: [2, 2],
      header: [
        { key: "OBJECT", value: "Crab Nebula", comment: "target" },
        { key: "LONGTEXT", value: `${"x".repeat(150)} O'Neil` },
        { key: "RA_PNT", value: 83.63333129882812 },
        { key: "TINY", value: 1e-300 },
        { key: "COUNT", value: 7 },
        { key: "FLAG", value: false },
        { key: "HUGE", value: 2n ** 62n },
        { key: "A.LONG-KEYWORD", value: "hierarch" },
        { key: "COMMENT", comment: "written by gammaflow" },
      ],
    },
    { kind: "image", name: "INT16", data: new Int16Array([-3, 0, 32767]), shape: [3] },
    { kind: "image", name: "INT32", data: new Int32Array([-2147483648, 5, 6, 7, 8, 9]), shape: [2, 3] },
    { kind: "image", name: "INT64", data: new BigInt64Array([-(2n ** 63n), 2n ** 53n + 1n]), shape: [2] },
    { kind: "image", name: "F64", data: new Float64Array([Math.PI, -0, Number.MAX_VALUE, 5e-324]), shape: [1, 2, 2] },
    { kind: "image", name: "BYTES", data: new Uint8Array([0, 255]), shape: [2] },
    {
      kind: "bintable",
      name: "EVENTS",
      columns: [
        { name: "EVENT_ID", format: "K", data: new BigInt64Array([1n, 2n ** 40n, -5n]) },
        { name: "RA", format: "E", unit: "deg", data: new Float32Array([83.6, 83.7, 83.8]) },
        { name: "ENERGY", format: "D", unit: "TeV", data: new Float64Array([1.25, 10, 0.3]) },
        { name: "TEL", format: "I", data: new Int16Array([1, 2, 4]) },
        { name: "MULT", format: "J", data: new Int32Array([2, 3, 4]) },
        { name: "QUAL", format: "B", data: new Uint8Array([0, 1, 255]) },
        { name: "OK", format: "L", data: new Uint8Array([1, 0, 1]) },
        { name: "NAME", format: "8A", data: ["crab", "", "pks2155"] },
        { name: "VEC", format: "6D", dim: [2, 3], data: new Float64Array(18).map((_, i) => i / 3) },
      ],
      header: [{ key: "HDUCLAS1", value: "EVENTS" }],
    },
  ];
}
