/**
 * The HEIC decoder thread's code, as source so that Node runs it as it is whichever runner (tsx, vitest) started
 * the server. It decodes one file per message and transfers the pixels back.
 *
 * It calls libheif's C API in the WebAssembly module directly instead of through `heic-decode`, which had libheif
 * convert the whole image to RGBA inside the WebAssembly heap (48 MB for 12 MP, with its intermediate planes),
 * then copied it into a JS array and that into another. Here libheif hands over its native YCbCr 4:2:0 planes
 * (18 MB for 12 MP) and this code converts them to RGB while reading them from the heap, averaging 2x2 blocks (or
 * larger) when the caller needs fewer pixels: only the small result exists outside the heap, and the heap, which
 * never shrinks while the thread lives, stays smaller (23 MB instead of 70 for an iPhone 11 Pro photo; a
 * single-frame 12 MP HEVC image needs ~80 MB either way, for the decoder itself). Images with alpha, more than
 * 8 bits or an unusual colour matrix are left to libheif's own RGBA conversion.
 */
export const HEIC_WORKER_SOURCE = String.raw`
'use strict';
const fs = require('node:fs');
const { parentPort, workerData } = require('node:worker_threads');
// The build that reads its .wasm from a file: the one with it inlined as base64 costs a new thread ~19 MB, not ~10.
const M = require(workerData.libheif)({ wasmBinary: fs.readFileSync(workerData.libheif.replace(/\.js$/, '.wasm')) });

// libheif's enums (heif.h).
const YCBCR = 0, RGB = 1, CHROMA_420 = 1, INTERLEAVED_RGBA = 11, Y = 0, CB = 1, CR = 2, INTERLEAVED = 10;
// Kr and Kb of the H.273 matrix_coefficients codes; libheif takes any code it does not list as BT.601 too.
const KR_KB = { 1: [0.2126, 0.0722], 4: [0.3, 0.11], 7: [0.212, 0.087], 9: [0.2627, 0.0593], 10: [0.2627, 0.0593] };
// Identity (GBR), YCgCo, chromaticity-derived and ICtCp are not a Kr/Kb weighting: libheif converts those itself.
const OTHER_MATRICES = new Set([0, 8, 11, 12, 13, 14]);

const u32 = (pointer) => M.HEAPU32[pointer >> 2];

function cString(pointer) {
  const heap = M.HEAPU8;
  let end = pointer;
  while (heap[end]) end++;
  return Buffer.from(heap.subarray(pointer, end)).toString('utf8');
}

/** Calls a libheif function that returns a heif_error (through a pointer to it, as WebAssembly returns structs). */
function call(error, fn, ...args) {
  fn(error, ...args);
  if (M.HEAP32[error >> 2] !== 0) throw new Error(cString(u32(error + 8)) || 'libheif error ' + M.HEAP32[error >> 2]);
}

/** The power of two to divide both sides by while the long side stays at least minLongSide. */
function factor(width, height, minLongSide) {
  let f = 1;
  while (Math.max(width, height) / f >= 2 * minLongSide && Math.min(width, height) / f >= 2) f *= 2;
  return f;
}

/** [Kr, Kb, full range] when the pixels can be converted here; null to let libheif do it. */
function matrixOf(scratch, image) {
  if (M._heif_image_get_bits_per_pixel_range(image, Y) !== 8) return null;
  if (!M._heif_image_has_channel(image, CB) || !M._heif_image_has_channel(image, CR)) return null;
  M._heif_image_get_nclx_color_profile(scratch, image, scratch + 16);
  // Without an nclx profile libheif assumes sRGB's: BT.601, full range.
  if (M.HEAP32[scratch >> 2] !== 0) return [0.299, 0.114, true];
  const profile = u32(scratch + 16);
  const code = M.HEAP32[(profile + 12) >> 2];
  const full = M.HEAPU8[profile + 16] !== 0;
  M._heif_nclx_color_profile_free(profile);
  if (OTHER_MATRICES.has(code)) return null;
  const [kr, kb] = KR_KB[code] || [0.299, 0.114];
  return [kr, kb, full];
}

function plane(scratch, image, channel) {
  const pointer = M._heif_image_get_plane_readonly2(image, channel, scratch);
  return [pointer, u32(scratch)];
}

function fromYCbCr(scratch, image, [kr, kb, full], minLongSide) {
  const width = M._heif_image_get_width(image, Y), height = M._heif_image_get_height(image, Y);
  const f = factor(width, height, minLongSide);
  const [ow, oh] = [Math.floor(width / f), Math.floor(height / f)];
  const [yp, ys] = plane(scratch, image, Y), [bp, bs] = plane(scratch, image, CB), [rp, rs] = plane(scratch, image, CR);
  const kg = 1 - kr - kb;
  const [rCr, gCb, gCr, bCb] = [2 * (1 - kr), (2 * kb * (1 - kb)) / kg, (2 * kr * (1 - kr)) / kg, 2 * (1 - kb)];
  const [yScale, yOffset, cScale] = full ? [1, 0, 1] : [255 / 219, 16, 255 / 224];
  // One chroma sample per 2x2 luma block: a full-size pixel takes its block's, a reduced one averages them.
  const c = Math.max(1, f >> 1), lumaArea = f * f, chromaArea = c * c;
  const heap = M.HEAPU8, out = new Uint8ClampedArray(ow * oh * 3);
  for (let oy = 0, o = 0; oy < oh; oy++) {
    const cy = f === 1 ? oy >> 1 : oy * c;
    for (let ox = 0; ox < ow; ox++, o += 3) {
      let sy = 0, sb = 0, sr = 0;
      for (let j = 0, row = yp + oy * f * ys + ox * f; j < f; j++, row += ys) {
        for (let i = 0; i < f; i++) sy += heap[row + i];
      }
      const cx = f === 1 ? ox >> 1 : ox * c;
      for (let j = 0, b = bp + cy * bs + cx, r = rp + cy * rs + cx; j < c; j++, b += bs, r += rs) {
        for (let i = 0; i < c; i++) { sb += heap[b + i]; sr += heap[r + i]; }
      }
      const luma = (sy / lumaArea - yOffset) * yScale;
      const cb = (sb / chromaArea - 128) * cScale, cr = (sr / chromaArea - 128) * cScale;
      out[o] = luma + rCr * cr;
      out[o + 1] = luma - gCb * cb - gCr * cr;
      out[o + 2] = luma + bCb * cb;
    }
  }
  return { width, height, data: out, pixelWidth: ow, pixelHeight: oh, channels: 3 };
}

function fromRgba(scratch, image, minLongSide) {
  const width = M._heif_image_get_width(image, INTERLEAVED), height = M._heif_image_get_height(image, INTERLEAVED);
  const f = factor(width, height, minLongSide);
  const [ow, oh] = [Math.floor(width / f), Math.floor(height / f)];
  const [pointer, stride] = plane(scratch, image, INTERLEAVED);
  const heap = M.HEAPU8, out = new Uint8ClampedArray(ow * oh * 4), area = f * f;
  for (let oy = 0, o = 0; oy < oh; oy++) {
    for (let ox = 0; ox < ow; ox++, o += 4) {
      for (let ch = 0; ch < 4; ch++) {
        let sum = 0;
        for (let j = 0, at = pointer + oy * f * stride + ox * f * 4 + ch; j < f; j++, at += stride) {
          for (let i = 0; i < f; i++) sum += heap[at + i * 4];
        }
        out[o + ch] = sum / area;
      }
    }
  }
  return { width, height, data: out, pixelWidth: ow, pixelHeight: oh, channels: 4 };
}

function decodeAs(scratch, handle, colorspace, chroma) {
  call(scratch, M._heif_decode_image, handle, scratch + 16, colorspace, chroma, 0);
  return u32(scratch + 16);
}

/** The primary image of the file, read straight into the WebAssembly heap (no copy in a JS buffer). */
function decodeFile(path, minLongSide) {
  const scratch = M._malloc(32);
  let fd = -1, file = 0, context = 0, handle = 0, image = 0;
  try {
    fd = fs.openSync(path, 'r');
    const size = fs.fstatSync(fd).size;
    file = M._malloc(Math.max(size, 1));
    if (!file) throw new Error('Out of memory for a file of ' + size + ' bytes.');
    for (let done = 0; done < size; ) {
      const n = fs.readSync(fd, M.HEAPU8, file + done, size - done, done);
      if (n === 0) throw new Error('The file ended early (unexpected end of file).');
      done += n;
    }
    context = M._heif_context_alloc();
    call(scratch, M._heif_context_read_from_memory_without_copy, context, file, size, 0);
    call(scratch, M._heif_context_get_primary_image_handle, context, scratch + 16);
    handle = u32(scratch + 16);
    const plain =
      !workerData.libheifConversion &&
      !M._heif_image_handle_has_alpha_channel(handle) &&
      M._heif_image_handle_get_luma_bits_per_pixel(handle) === 8 &&
      M._heif_image_handle_get_chroma_bits_per_pixel(handle) === 8;
    if (plain) {
      image = decodeAs(scratch, handle, YCBCR, CHROMA_420);
      const matrix = matrixOf(scratch, image);
      if (matrix) return fromYCbCr(scratch, image, matrix, minLongSide);
      M._heif_image_release(image);
      image = 0;
    }
    image = decodeAs(scratch, handle, RGB, INTERLEAVED_RGBA);
    return fromRgba(scratch, image, minLongSide);
  } finally {
    if (image) M._heif_image_release(image);
    if (handle) M._heif_image_handle_release(handle);
    if (context) M._heif_context_free(context);
    if (file) M._free(file);
    M._free(scratch);
    if (fd >= 0) fs.closeSync(fd);
  }
}

parentPort.on('message', ({ id, path, minLongSide }) => {
  try {
    const pixels = decodeFile(path, minLongSide);
    const data = new Uint8Array(pixels.data.buffer);
    parentPort.postMessage({ id, ...pixels, data, heapBytes: M.HEAPU8.length }, [data.buffer]);
  } catch (err) {
    parentPort.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
    // An abort inside the WebAssembly code leaves the module unusable: end the thread, the next call starts anew.
    if (err instanceof WebAssembly.RuntimeError) setImmediate(() => process.exit(1));
  }
});
parentPort.postMessage({ ready: true });
`;
