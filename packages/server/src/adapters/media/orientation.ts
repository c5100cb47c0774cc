import type { Sharp } from 'sharp';

/**
 * Applies an EXIF orientation by hand, for pixels whose decoder cannot see the tag (raw pixels from the HEIC
 * decoder, JPEG previews cut out of RAW files, EXIF thumbnails). sharp always mirrors after it rotates, which
 * the transposing orientations 5 and 7 rely on.
 */
export function applyOrientation(image: Sharp, orientation: number | null | undefined): Sharp {
  switch (orientation) {
    case 2:
      return image.flop();
    case 3:
      return image.rotate(180);
    case 4:
      return image.flip();
    case 5:
      return image.rotate(90).flop();
    case 6:
      return image.rotate(90);
    case 7:
      return image.rotate(270).flop();
    case 8:
      return image.rotate(270);
    default:
      return image;
  }
}

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
