/**
 * A plain RGBA raster with rectangle filling and bitmap-font text.
 */
import type { Rgb } from "./colormap.js";
import { GLYPH_ADVANCE, glyph } from "./font.js";

/** A pixel rectangle; x to the right, y downwards from the top-left corner. */
export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export class Canvas {
  readonly rgba: Uint8Array;

  constructor(
    readonly width: number,
    readonly height: number,
    background: Rgb,
  ) {
    this.rgba = new Uint8Array(width * height * 4);
    this.fillRect({ x: 0, y: 0, width, height }, background);
  }

  /** Fill a rectangle with an opaque colour; parts outside the canvas are ignored. */
  fillRect(box: Box, color: Rgb): void {
    const x0 = Math.max(0, box.x);
    const x1 = Math.min(this.width, box.x + box.width);
    const y0 = Math.max(0, box.y);
    const y1 = Math.min(this.height, box.y + box.height);
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        const i = (y * this.width + x) * 4;
        this.rgba[i] = color[0];
        this.rgba[i + 1] = color[1];
        this.rgba[i + 2] = color[2];
        this.rgba[i + 3] = 255;
      }
    }
  }

  /** Draw a one-pixel outline just outside a box, leaving the box itself untouched. */
  outline(box: Box, color: Rgb): void {
    const { x, y, width, height } = box;
    this.fillRect({ x: x - 1, y: y - 1, width: width + 2, height: 1 }, color);
    this.fillRect({ x: x - 1, y: y + height, width: width + 2, height: 1 }, color);
    this.fillRect({ x: x - 1, y, width: 1, height }, color);
    this.fillRect({ x: x + width, y, width: 1, height }, color);
  }

  /** Draw text with its top-left corner at (x, y), each font pixel `size` x `size` canvas pixels. */
  drawText(text: string, x: number, y: number, size: number, color: Rgb): void {
    [...text].forEach((char, index) => {
      const left = x + index * GLYPH_ADVANCE * size;
      glyph(char).forEach((row, gy) =>
        row.forEach((ink, gx) => {
          if (ink) this.fillRect({ x: left + gx * size, y: y + gy * size, width: size, height: size }, color);
        }),
      );
    });
  }
}
