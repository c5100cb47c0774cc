import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the nearest ancestor with the workspaces package.json. */
export const REPO_ROOT = (() => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (
      fs.existsSync(pkg) &&
      (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { workspaces?: unknown }).workspaces
    )
      return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('repository root not found');
    dir = parent;
  }
})();

/** The shared photo corpus lives beside the repository (`../shared/corpus/photos`), in CI as here. */
export const CORPUS = path.resolve(REPO_ROOT, '..', 'shared', 'corpus', 'photos');

export function corpusFile(relative: string): string {
  const file = path.join(CORPUS, relative);
  if (!fs.existsSync(file)) throw new Error(`corpus file missing: ${file}`);
  return file;
}

export interface ManifestRow {
  path: string;
  bytes: number;
  sha256: string;
  make: string;
  model: string;
  dateTimeOriginal: string;
  offsetTimeOriginal: string;
  gpsLatitude: string;
  gpsLongitude: string;
  orientation: string;
  width: string;
  height: string;
  mime: string;
  kind: string;
  offsetTime: string;
}

/** MANIFEST.tsv: one row per corpus file with the facts ExifTool read from it. */
export function readManifest(): ManifestRow[] {
  const [header, ...lines] = fs.readFileSync(path.join(CORPUS, 'MANIFEST.tsv'), 'utf8').trimEnd().split('\n');
  const cols = (header ?? '').split('\t');
  const at = (cells: string[], name: string) => cells[cols.indexOf(name)] ?? '';
  return lines.map((line) => {
    const c = line.split('\t');
    return {
      path: at(c, 'path').replace(/^photos\//, ''),
      bytes: Number(at(c, 'bytes')),
      sha256: at(c, 'sha256'),
      make: at(c, 'Make'),
      model: at(c, 'Model'),
      dateTimeOriginal: at(c, 'DateTimeOriginal'),
      offsetTimeOriginal: at(c, 'OffsetTimeOriginal'),
      gpsLatitude: at(c, 'GPSLatitude'),
      gpsLongitude: at(c, 'GPSLongitude'),
      orientation: at(c, 'Orientation'),
      width: at(c, 'ImageWidth'),
      height: at(c, 'ImageHeight'),
      mime: at(c, 'MIMEType'),
      kind: at(c, 'kind'),
      offsetTime: at(c, 'OffsetTime'),
    };
  });
}
