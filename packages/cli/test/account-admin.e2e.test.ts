import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetImportList, InviteList, StaffLookPage } from '@shoebox/shared';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.ts';
import { Device, cleanUp, createAccount, failed, ok, tempDir } from './support/cli.ts';

// Account administration through the CLI against a real server: disable and enable an account (its device is
// signed out at once and cannot sign in meanwhile), invites listed and revoked, support staff finding an
// account by e-mail with a reason, and the admin reviewing past fleet imports and staff looks.
describe('account administration through the CLI', { timeout: 180_000 }, () => {
  let server: TestServer;
  let admin: Device;
  let user: Device;
  let staff: Device;

  beforeAll(async () => {
    server = await startTestServer('sqlite');
    admin = new Device(server.url, 'admin');
    user = new Device(server.url, 'user');
    staff = new Device(server.url, 'staff');
    await createAccount(admin, 'admin@example.com');
    await admin.login('admin@example.com');
    await Promise.all([createAccount(admin, 'user@example.com'), createAccount(admin, 'staff@example.com')]);
    await Promise.all([user.login('user@example.com'), staff.login('staff@example.com')]);
    ok(await admin.run(['account', 'role', 'staff@example.com', 'support']));
  });
  afterAll(async () => {
    await server.close();
    cleanUp();
  });

  it('disables an account, which signs it out and keeps it out, and enables it again', async () => {
    expect(ok(await user.run(['whoami']))).toContain('user@example.com');
    expect(failed(await user.run(['account', 'disable', 'admin@example.com']))).toMatch(/admin/i);
    expect(ok(await admin.run(['account', 'disable', 'user@example.com']))).toMatch(
      /^user@example\.com is disabled \(since .+\); its sessions have ended\.\n$/,
    );
    expect(failed(await user.run(['ls']))).toMatch(/session|sign in/i);
    expect(
      failed(await user.run(['login', '--email', 'user@example.com', '--password-stdin']), 1),
    ).toBeTruthy();
    expect(failed(await admin.run(['account', 'disable', 'admin@example.com']))).toBe(
      'You cannot disable your own account.',
    );
    expect(failed(await admin.run(['account', 'disable', 'nobody@example.com']))).toBe(
      'No account with e-mail nobody@example.com.',
    );
    const enabled = await admin.json<{ disabledAt: string | null }>([
      'account',
      'enable',
      'user@example.com',
    ]);
    expect(enabled.disabledAt).toBeNull();
    await user.login('user@example.com');
    expect(ok(await user.run(['whoami']))).toContain('user@example.com');
  });

  it('lists invites and revokes one', async () => {
    const invite = await admin.json<{ id: string; code: string }>(['admin', 'invite', 'guest@example.com']);
    const listed = await admin.json<InviteList>(['invites']);
    expect(listed.items.map((i) => [i.id, i.email])).toEqual([[invite.id, 'guest@example.com']]);
    expect(ok(await admin.run(['invites', 'list']))).toContain(`${invite.id}  guest@example.com  until `);
    expect(ok(await admin.run(['invites', 'revoke', invite.id]))).toBe(`Invite ${invite.id} revoked.\n`);
    expect(ok(await admin.run(['invites']))).toBe('No invites waiting.\n');
    expect(failed(await admin.run(['invites', 'revoke', invite.id]))).toMatch(/not found/i);
    expect(failed(await user.run(['invites']))).toMatch(/admin/i);
  });

  it('lets staff find an account by e-mail with a reason; the admin sees the look and past imports', async () => {
    expect(failed(await staff.run(['account', 'lookup', 'user@example.com', '--reason', ' ']))).toMatch(
      /reason/i,
    );
    expect(ok(await staff.run(['account', 'lookup', 'user@example.com', '--reason', 'ticket 7']))).toMatch(
      /^\S+ {2}user {5}user@example\.com\n$/,
    );
    const looks = await admin.json<StaffLookPage>(['admin', 'staff-looks']);
    expect(looks.items[0]).toMatchObject({
      staff: { email: 'staff@example.com' },
      account: { email: 'user@example.com' },
      reason: 'ticket 7',
      scope: 'account.lookup',
    });
    expect(ok(await admin.run(['admin', 'staff-looks']))).toContain(
      'staff@example.com looked at user@example.com (account.lookup): ticket 7',
    );

    const dir = tempDir('imports');
    const file = path.join(dir, 'march-shipments.csv');
    fs.writeFileSync(file, 'serial,model,batch,ship_date,shipped_to\nSN-IMP-1,Phone,B1,2024-03-01,Shop\n');
    ok(await admin.run(['fleet', 'import', 'shipments', file]));
    const imports = await admin.json<FleetImportList>(['fleet', 'imports']);
    expect(imports.items.map((i) => [i.fileName, i.kind, i.rows, i.imported, i.importedBy.email])).toEqual([
      ['march-shipments.csv', 'shipments', 1, 1, 'admin@example.com'],
    ]);
    expect(ok(await admin.run(['fleet', 'imports']))).toMatch(
      /shipments {4}march-shipments\.csv {2}1 rows, 1 new, 0 already on record {2}by admin@example\.com\n$/,
    );
    expect(failed(await staff.run(['fleet', 'imports']))).toMatch(/admin/i);
  });
});
