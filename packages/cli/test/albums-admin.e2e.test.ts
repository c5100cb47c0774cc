import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.ts';
import { Device, cleanUp, createAccount, failed, ok, okJson, tempDir } from './support/cli.ts';
import { copyPhoto, type UploadJson } from './support/photos.ts';

interface AlbumJson {
  id: string;
  name: string;
  photoCount: number;
  createdAt: string;
  updatedAt: string;
}

// Albums, and the admin's control over who may join the server. Tests run in order.
describe('albums and administration through the CLI', { timeout: 180_000 }, () => {
  let server: TestServer;
  let admin: Device;
  const photos: string[] = [];

  beforeAll(async () => {
    server = await startTestServer('sqlite');
    admin = new Device(server.url, 'admin');
    await createAccount(admin, 'admin@example.com');
    await admin.login('admin@example.com', ['--device-name', 'Desk']);
  });
  afterAll(async () => {
    await server.close();
    cleanUp();
  });

  it('creates, fills, renames, shows, empties and deletes an album; its photos stay', async () => {
    const dir = tempDir('album-photos');
    copyPhoto('cameras/nikon-e775-8x8.jpg', path.join(dir, 'nikon.jpg'));
    copyPhoto('cameras/sony-dsc-f828-8x8.jpg', path.join(dir, 'sony.jpg'));
    const [uploaded, none] = await Promise.all([
      admin.json<UploadJson>(['upload', dir]),
      admin.run(['albums', 'list']),
    ]);
    expect(ok(none)).toBe('No albums.\n');
    photos.push(...uploaded.files.map((f) => f.id ?? ''));
    const [p1, p2] = photos as [string, string];

    const album = await admin.json<AlbumJson>(['albums', 'create', 'Summer']);
    expect(album).toMatchObject({ name: 'Summer', photoCount: 0 });
    expect(album.id).toMatch(/^[0-9a-f-]{36}$/);

    const [added, renamed, foreign] = await Promise.all([
      admin.json<{ changed: number; album: AlbumJson }>(['albums', 'add', album.id, p1, p2]),
      admin.json<AlbumJson>(['albums', 'rename', album.id, 'Summer 2023']),
      admin.run(['albums', 'add', album.id, 'no-such-photo', '--json']),
    ]);
    expect(added.changed).toBe(2);
    expect(added.album).toMatchObject({ id: album.id, photoCount: 2 });
    expect(renamed).toMatchObject({ id: album.id, name: 'Summer 2023' });
    expect(failed(foreign, 1)).toBe('No such photo: no-such-photo.');
    // More ids than the server takes in one request (1,000) go in batches.
    const many = await admin.json<{ changed: number; album: AlbumJson }>([
      'albums',
      'add',
      album.id,
      ...Array.from({ length: 1001 }, () => p1),
    ]);
    expect(many).toMatchObject({ changed: 0, album: { photoCount: 2 } });

    const [shown, shownText, list, listText] = await Promise.all([
      admin.json<{ album: AlbumJson; photoIds: string[] }>(['albums', 'show', album.id]),
      admin.run(['albums', 'show', album.id]),
      admin.json<{ items: AlbumJson[] }>(['albums', 'list']),
      admin.run(['albums', 'list']),
    ]);
    expect(shown.album).toMatchObject({ id: album.id, name: 'Summer 2023', photoCount: 2 });
    expect(shown.photoIds.sort()).toEqual([p1, p2].sort());
    expect(ok(shownText).split('\n').slice(0, 1)).toEqual(['Summer 2023 (2 photos)']);
    expect(ok(shownText).trimEnd().split('\n').slice(1).sort()).toEqual([p1, p2].sort());
    expect(list.items).toEqual([
      expect.objectContaining({ id: album.id, name: 'Summer 2023', photoCount: 2 }),
    ]);
    expect(ok(listText)).toBe(`${album.id}      2  Summer 2023\n`);

    const removed = await admin.run(['albums', 'remove', album.id, p1]);
    expect(ok(removed)).toBe('Removed 1; "Summer 2023" has 1 photo(s).\n');
    expect(await admin.json(['albums', 'delete', album.id])).toEqual({ deleted: album.id });

    const [after, gone, library] = await Promise.all([
      admin.json<{ items: AlbumJson[] }>(['albums', 'list']),
      admin.run(['albums', 'show', album.id]),
      admin.json<{ items: { id: string }[] }>(['ls']),
    ]);
    expect(after.items).toEqual([]);
    expect(failed(gone, 1)).toBe('Album not found.');
    expect(library.items.map((p) => p.id).sort()).toEqual([p1, p2].sort());
  });

  it('lets the admin open sign-up, invite people, close it again, and list accounts', async () => {
    const bob = new Device(server.url, 'bob');
    const carol = new Device(server.url, 'carol');
    const dave = new Device(server.url, 'dave');
    const [accounts, opened] = await Promise.all([
      admin.json<{ items: { email: string; role: string }[] }>(['account', 'list']),
      admin.json(['admin', 'signup', 'open']),
    ]);
    expect(accounts.items).toEqual([expect.objectContaining({ email: 'admin@example.com', role: 'admin' })]);
    expect(opened).toEqual({ signupPolicy: 'open' });

    // Open: anyone may sign up, and becomes a plain user.
    const [bobAccount, info, invite] = await Promise.all([
      createAccount(bob, 'bob@example.com'),
      bob.json<{ signupPolicy: string; initialized: boolean }>(['server-info']),
      admin.json<{ code: string; email: string; expiresAt: string }>([
        'admin',
        'invite',
        'carol@example.com',
      ]),
    ]);
    expect(bobAccount).toMatchObject({ email: 'bob@example.com', role: 'user' });
    expect(info).toMatchObject({ signupPolicy: 'open', initialized: true });
    expect(invite).toMatchObject({ email: 'carol@example.com' });
    expect(invite.code.length).toBeGreaterThanOrEqual(16);
    expect(Date.parse(invite.expiresAt)).toBeGreaterThan(Date.now());

    const [inviteOnly, bobLogin] = await Promise.all([
      admin.run(['admin', 'signup', 'invite']),
      bob.login('bob@example.com'),
    ]);
    expect(ok(inviteOnly)).toBe(
      'Sign-up is now by invitation only: create codes with `shoebox admin invite <e-mail>`.\n',
    );
    expect(bobLogin.status).toBe('trusted');

    // Invite-only: the invited e-mail gets in with its code, nobody else does.
    const password = { stdin: 'tremble-orchard-velvet-42\n' };
    const [carolAccount, daveRefused] = await Promise.all([
      createAccount(carol, 'carol@example.com', ['--invite', invite.code]),
      dave.run(['account', 'create', '--email', 'dave@example.com', '--password-stdin', '--json'], password),
    ]);
    expect(carolAccount).toMatchObject({ email: 'carol@example.com', role: 'user' });
    expect(failed(daveRefused, 1)).toBe('Sign-up on this server needs a valid invitation.');

    const closed = await admin.run(['admin', 'signup', 'closed']);
    expect(ok(closed)).toBe('Sign-up is now closed: only an admin can create accounts.\n');
    const [erin, frank, notAdmin] = await Promise.all([
      dave.run(['account', 'create', '--email', 'erin@example.com', '--password-stdin'], password),
      // The admin's own session lets it create accounts, with a role, even while sign-up is closed.
      createAccount(admin, 'frank@example.com', ['--role', 'support']),
      bob.run(['account', 'list']),
    ]);
    expect(failed(erin, 1)).toBe('Sign-up is closed on this server; ask its admin.');
    expect(frank).toMatchObject({ email: 'frank@example.com', role: 'support' });
    expect(failed(notAdmin, 1)).toBe('Only an admin can do this.');

    const listText = ok(await admin.run(['account', 'list']));
    const rows = listText.trimEnd().split('\n');
    expect(rows.map((r) => r.replace(/^\S+ {2}/, '')).sort()).toEqual([
      'admin    admin@example.com',
      'support  frank@example.com',
      'user     bob@example.com',
      'user     carol@example.com',
    ]);
    const json = okJson<{ items: { id: string }[] }>(await admin.run(['account', 'list', '--json']));
    expect(rows.map((r) => r.split(' ')[0]).sort()).toEqual(json.items.map((a) => a.id).sort());
  });
});
