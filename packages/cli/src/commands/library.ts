import type { Command } from 'commander';
import type { Photo, PhotoPage } from '@shoebox/shared';
import { orNotFound } from '../api-client.ts';
import { registerGet } from './get.ts';
import { getPhoto, noPhoto } from './photo-lookup.ts';
import { describeProvenance, provenanceOf } from './info-provenance.ts';
import { commandContext } from '../context.ts';
import { describePhoto } from '../describe.ts';
import { formatBytes } from '../output.ts';
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
      const photo = await getPhoto(ctx.client(), id);
      if (options.provenance) {
        const { provenance, verified } = await provenanceOf(ctx.client(), ctx.home, photo.id);
        ctx.out.result(
          { id: photo.id, upload: photo.upload, claims: photo.claims, provenance, verified },
          () => [...describePhoto(photo, true), ...describeProvenance(provenance, verified)],
        );
        return;
      }
      ctx.out.result(
        options.provenance ? { id: photo.id, upload: photo.upload, claims: photo.claims } : photo,
        () => describePhoto(photo, Boolean(options.provenance)),
      );
    });

  registerGet(program);

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
        for (const id of ids) {
          const call = client.request<Photo>('POST', `/photos/${encodeURIComponent(id)}/${action}`);
          photos.push(
            await orNotFound(call, noPhoto(id, photos.length, action === 'trash' ? 'trashed' : 'restored')),
          );
        }
        ctx.out.result({ items: photos }, () => photos.map((p) => `${p.id}  ${p.status}`));
      });
  }

  program
    .command('delete <ids...>')
    .description('Delete photos permanently')
    .action(async (ids: string[], _options: unknown, command: Command) => {
      const ctx = commandContext(command);
      const client = ctx.client();
      for (const [done, id] of ids.entries()) {
        const call = client.request('DELETE', `/photos/${encodeURIComponent(id)}`);
        await orNotFound(call, noPhoto(id, done, 'deleted'));
      }
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
