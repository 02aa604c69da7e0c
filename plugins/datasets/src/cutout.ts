import { createCutout, type MapDataset } from "@gammaflow/core";
import { AngleOrPair, definePlugin, Enum, perMessage, Type, type ObservationMessage } from "@gammaflow/pipeline";

/**
 * The reference dataset of each observation: the target geometry cut around its pointing
 * (gammapy's `stacked.cutout(obs.pointing_radec, width)`), which the map maker then fills.
 */
export const cutoutPlugin = definePlugin({
  name: "cutout",
  version: "0.1.0",
  description: "Cut the target geometry around each observation's pointing; the map maker fills the cutout",
  params: Type.Object(
    {
      width: AngleOrPair({ description: 'width around each pointing (or [lon, lat] widths), e.g. "6 deg"' }),
      mode: Enum(["trim", "partial"], {
        default: "trim",
        description: "trim at the geometry's edges or keep partial pixels",
      }),
    },
    { additionalProperties: false },
  ),
  input: ["observation"],
  output: ["observation"],
  needs: ["geom"],
  create(params, context) {
    const { run } = context;
    return perMessage<ObservationMessage>(context, (message) => {
      if (!run.geom) throw new Error("this graph needs a target geometry: set inputs.geom");
      const target = run.geom;
      const pointing = message.observation.pointingRadec;
      const { width, mode } = params;
      const cut = <T>(f: () => T): T => {
        try {
          return f();
        } catch (error) {
          // e.g. "Arrays do not overlap.": say which run, pointing and width
          throw new Error(
            `${message.observation.label}: a ${JSON.stringify(width)} deg cutout around its pointing ` +
              `(RA ${pointing.lon}, Dec ${pointing.lat} deg) cannot be cut from the target geometry: ` +
              (error as Error).message,
            { cause: error },
          );
        }
      };
      // The geometry is checked now, so a run that misses it is this node's error record; the
      // maps are made when first read: with a worker pool the worker makes its own.
      cut(() => target.cutout(pointing, width, mode));
      let reference: MapDataset | undefined;
      return {
        ...message,
        get reference() {
          // the empty target's cutout, made on the cut geometries (nothing to copy from an empty target)
          reference ??= cut(() =>
            createCutout(target, run.dataset ?? {}, pointing, width, mode, `obs-${message.obsId}`),
          );
          return reference;
        },
        cutout: { lon: pointing.lon, lat: pointing.lat, frame: pointing.frame, width, mode },
      };
    });
  },
});
