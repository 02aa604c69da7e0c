import { GTI, type TimeRef } from "../data/index.js";
import { MapAxis, Wcs2D, WcsGeom, WcsNDMap, type MapData, type MapDtype, type WcsParams } from "../maps/index.js";
import { edispFromMaps } from "./edisp.js";
import { MapDataset } from "./map-dataset.js";
import { MapDatasetOnOff } from "./map-dataset-onoff.js";
import { PSFMap } from "./psf-map.js";

/**
 * A dataset as plain data (structured-clone-able): what crosses to and from worker threads.
 * The map data keep their typed arrays, whose buffers are moved (listed in `transfer`), and
 * the geometries their exact numbers, so the dataset that arrives is the one that left.
 */
export interface PortableGeom {
  wcs: WcsParams;
  npix: [number, number];
  axes: Array<{
    nodes: Float64Array;
    name: string;
    unit: string;
    interp: MapAxis["interp"];
    nodeType: MapAxis["nodeType"];
  }>;
}

export interface PortableMap extends PortableGeom {
  data: MapData;
  unit: string;
  dtype: MapDtype;
  meta: Record<string, unknown>;
}

export interface PortableDataset {
  name: string;
  maps: Record<string, PortableMap | undefined>;
  gti: { start: Float64Array; stop: Float64Array; timeRef: TimeRef };
  meta: Record<string, unknown>;
  /** An on-off dataset's off counts and acceptances (a stack of ring-background datasets). */
  onOff?: Record<"countsOff" | "acceptance" | "acceptanceOff", PortableMap | undefined>;
}

/** A geometry as plain data, its numbers exact. */
export function geomToPortable(g: WcsGeom): PortableGeom {
  return {
    wcs: structuredClone(g.wcs.params) as WcsParams,
    npix: [g.nx, g.ny],
    axes: g.axes.map((a) => ({ nodes: a.nodes, name: a.name, unit: a.unit, interp: a.interp, nodeType: a.nodeType })),
  };
}

export function geomFromPortable(p: PortableGeom): WcsGeom {
  const axes = p.axes.map(
    (a) => new MapAxis(a.nodes, { name: a.name, unit: a.unit, interp: a.interp, nodeType: a.nodeType }),
  );
  return new WcsGeom(new Wcs2D(p.wcs), p.npix, axes);
}

function mapToPortable(map: WcsNDMap | undefined, transfer: ArrayBuffer[]): PortableMap | undefined {
  if (!map) return undefined;
  if (map.data.buffer instanceof ArrayBuffer && !transfer.includes(map.data.buffer)) transfer.push(map.data.buffer);
  return {
    ...geomToPortable(map.geom),
    data: map.data,
    unit: map.unit,
    dtype: map.dtype,
    meta: map.meta,
  };
}

function mapFromPortable(p: PortableMap | undefined): WcsNDMap | undefined {
  if (!p) return undefined;
  return new WcsNDMap(geomFromPortable(p), p.data, p.unit, p.dtype, p.meta);
}

/** The dataset as plain data and the buffers to move with it (the dataset must not be used afterwards). */
export function datasetToPortable(dataset: MapDataset): { portable: PortableDataset; transfer: ArrayBuffer[] } {
  const transfer: ArrayBuffer[] = [];
  const m = (map?: WcsNDMap) => mapToPortable(map, transfer);
  const portable: PortableDataset = {
    name: dataset.name,
    maps: {
      counts: m(dataset.counts),
      exposure: m(dataset.exposure),
      background: m(dataset.background),
      psf: m(dataset.psf?.psfMap),
      psfExposure: m(dataset.psf?.exposureMap),
      edisp: m(dataset.edisp?.edispMap),
      edispExposure: m(dataset.edisp?.exposureMap),
      maskSafe: m(dataset.maskSafe),
      maskFit: m(dataset.maskFit),
    },
    gti: { start: dataset.gti.start, stop: dataset.gti.stop, timeRef: dataset.gti.timeRef },
    meta: dataset.meta,
  };
  if (dataset instanceof MapDatasetOnOff)
    portable.onOff = {
      countsOff: m(dataset.countsOff),
      acceptance: m(dataset.acceptance),
      acceptanceOff: m(dataset.acceptanceOff),
    };
  return { portable, transfer };
}

export function datasetFromPortable(p: PortableDataset): MapDataset {
  const maps = p.maps;
  const psfMap = mapFromPortable(maps.psf);
  const edispMap = mapFromPortable(maps.edisp);
  const dataset = new MapDataset({
    name: p.name,
    counts: mapFromPortable(maps.counts)!,
    exposure: mapFromPortable(maps.exposure),
    background: mapFromPortable(maps.background),
    psf: psfMap && new PSFMap(psfMap, mapFromPortable(maps.psfExposure)),
    edisp: edispMap && edispFromMaps(edispMap, mapFromPortable(maps.edispExposure)),
    maskSafe: mapFromPortable(maps.maskSafe),
    maskFit: mapFromPortable(maps.maskFit),
    gti: new GTI(p.gti.start, p.gti.stop, p.gti.timeRef),
    meta: p.meta,
  });
  if (!p.onOff) return dataset;
  return MapDatasetOnOff.fromMapDataset(dataset, {
    countsOff: mapFromPortable(p.onOff.countsOff),
    acceptance: mapFromPortable(p.onOff.acceptance),
    acceptanceOff: mapFromPortable(p.onOff.acceptanceOff),
  });
}
