import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceHistory } from '@shoebox/shared';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.ts';
import { loadTerms, readRow } from '../../server/src/audit/audit.event-row.ts';
import { kindCode } from '../../server/src/audit/audit.kind-codes.ts';
import { Device, cleanUp, createAccount, failed, ok, tempDir } from './support/cli.ts';

// Device history through the CLI: an admin imports the records, the owner reads their phone's history, and
// support staff may look only with a reason. Tests run in order.
describe('fleet records through the CLI', { timeout: 180_000 }, () => {
  let server: TestServer;
  let admin: Device;
  let buyer: Device;
  let staff: Device;
  let dir: string;

  const file = (name: string, lines: string[]) => {
    const target = path.join(dir, name);
    fs.writeFileSync(target, `${lines.join('\r\n')}\r\n`);
    return target;
  };

  beforeAll(async () => {
    server = await startTestServer('sqlite');
    dir = tempDir('fleet');
    admin = new Device(server.url, 'admin');
    buyer = new Device(server.url, 'buyer');
    staff = new Device(server.url, 'staff');
    await createAccount(admin, 'admin@example.com');
    await admin.login('admin@example.com', ['--device-name', 'Desk']);
    await Promise.all([createAccount(admin, 'buyer@example.com'), createAccount(admin, 'staff@example.com')]);
    await Promise.all([
      buyer.login('buyer@example.com', ['--device-name', 'Phone', '--serial', 'SN-CLI-0001']),
      staff.login('staff@example.com', ['--device-name', 'Helpdesk']),
    ]);
  });
  afterAll(async () => {
    await server.close();
    cleanUp();
  });

  it('imports shipments, sales and activations; refuses a bad file in one line', async () => {
    const shipments = file('shipments.csv', [
      'serial,model,batch,ship_date,shipped_to',
      'SN-CLI-0001,Phone X,B1,2024-01-10,Volt Retail',
    ]);
    const sales = file('sales.csv', [
      'serial,retailer,order_id,sale_date,channel,event',
      'SN-CLI-0001,Volt Retail,V-1,2024-03-05,vendor direct supply,sale',
    ]);
    const activations = file('activations.csv', [
      'serial,activated_at,account',
      'SN-CLI-0001,2024-02-01T10:00:00+01:00,acct-display',
    ]);
    expect(ok(await admin.run(['fleet', 'import', 'shipments', shipments]))).toBe(
      `Imported 1 of 1 shipments rows from ${shipments}.\n`,
    );
    const [s, a] = await Promise.all([
      admin.json<{ imported: number }>(['fleet', 'import', 'sales', sales]),
      admin.json<{ imported: number }>(['fleet', 'import', 'activations', activations]),
    ]);
    expect([s.imported, a.imported]).toEqual([1, 1]);

    const bad = file('bad.csv', [
      'serial,model,batch,ship_date,shipped_to',
      'SN-CLI-0002,Phone X,B1,2024-01-10,Volt Retail',
      'SN-CLI-0003,Phone X,B1,10/01/2024,Volt Retail',
    ]);
    const [refused, missing, notAdmin, wrongKind] = await Promise.all([
      admin.run(['fleet', 'import', 'shipments', bad]),
      admin.run(['fleet', 'import', 'shipments', path.join(dir, 'nope.csv')]),
      buyer.run(['fleet', 'import', 'shipments', shipments]),
      admin.run(['fleet', 'import', 'returns', shipments]),
    ]);
    expect(failed(refused, 1)).toBe(
      '1 row of the shipments file is not valid, so nothing was imported: line 3: ship_date "10/01/2024" is not a date as YYYY-MM-DD.',
    );
    expect(failed(missing, 1)).toMatch(/^Cannot read .*nope\.csv: ENOENT\.$/);
    expect(failed(notAdmin, 1)).toBe('Only an admin can do this.');
    failed(wrongKind, 2);
    const stored = await server.database.db.selectFrom('fleet_shipments').select('serial').execute();
    expect(stored.map((r) => r.serial)).toEqual(['SN-CLI-0001']);
  });

  it('shows the owner their phone’s history and findings', async () => {
    const [text, json, other] = await Promise.all([
      buyer.run(['fleet', 'history', 'sn-cli-0001']),
      buyer.json<DeviceHistory>(['fleet', 'history', 'SN-CLI-0001']),
      buyer.run(['fleet', 'history', 'SN-SOMEONE-ELSE']),
    ]);
    const lines = ok(text).trimEnd().split('\n');
    expect(lines[0]).toBe('Serial SN-CLI-0001');
    expect(lines[1]).toMatch(/^ {2}2024-01-10 +shipped +Phone X, batch B1, to Volt Retail/);
    expect(lines[2]).toMatch(/^ {2}2024-02-01T10:00:00\+01:00 +activated +another account \(acct-display\)/);
    expect(lines[3]).toMatch(/^ {2}2024-03-05 +sold +Volt Retail, order V-1, vendor direct supply$/);
    expect(lines[4]).toMatch(/ activated +current owner \(sbx-[0-9a-f]{32}\)/);
    expect(lines[5]).toBe('Findings:');
    expect(lines.slice(6).join('\n')).toContain('a display, returned or second-hand unit');
    expect(json.findings.map((f) => f.code).sort()).toEqual([
      'activated-before-sale',
      'activated-by-another-account',
    ]);
    expect(failed(other, 1)).toBe('You can look up the history of your own devices’ serials only.');
  });

  it('lets support staff look only with a reason, on the owner’s record', async () => {
    expect(ok(await admin.run(['account', 'role', 'staff@example.com', 'support']))).toBe(
      'staff@example.com is now support staff.\n',
    );
    const [noReason, seen, noSuch] = await Promise.all([
      staff.run(['fleet', 'history', 'SN-CLI-0001']),
      staff.json<DeviceHistory>(['fleet', 'history', 'SN-CLI-0001', '--reason', 'ticket 88']),
      admin.run(['account', 'role', 'nobody@example.com', 'support']),
    ]);
    expect(failed(noReason, 1)).toBe('Staff must state a reason to look at an account’s records (--reason).');
    expect(seen.findings).toHaveLength(2);
    expect(failed(noSuch, 1)).toBe('No account with e-mail nobody@example.com.');
    const looks = await server.database.db
      .selectFrom('audit_events as e')
      .innerJoin('audit_owners as o', 'o.no', 'e.owner')
      .innerJoin('accounts', 'accounts.id', 'o.account_id')
      .select(['accounts.email', 'e.seq', 'e.kind', 'e.body', 'e.created_at'])
      .where('e.kind', '=', kindCode('staff.accessed'))
      .execute();
    expect(looks.map((l) => l.email)).toEqual(['buyer@example.com']);
    const terms = await loadTerms(server.database.db, looks);
    expect(looks[0] && readRow(looks[0], terms)?.text).toContain('"reason":"ticket 88"');
    // The owner reads who looked, why and at what in the plain activity, not only in --json.
    expect(ok(await buyer.run(['activity']))).toMatch(
      /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC {2}staff\.accessed .*by staff account [0-9a-f-]{36}, reason given: “ticket 88” \(fleet\.history:SN-CLI-0001\)$/m,
    );
  });
});
