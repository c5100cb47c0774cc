import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Option, type Command } from 'commander';
import type { Photo } from '@shoebox/shared';
import { commandContext } from '../context.ts';
import { sha256File } from '../files.ts';
import { CliError, formatBytes } from '../output.ts';
import { getPhoto } from './photo-lookup.ts';

export function registerGet(program: Command): void {
  program
    .command('get <id>')
    .description(
      'Download a photo’s original file (checked against its SHA-256), or its preview or thumbnail',
    )
    .option('-o, --output <path>', 'file to write, or a folder to write into (default: the current folder)')
    .addOption(
      new Option('--variant <variant>', 'which file to fetch')
        .choices(['original', 'preview', 'thumbnail'])
        .default('original'),
    )
    .action(async (id: string, options: { output?: string; variant: string }, command: Command) => {
      const ctx = commandContext(command);
      const client = ctx.client();
      const photo = await getPhoto(client, id);
      const target = outputPath(options.output, defaultName(photo, options.variant));
      const response = await client.send('GET', `/photos/${encodeURIComponent(id)}/${options.variant}`);
      if (!response.body) throw new CliError('The server sent no content.');
      // Written beside the target and renamed, so an interrupted download never looks like a finished file.
      const tmp = `${target}.part`;
      let sha256: string;
      try {
        await pipeline(Readable.fromWeb(response.body), fs.createWriteStream(tmp));
        sha256 = await sha256File(tmp);
        // The original must be the very bytes that were uploaded; a mismatch is never left behind as the file.
        if (options.variant === 'original' && sha256 !== photo.sha256)
          throw new Error(`its SHA-256 is ${sha256}, not ${photo.sha256} as the server recorded`);
        fs.renameSync(tmp, target);
      } catch (err) {
        fs.rmSync(tmp, { force: true });
        throw new CliError(`Could not save ${target}: ${(err as Error).message}`);
      }
      const size = fs.statSync(target).size;
      const result = { id, variant: options.variant, file: target, size, sha256 };
      ctx.out.result(result, () => `Saved ${target} (${formatBytes(size)}).`);
    });
}

function defaultName(photo: Photo, variant: string): string {
  if (variant !== 'original') return `${photo.id}-${variant}.jpg`;
  // The claimed name comes from another device: keep only its last part so it cannot point elsewhere.
  const base = path.basename(photo.claims.fileName ?? '');
  return base && base !== '.' && base !== '..' ? base : photo.id;
}

/** `-o` may name a file or an existing folder (then the photo keeps its name inside it). */
function outputPath(output: string | undefined, name: string): string {
  if (!output) return path.resolve(name);
  const resolved = path.resolve(output);
  return fs.statSync(resolved, { throwIfNoEntry: false })?.isDirectory()
    ? path.join(resolved, name)
    : resolved;
}
