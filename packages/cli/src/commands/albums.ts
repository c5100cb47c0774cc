import type { Command } from 'commander';
import type { Album } from '@shoebox/shared';
import { commandContext } from '../context.ts';
import { registerAlbumSharing } from './albums-sharing.ts';

/** Who else is in an album, after its line in `albums list`. */
function sharing(a: Album): string {
  if (a.role !== 'owner') return `  (shared by ${a.owner.email}, ${a.role})`;
  return a.memberCount > 0 ? `  (shared with ${a.memberCount})` : '';
}

export function registerAlbums(program: Command): void {
  const albums = program
    .command('albums')
    .description('Albums: list, create, rename, delete, add, remove, show, share, unshare, members');

  albums
    .command('list')
    .description('List albums')
    .action(async (_options: unknown, command: Command) => {
      const ctx = commandContext(command);
      const { items } = await ctx.client().request<{ items: Album[] }>('GET', '/albums');
      ctx.out.result({ items }, () =>
        items.length
          ? items.map((a) => `${a.id}  ${String(a.photoCount).padStart(5)}  ${a.name}${sharing(a)}`)
          : 'No albums.',
      );
    });

  albums
    .command('create <name>')
    .description('Create an album')
    .action(async (name: string, _options: unknown, command: Command) => {
      const ctx = commandContext(command);
      const album = await ctx.client().request<Album>('POST', '/albums', { json: { name } });
      ctx.out.result(album, () => `Created album "${album.name}" (${album.id}).`);
    });

  albums
    .command('rename <id> <name>')
    .description('Rename an album')
    .action(async (id: string, name: string, _options: unknown, command: Command) => {
      const ctx = commandContext(command);
      const album = await ctx
        .client()
        .request<Album>('PATCH', `/albums/${encodeURIComponent(id)}`, { json: { name } });
      ctx.out.result(album, () => `Renamed to "${album.name}".`);
    });

  albums
    .command('delete <id>')
    .description('Delete an album (its photos stay in the library)')
    .action(async (id: string, _options: unknown, command: Command) => {
      const ctx = commandContext(command);
      await ctx.client().request('DELETE', `/albums/${encodeURIComponent(id)}`);
      ctx.out.result({ deleted: id }, () => 'Album deleted.');
    });

  const ALBUM_BATCH = 1000;
  for (const action of ['add', 'remove'] as const) {
    albums
      .command(`${action} <id> <photoIds...>`)
      .description(action === 'add' ? 'Add photos to an album' : 'Remove photos from an album')
      .action(async (id: string, photoIds: string[], _options: unknown, command: Command) => {
        const ctx = commandContext(command);
        const client = ctx.client();
        // The server takes up to 1,000 photos a request; more (a whole folder's ids, say) go in batches.
        let result: { changed: number; album: Album } | undefined;
        let changed = 0;
        for (let i = 0; i < photoIds.length; i += ALBUM_BATCH) {
          result = await client.request<{ changed: number; album: Album }>(
            action === 'add' ? 'POST' : 'DELETE',
            `/albums/${encodeURIComponent(id)}/photos`,
            { json: { photoIds: photoIds.slice(i, i + ALBUM_BATCH) } },
          );
          changed += result.changed;
        }
        if (!result) return;
        const done = { ...result, changed };
        ctx.out.result(
          done,
          () =>
            `${action === 'add' ? 'Added' : 'Removed'} ${done.changed}; "${done.album.name}" has ${done.album.photoCount} photo(s).`,
        );
      });
  }

  albums
    .command('show <id>')
    .description('The photos of an album')
    .action(async (id: string, _options: unknown, command: Command) => {
      const ctx = commandContext(command);
      const client = ctx.client();
      const album = await client.request<Album>('GET', `/albums/${encodeURIComponent(id)}`);
      const { photoIds } = await client.request<{ photoIds: string[] }>(
        'GET',
        `/albums/${encodeURIComponent(id)}/photos`,
      );
      ctx.out.result({ album, photoIds }, () => [`${album.name} (${photoIds.length} photos)`, ...photoIds]);
    });

  registerAlbumSharing(albums);
}
