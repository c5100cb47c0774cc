import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Option, type Command } from 'commander';
import type { Photo, PhotoPage } from '@shoebox/shared';
import { commandContext } from '../context.ts';
import { describePhoto } from '../describe.ts';
import { CliError, formatBytes } from '../output.ts';
import { wholeNumber } from '../options.ts';

export function registerLibrary(program: Command): void {
  program
    .command('ls')
    .description('List photos, newest first')
    .option('--trash', 'list the trash instead')
    .option('--limit <n>', 'at most this many (default: all)', wholeNumber(1, 1_000_000))
    .action(async (options: { trash?: boolean; limit?: number }, command: Command) => {
      const ctx = commandContext(command);
      const client = ctx.client();
      const max = options.limit ?? Infinity;
      const items: Photo[] = [];
      let cursor: string | undefined;
      do {
        const page = await client.request<PhotoPage>('GET', '/photos', {
          query: {
            status: options.trash ? 'trashed' : 'active',
            limit: Math.min(1000, max - items.length),
            cursor,
          },
        });
        items.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor && items.length < max);
      const empty = options.trash ? 'The trash is empty.' : 'No photos yet.';
      ctx.out.result({ items }, () =>
        items.length === 0
          ? empty
          : items.map(
          (p) =>
            `${p.id}  ${(p.captureTime ?? p.sortTime).slice(0, 19).replace('T', ' ')}  ${formatBytes(p.size).padStart(8)}  ${p.claims.fileName ?? ''}`,
        ),
      );
    });

  program
    .command('info <id>')
    .description('Every metadata field of a photo, and where it came from')
    .option('--provenance', 'show the provenance section only')
    .action(async (id: string, options: { provenance?: boolean }, command: Command) => {
      const ctx = commandContext(command);
      const photo = await ctx.client().request<Photo>('GET', `/photos/${encodeURIComponent(id)}`);
      ctx.out.result(
        options.provenance ? { id: photo.id, upload: photo.upload, claims: photo.claims } : photo,
        () => describePhoto(photo, Boolean(options.provenance)),
      );
    });

  program
    .command('get <id>')
    .description('Download the original file')
    .option('-o, --output <file>', 'where to write it (default: its original name in the current folder)')
    .addOption(
      new Option('--variant <variant>', 'which file to fetch')
        .choices(['original', 'preview', 'thumbnail'])
        .default('original'),
    )
    .action(async (id: string, options: { output?: string; variant: string }, command: Command) => {
      const ctx = commandContext(command);
      const client = ctx.client();
      const photo = await client.request<Photo>('GET', `/photos/${encodeURIComponent(id)}`);
      const name = defaultName(photo, options.variant);
      const target = outputPath(options.output, name);
      const response = await client.send('GET', `/photos/${encodeURIComponent(id)}/${options.variant}`);
      if (!response.body) throw new CliError('The server sent no content.');
      // Written beside the target and renamed, so an interrupted download never looks like a finished file.
      const tmp = `${target}.part`;
      try {
        await pipeline(Readable.fromWeb(response.body), fs.createWriteStream(tmp));
        fs.renameSync(tmp, target);
      } catch (err) {
        fs.rmSync(tmp, { force: true });
        throw new CliError(`Could not save ${target}: ${(err as Error).message}`);
      }
      const size = fs.statSync(target).size;
      const result = { id, variant: options.variant, file: target, size, sha256: photo.sha256 };
      ctx.out.result(result, () => `Saved ${target} (${formatBytes(size)}).`);
    });

  for (const action of ['trash', 'restore'] as const) {
    program
      .command(`${action} <ids...>`)
      .description(
        action === 'trash' ? 'Move photos to the trash on every device' : 'Bring photos back from the trash',
      )
      .action(async (ids: string[], _options: unknown, command: Command) => {
        const ctx = commandContext(command);
        const client = ctx.client();
        const photos: Photo[] = [];
        for (const id of ids)
          photos.push(await client.request<Photo>('POST', `/photos/${encodeURIComponent(id)}/${action}`));
        ctx.out.result({ items: photos }, () => photos.map((p) => `${p.id}  ${p.status}`));
      });
  }

  program
    .command('delete <ids...>')
    .description('Delete photos permanently')
    .action(async (ids: string[], _options: unknown, command: Command) => {
      const ctx = commandContext(command);
      const client = ctx.client();
      for (const id of ids) await client.request('DELETE', `/photos/${encodeURIComponent(id)}`);
      ctx.out.result({ deleted: ids }, () => `Deleted ${ids.length} photo(s) permanently.`);
    });

  program
    .command('empty-trash')
    .description('Delete everything in the trash permanently')
    .action(async (_options: unknown, command: Command) => {
      const ctx = commandContext(command);
      const result = await ctx.client().request<{ deleted: number }>('POST', '/trash/empty');
      ctx.out.result(result, () => `Deleted ${result.deleted} photo(s) permanently.`);
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
  return fs.statSync(resolved, { throwIfNoEntry: false })?.isDirectory() ? path.join(resolved, name) : resolved;
}
