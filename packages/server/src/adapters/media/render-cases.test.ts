import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JPEG, PNG } from './detect.ts';
import {
  configureMedia,
  detectMediaType,
  readPhotoMetadata,
  renderDerivatives,
  type MediaType,
} from './index.ts';
import { readHead } from './test-corpus.ts';

// Cases the corpus lacks, built here: formats without a sample, hostile headers, and the output contract.
let dir = '';
beforeAll(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'shoebox-render-'));
});
afterAll(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

function outputs(name: string): { thumbnailPath: string; previewPath: string } {
  return {
    thumbnailPath: path.join(dir, `${name}.thumb.jpg`),
    previewPath: path.join(dir, `${name}.preview.jpg`),
  };
}

/** A picture whose halves differ, so rotation and mirroring show in the pixels. */
function halves(width: number, height: number): Sharp {
  const left = {
    input: { create: { width: Math.floor(width / 2), height, channels: 3 as const, background: '#ff0000' } },
  };
  return sharp({ create: { width, height, channels: 3, background: '#0000ff' } }).composite([
    { ...left, left: 0, top: 0 },
  ]);
}

async function detectFile(file: string): Promise<MediaType> {
  const type = detectMediaType(await readHead(file));
  if (!type) throw new Error(`${file} was not detected`);
  return type;
}

async function pixelAt(file: string, x: number, y: number): Promise<number[]> {
  const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
  const at = (y * info.width + x) * info.channels;
  return [...data.subarray(at, at + 3)];
}

describe('renderDerivatives beyond the corpus', () => {
  it('refuses a decompression bomb before decoding it', async () => {
    const jpeg = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#888' } })
      .jpeg()
      .toBuffer();
    const sof = jpeg.indexOf(Buffer.from([0xff, 0xc0]));
    jpeg.writeUInt16BE(20000, sof + 5); // height
    jpeg.writeUInt16BE(20000, sof + 7); // width: 400 megapixels claimed by a few hundred bytes
    const file = path.join(dir, 'bomb.jpg');
    await fsp.writeFile(file, jpeg);
    const result = await renderDerivatives({ path: file, type: JPEG }, outputs('bomb'));
    expect(result).toEqual({ ok: false, reason: 'The image is too large: it has more than 200 megapixels.' });
  });

  it('renders a RAW container from its embedded JPEG, turned by the orientation it is given', async () => {
    const preview = await halves(300, 200).jpeg().toBuffer();
    const header = Buffer.alloc(148);
    header.write('FUJIFILMCCD-RAW 0201FF383501', 0, 'latin1');
    // Sensor data around the preview, including a lossless-JPEG stream that must not be mistaken for a picture.
    const lossless = Buffer.from([
      0xff, 0xd8, 0xff, 0xc3, 0, 11, 8, 0, 16, 0, 16, 1, 1, 0x11, 0, 0xff, 0xda, 0, 8,
    ]);
    const file = path.join(dir, 'camera.raf');
    await fsp.writeFile(
      file,
      Buffer.concat([header, lossless, Buffer.alloc(4096, 7), preview, Buffer.alloc(4096, 9)]),
    );
    const type = await detectFile(file);
    expect(type.mime).toBe('image/x-fujifilm-raf');
    expect((await readPhotoMetadata(file, type)).problems).toEqual([
      'EXIF could not be read: Shoebox does not parse this RAW format.',
    ]);

    const upright = await renderDerivatives({ path: file, type, orientation: 1 }, outputs('raf-1'));
    expect(upright).toEqual({ ok: true, width: 300, height: 200, source: 'embedded-preview' });
    const turned = await renderDerivatives({ path: file, type, orientation: 6 }, outputs('raf-6'));
    expect(turned).toEqual({ ok: true, width: 200, height: 300, source: 'embedded-preview' });
    // Orientation 6 turns clockwise: the red left half ends up on top.
    expect(await pixelAt(outputs('raf-6').previewPath, 100, 20)).toEqual([
      expect.closeTo(255, -1.5),
      expect.closeTo(0, -1.5),
      expect.closeTo(0, -1.5),
    ]);
  });

  it.each([
    ['TIFF', (image: Sharp) => image.tiff(), 'image/tiff'],
    ['GIF', (image: Sharp) => image.gif(), 'image/gif'],
  ])('renders %s', async (name, encode, mime) => {
    const file = path.join(dir, `picture.${name.toLowerCase()}`);
    await encode(halves(2000, 1000)).toFile(file);
    const type = await detectFile(file);
    expect(type.mime).toBe(mime);
    expect(await renderDerivatives({ path: file, type }, outputs(name))).toEqual({
      ok: true,
      width: 2000,
      height: 1000,
      source: 'original',
    });
    expect(await sharp(outputs(name).previewPath).metadata()).toMatchObject({ width: 1440, height: 720 });
    expect(await sharp(outputs(name).thumbnailPath).metadata()).toMatchObject({ width: 500, height: 250 });
  });

  it('puts transparent pixels on white, since JPEG has no alpha', async () => {
    const file = path.join(dir, 'transparent.png');
    await sharp({
      create: { width: 40, height: 30, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } },
    })
      .png()
      .toFile(file);
    expect(await renderDerivatives({ path: file, type: PNG }, outputs('alpha'))).toMatchObject({ ok: true });
    expect(await pixelAt(outputs('alpha').previewPath, 20, 15)).toEqual([255, 255, 255]);
  });

  it('caps panorama thumbnails at 750 pixels wide and never enlarges', async () => {
    const file = path.join(dir, 'panorama.jpg');
    await halves(4000, 400).jpeg().toFile(file);
    expect(await renderDerivatives({ path: file, type: JPEG }, outputs('panorama'))).toMatchObject({
      ok: true,
    });
    expect(await sharp(outputs('panorama').previewPath).metadata()).toMatchObject({
      width: 1440,
      height: 144,
    });
    expect(await sharp(outputs('panorama').thumbnailPath).metadata()).toMatchObject({
      width: 750,
      height: 75,
    });
  });

  it('replaces earlier outputs whole, creates missing folders, and leaves no temporary files', async () => {
    const file = path.join(dir, 'replace.jpg');
    await halves(600, 400).jpeg().toFile(file);
    const nested = {
      thumbnailPath: path.join(dir, 'deep', 'a', 'thumb.jpg'),
      previewPath: path.join(dir, 'deep', 'b', 'preview.jpg'),
    };
    await fsp.mkdir(path.dirname(nested.previewPath), { recursive: true });
    await fsp.writeFile(nested.previewPath, 'stale');
    expect(await renderDerivatives({ path: file, type: JPEG }, nested)).toMatchObject({ ok: true });
    expect(await sharp(nested.previewPath).metadata()).toMatchObject({
      format: 'jpeg',
      width: 600,
      height: 400,
    });
    expect(await sharp(nested.thumbnailPath).metadata()).toMatchObject({ format: 'jpeg', height: 250 });
    const leftovers = [...(await fsp.readdir(path.join(dir, 'deep'), { recursive: true }))].filter((name) =>
      name.endsWith('.tmp'),
    );
    expect(leftovers).toEqual([]);
  });

  it('throws when the outputs cannot be written, because that is not the photo\u2019s fault', async () => {
    const file = path.join(dir, 'fine.jpg');
    await halves(60, 40).jpeg().toFile(file);
    const blocked = path.join(dir, 'a-file');
    await fsp.writeFile(blocked, '');
    const out = { thumbnailPath: path.join(blocked, 't.jpg'), previewPath: path.join(blocked, 'p.jpg') };
    await expect(renderDerivatives({ path: file, type: JPEG }, out)).rejects.toThrow(/ENOTDIR|EEXIST/);
  });

  it('reports a missing original as a failed render, not an exception', async () => {
    const result = await renderDerivatives({ path: path.join(dir, 'gone.jpg'), type: JPEG }, outputs('gone'));
    expect(result.ok ? 'rendered' : result.reason).toMatch(/^The .*\.$/);
  });
});

describe('configureMedia', () => {
  it('sets the libvips thread count and turns the operation cache off', () => {
    const before = sharp.concurrency();
    try {
      configureMedia({ threads: 2 });
      expect(sharp.concurrency()).toBe(2);
      expect(sharp.cache()).toMatchObject({ memory: { max: 0 }, items: { max: 0 }, files: { max: 0 } });
    } finally {
      sharp.concurrency(before);
    }
  });
});
