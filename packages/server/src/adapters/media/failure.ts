import { readTail } from './byte-source.ts';
import { messageOf } from './timeout.ts';
import type { MediaType } from './types.ts';

/** Images above this many pixels are refused before decoding: a 613-byte JPEG can claim 193x31431 pixels. */
export const MAX_INPUT_PIXELS = 200_000_000;

/** A failure whose message is already the sentence to show the user. */
export class RenderRefusal extends Error {
  override readonly name = 'RenderRefusal';
}

export function tooLarge(width: number, height: number): RenderRefusal {
  const megapixels = Math.round((width * height) / 1e6);
  return new RenderRefusal(
    `The image is too large: ${width}x${height} is ${megapixels} megapixels, above the limit of ${MAX_INPUT_PIXELS / 1e6}.`,
  );
}

export function truncated(type: MediaType): RenderRefusal {
  return new RenderRefusal(
    `The file is truncated: ${formatName(type)} data ends before the image is complete.`,
  );
}

// Checked in order: libjpeg reports corrupt scan data as "Corrupt JPEG data: premature end of data segment",
// which is damage, not truncation, so corruption is tested first.
const EXPLANATIONS: [RegExp, (type: MediaType) => string][] = [
  [
    /exceeds pixel limit/i,
    () => `The image is too large: it has more than ${MAX_INPUT_PIXELS / 1e6} megapixels.`,
  ],
  [
    /corrupt jpeg data|huffman|bad .*table|invalid .*code/i,
    (t) => `The ${formatName(t)} image data is corrupt.`,
  ],
  [/premature end|unexpected end|truncated|end of (file|stream)/i, (t) => truncated(t).message],
  [
    /unsupported image format|unknown file format/i,
    () => 'The file is not in an image format Shoebox can decode.',
  ],
];

/**
 * Words that say the file's structure is damaged. For a PNG they are checked after its end marker: libvips keeps the
 * decoder's words in a per-thread buffer, and under concurrent decodes a PNG cut in half was once reported with these
 * (CI), where its missing IEND says for certain that it is truncated. A JPEG without its EOI may be damaged before
 * the end (no SOF at all, say): there the words come first.
 */
const DAMAGED_STRUCTURE =
  /corrupt header|file structure|contains no image|bad seek|invalid (input|box|atom)/i;

/**
 * One sentence for the user on why `err` stopped the decoder. When the decoder's words are vague ("libpng read
 * error"), a file that lacks its format's closing marker is reported as truncated, which is the common cause.
 */
export async function explainFailure(err: unknown, path: string, type: MediaType): Promise<string> {
  if (err instanceof RenderRefusal) return err.message;
  const message = messageOf(err);
  const known = EXPLANATIONS.find(([pattern]) => pattern.test(message));
  if (known) return known[1](type);
  const damaged = DAMAGED_STRUCTURE.test(message);
  if (damaged && type.family !== 'png') return damagedStructure(type);
  if (await lacksEndMarker(path, type)) return truncated(type).message;
  if (damaged) return damagedStructure(type);
  // libvips keeps the decoder's own words in a per-thread buffer; under concurrent decodes they are sometimes
  // gone and only this generic line is left. A warning the decoder raised on a complete file is damaged data.
  if (/warning treated as error/i.test(message)) return `The ${formatName(type)} image data is corrupt.`;
  return `The ${formatName(type)} image could not be decoded (${message.replace(/\.$/, '')}).`;
}

function damagedStructure(type: MediaType): string {
  return `The ${formatName(type)} structure is damaged, so the image cannot be located in the file.`;
}

async function lacksEndMarker(path: string, type: MediaType): Promise<boolean> {
  try {
    if (type.family === 'png') return !(await readTail(path, 12)).includes('IEND');
    // Vendor data after the EOI is common (phones append tens of KB), so look a little way back.
    if (type.family === 'jpeg')
      return !(await readTail(path, 256 * 1024)).includes(Buffer.from([0xff, 0xd9]));
    return false;
  } catch {
    return false;
  }
}

export function formatName(type: MediaType): string {
  const names: Record<string, string> = { webp: 'WebP', raw: type.ext.toUpperCase() };
  return names[type.family] ?? type.family.toUpperCase();
}
