// The media technology adapter: what a photo file is, what it says about itself, and how to show it.
export { DETECT_BYTES, detectMediaType } from './detect.ts';
export { refineTiffType } from './tiff.ts';
export { readPhotoMetadata } from './metadata.ts';
export {
  configureMedia,
  renderDerivatives,
  renderImages,
  THUMBNAIL_HEIGHT,
  THUMBNAIL_MAX_WIDTH,
  type MediaConfig,
} from './render.ts';
export { PREVIEW_LONG_SIDE, heicDecoder, loadHeicDecoder } from './decoders.ts';
export { MAX_INPUT_PIXELS } from './failure.ts';
export type {
  DerivativeResult,
  MediaFamily,
  MediaType,
  PhotoMetadata,
  RenderedImages,
  RenderInput,
  RenderOutput,
  RenderSource,
} from './types.ts';
