import { transformFrame, type Frame } from "./frames.js";
import { DEG2RAD, RAD2DEG, directionalOffset, positionAngleRad, separationRad, wrap360 } from "./sphere.js";

/** One sky position in degrees, in the icrs or galactic frame. */
export class SkyCoord {
  constructor(
    readonly lon: number,
    readonly lat: number,
    readonly frame: Frame = "icrs",
  ) {
    if (!Number.isFinite(lon) || !Number.isFinite(lat) || Math.abs(lat) > 90) {
      throw new Error(`SkyCoord: invalid position (${lon}, ${lat}) deg`);
    }
  }

  transformTo(frame: Frame): SkyCoord {
    if (frame === this.frame) return this;
    const t = transformFrame([this.lon], [this.lat], this.frame, frame);
    return new SkyCoord(t.lon[0], t.lat[0], frame);
  }

  /** Angular distance in degrees (other is transformed into this frame). */
  separation(other: SkyCoord): number {
    const o = other.transformTo(this.frame);
    return separationRad(this.lon * DEG2RAD, this.lat * DEG2RAD, o.lon * DEG2RAD, o.lat * DEG2RAD) * RAD2DEG;
  }

  /** Position angle of `other` east of north, degrees in [0, 360). */
  positionAngle(other: SkyCoord): number {
    const o = other.transformTo(this.frame);
    return wrap360(
      positionAngleRad(this.lon * DEG2RAD, this.lat * DEG2RAD, o.lon * DEG2RAD, o.lat * DEG2RAD) * RAD2DEG,
    );
  }

  directionalOffsetBy(positionAngle: number, separation: number): SkyCoord {
    const [lon, lat] = directionalOffset(this.lon, this.lat, positionAngle, separation);
    return new SkyCoord(lon, lat, this.frame);
  }

  toString(): string {
    return `SkyCoord(${this.frame}: ${this.lon}, ${this.lat} deg)`;
  }
}
