import type { Sharp } from 'sharp';

/**
 * Applies an EXIF orientation by hand, for pixels whose decoder cannot see the tag (raw pixels from the HEIC
 * decoder, JPEG previews cut out of RAW files, EXIF thumbnails). sharp always mirrors after it rotates, which
 * the transposing orientations 5 and 7 rely on.
 */
export function applyOrientation(image: Sharp, orientation: number | null | undefined): Sharp {
  const transform = orientation ? TRANSFORMS[orientation] : undefined;
  return transform ? transform(image) : image;
}

const TRANSFORMS: Record<number, (image: Sharp) => Sharp> = {
  2: (image) => image.flop(),
  3: (image) => image.rotate(180),
  4: (image) => image.flip(),
  5: (image) => image.rotate(90).flop(),
  6: (image) => image.rotate(90),
  7: (image) => image.rotate(270).flop(),
  8: (image) => image.rotate(270),
};

/** Display size of a `width` x `height` image shown with `orientation`: 5–8 turn it by a quarter. */
export function orientedSize(
  width: number,
  height: number,
  orientation: number | null | undefined,
): { width: number; height: number } {
  return orientation !== null && orientation !== undefined && orientation >= 5 && orientation <= 8
    ? { width: height, height: width }
    : { width, height };
}
