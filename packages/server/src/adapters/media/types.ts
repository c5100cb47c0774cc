/** How Shoebox decodes a file. Every family maps to one decoding path in `render.ts`. */
export type MediaFamily = 'jpeg' | 'png' | 'webp' | 'gif' | 'heif' | 'avif' | 'tiff' | 'raw';

export interface MediaType {
  mime: string;
  ext: string;
  family: MediaFamily;
}

export interface PhotoMetadata {
  /** ISO 8601 local wall time 'YYYY-MM-DDTHH:mm:ss(.sss)' as the camera wrote it, without an offset. */
  captureTime: string | null;
  /** '+08:00' from OffsetTimeOriginal, else OffsetTime (else the offset of an XMP date). */
  captureOffset: string | null;
  /** Only when the offset is known, or when the date came from XMP in UTC ('…Z'). */
  captureUtcMs: number | null;
  make: string | null;
  model: string | null;
  /** EXIF Orientation 1–8; 0 and out-of-range values are null. */
  orientation: number | null;
  /** Pixel size of the stored image, before orientation (what ExifTool calls ImageWidth/ImageHeight). */
  width: number | null;
  height: number | null;
  /** Signed decimal degrees; a fix of exactly 0,0 is treated as no fix. */
  gpsLatitude: number | null;
  gpsLongitude: number | null;
  /** Human-readable notes on what could not be read. Empty when everything went well. */
  problems: string[];
}

/**
 * Which pixels the derivatives were made from. Anything but 'original' means a smaller image stored inside the
 * file was used because the main image cannot be decoded here (RAW sensor data, an unreadable HEVC stream).
 */
export type RenderSource = 'original' | 'embedded-preview' | 'exif-thumbnail';

export type DerivativeResult =
  | {
      ok: true;
      /** Display size (orientation applied) of the image the derivatives were made from. */
      width: number;
      height: number;
      source: RenderSource;
    }
  | { ok: false; reason: string };

/** The thumbnail and preview JPEGs of one photo, or why there are none. */
export type RenderedImages =
  | (Extract<DerivativeResult, { ok: true }> & { preview: Buffer; thumbnail: Buffer })
  | Extract<DerivativeResult, { ok: false }>;

export interface RenderInput {
  path: string;
  type: MediaType;
  /**
   * EXIF orientation from `readPhotoMetadata`. Used only where the decoder cannot see it itself (HEIF without a
   * container rotation, RAW previews, EXIF thumbnails). `undefined` means "read it from the file".
   */
  orientation?: number | null;
}

export interface RenderOutput {
  thumbnailPath: string;
  previewPath: string;
}
