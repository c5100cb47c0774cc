// Device history through the real HTTP API on both databases: CSV imports (all or nothing, with line numbers),
// Shoebox's own activation records, every finding, and who may look (owner, admin, support with a reason).
import type { Account, DeviceHistory, FleetImportResult, FleetRowProblem } from '@shoebox/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/support/databases.ts';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import {
  adminSession,
  createAccount,
  deviceDescription,
  expectProblem,
  PASSWORD,
  signIn,
  type SignedIn,
  type TestClient,
} from '../../test/support/api.ts';
import type { AuditEvent, AuditEventsPage } from '../audit/audit.schemas.ts';
import { MAX_IMPORT_BYTES } from './fleet.routes.ts';

const BEIJING = '162.105.1.1';

const SHIPMENTS = [
  'serial,model,batch,ship_date,shipped_to',
  'SN-CLEAN-001,Phone X,B7,2024-02-01,Volt Retail',
  'SN-DISPLAY-002,Phone X,B7,2024-01-10,Volt Retail',
  'SN-RESOLD-003,Phone X,B8,2024-01-05,"Volt Retail"',
  'SN-NEVERSOLD-004,Phone X,,2024-01-05,Volt Retail',
  'SN-SECOND-006,Phone X,B9,2024-01-05,Volt Retail',
  'SN-EVENING-007,Phone X,B9,2024-01-05,Volt Retail',
].join('\r\n');

const SALES = [
  'serial,retailer,order_id,sale_date,channel,event',
  'SN-CLEAN-001,Volt Retail,V-1001,2024-03-01,vendor direct supply,',
  'SN-DISPLAY-002,Volt Retail,V-1002,2024-03-05,vendor direct supply,sale',
  'SN-RESOLD-003,Volt Retail,V-1003,2024-01-20,vendor direct supply,sale',
  'SN-RESOLD-003,Volt Retail,V-1003,2024-02-01,vendor direct supply,return',
  'SN-RESOLD-003,Volt Retail,V-1003R,2024-02-15,,refurbished',
  'SN-RESOLD-003,"Bob\'s Phones, Ltd",M-77,2024-03-01,marketplace seller,sale',
  'SN-SECOND-006,Volt Retail,V-1006,2024-02-01,vendor direct supply,sale',
  'SN-EVENING-007,Volt Retail,V-1007,2024-03-01,vendor direct supply,sale',
].join('\n');

const ACTIVATIONS = [
  'serial,activated_at,account',
  // The display unit: switched on in the shop a month before it was sold.
  'SN-DISPLAY-002,2024-02-01T10:00:00+01:00,acct-7f3a91',
  // Early and late on the sale day in the buyer's zone (the day before, and after, in UTC): not before the sale.
  'SN-EVENING-007,2024-03-01T00:30:00+09:00,acct-buyer-a',
  'SN-EVENING-007,2024-03-01T23:30:00-0500,acct-buyer-a',
].join('\n');

async function allEvents(client: TestClient): Promise<AuditEvent[]> {
  const reply = await client.get<AuditEventsPage>('/api/audit/events?limit=1000');
  expect(reply.status).toBe(200);
  return reply.body.items;
}

async function accountWithPhone(url: string, admin: TestClient, email: string, serial: string) {
  await createAccount(url, email, admin);
  return signIn(url, email, deviceDescription(`phone ${serial}`, { serial }));
}

describe.each(DIALECTS)('fleet records (%s)', (dialect) => {
  let server: TestServer;
  let admin: SignedIn;
  let buyer: SignedIn;
  let stranger: SignedIn;

  const csv = (client: TestClient, kind: string, text: string) =>
    client.call<FleetImportResult>('POST', `/api/fleet/imports/${kind}`, new TextEncoder().encode(text), {
      'content-type': 'text/csv; charset=utf-8',
    });
  const history = (client: TestClient, serial: string, reason?: string) =>
    client.get<DeviceHistory>(
      `/api/fleet/devices/${encodeURIComponent(serial)}/history${reason ? `?reason=${encodeURIComponent(reason)}` : ''}`,
    );
  const codes = (h: DeviceHistory) => h.findings.map((f) => f.code).sort();

  beforeAll(async () => {
    server = await startTestServer(dialect);
    admin = await adminSession(server.url);
    for (const [kind, text] of [
      ['shipments', SHIPMENTS],
      ['sales', SALES],
      ['activations', ACTIVATIONS],
    ] as const) {
      const reply = await csv(admin.client, kind, text);
      expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    }
    buyer = await accountWithPhone(server.url, admin.client, 'buyer@example.com', 'sn-clean-001');
    stranger = await accountWithPhone(server.url, admin.client, 'stranger@example.com', 'SN-NOBODY-999');
  });
  afterAll(async () => {
    await server.close();
  });

  it('imports each file kind, skips rows already on record and audits the import on the admin’s log', async () => {
    const again = await csv(admin.client, 'sales', SALES);
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ kind: 'sales', rows: 8, imported: 0, duplicates: 8 });
    const imports = (await allEvents(admin.client)).filter((e) => e.kind === 'fleet.imported');
    expect(imports.map((e) => [e.body['source'], e.body['count']])).toEqual([
      ['shipments', 6],
      ['sales', 8],
      ['activations', 3],
      ['sales', 0],
    ]);
  });

  it('refuses a bad file with every bad line and stores nothing of it', async () => {
    const bad = [
      'serial,model,batch,ship_date,shipped_to',
      'SN-BAD-100,Phone X,B1,2024-02-01,Volt Retail',
      'SN-BAD-101,Phone X,B1,2024-02-30,Volt Retail',
      ',Phone X,B1,2024-02-01,Volt Retail',
      'SN-BAD-103,"Phone X,B1,2024-02-01,Volt Retail',
    ].join('\n');
    const before = await server.database.db.selectFrom('fleet_shipments').select('id').execute();
    const reply = await csv(admin.client, 'shipments', bad);
    const problem = expectProblem(reply, 400, 'validation_failed');
    expect(problem.detail).toContain('3 rows of the shipments file are not valid, so nothing was imported');
    const errors = (problem as unknown as { errors: FleetRowProblem[] }).errors;
    expect(errors).toEqual([
      { line: 3, reason: 'ship_date "2024-02-30" is not a date as YYYY-MM-DD' },
      { line: 4, reason: 'serial is empty' },
      { line: 5, reason: 'a quoted field is never closed' },
    ]);
    const after = await server.database.db.selectFrom('fleet_shipments').select('id').execute();
    expect(after.length).toBe(before.length);
    expect((await history(admin.client, 'SN-BAD-100', 'checking the refused import')).body.events).toEqual(
      [],
    );

    const sales = await csv(
      admin.client,
      'sales',
      'serial,retailer,order_id,sale_date,channel,event\nSN-1,R,O,2024-01-01,x,resold\nSN-2,R,O,2024-01-01',
    );
    expect((expectProblem(sales, 400) as unknown as { errors: FleetRowProblem[] }).errors).toEqual([
      { line: 2, reason: 'event "resold" is not sale, return or refurbished' },
      { line: 3, reason: 'expected 6 fields as in the header, found 4' },
    ]);
    const activations = await csv(
      admin.client,
      'activations',
      'serial,activated_at,account\nSN-1,2024-01-01T10:00:00,a',
    );
    expect((expectProblem(activations, 400) as unknown as { errors: FleetRowProblem[] }).errors).toEqual([
      {
        line: 2,
        reason:
          'activated_at "2024-01-01T10:00:00" is not an ISO 8601 time with offset (it needs an offset such as Z or +01:00)',
      },
    ]);
    const header = await csv(admin.client, 'shipments', 'serial,model,date\nSN-1,X,2024-01-01');
    expect((expectProblem(header, 400) as unknown as { errors: FleetRowProblem[] }).errors[0]?.line).toBe(1);
    expectProblem(
      await admin.client.call('POST', '/api/fleet/imports/shipments', new TextEncoder().encode(SHIPMENTS), {
        'content-type': 'application/octet-stream',
      }),
      415,
    );
  });

  it('refuses a file over the size limit before storing anything', async () => {
    const huge = new Uint8Array(MAX_IMPORT_BYTES + 1).fill(0x61);
    const reply = await admin.client.call('POST', '/api/fleet/imports/shipments', huge, {
      'content-type': 'text/csv',
    });
    expectProblem(reply, 413, 'payload_too_large');
    expectProblem(
      await admin.client.call('POST', '/api/fleet/imports/shipments', new Uint8Array(0), {
        'content-type': 'text/csv',
      }),
      400,
      'empty_file',
    );
  });

  it('records Shoebox activations, sign-outs and removals of devices with a serial', async () => {
    const owner = await accountWithPhone(server.url, admin.client, 'owner@example.com', 'SN-FRESH-010');
    const tablet = await signIn(
      server.url,
      'owner@example.com',
      deviceDescription('tablet', { serial: 'SN-FRESH-011' }),
      BEIJING,
    );
    expect(tablet.response.device.status).toBe('pending');
    const requests = await owner.client.get<{ items: { id: string; device: { id: string } }[] }>(
      '/api/enrolments',
    );
    const request = requests.body.items.find((r) => r.device.id === tablet.deviceId);
    const allowed = await owner.client.post<{ code: string }>(`/api/enrolments/${request?.id}/allow`);
    expect(
      (await tablet.client.post('/api/auth/enrolment/complete', { code: allowed.body.code })).status,
    ).toBe(200);

    const tabletHistory = (await history(owner.client, 'sn-fresh-011')).body;
    expect(tabletHistory.events.map((e) => [e.kind, e.source, e.byCurrentOwner])).toEqual([
      ['activated', 'shoebox', true],
    ]);
    expect(tabletHistory.events[0]?.place?.city).toBe('Beijing');
    expect(tabletHistory.events[0]?.account).toMatch(/^sbx-[0-9a-f]{32}$/);
    expect(codes(tabletHistory)).toEqual(['unknown-serial']);

    expect((await tablet.client.post('/api/auth/sign-out')).status).toBeLessThan(300);
    expect((await owner.client.call('DELETE', `/api/devices/${tablet.deviceId}`)).status).toBe(200);
    // Signed out, then removed: the removal ends nothing more.
    const ended = await owner.client.get<DeviceHistory>('/api/fleet/devices/SN-FRESH-011/history');
    expect(ended.body.events.map((e) => e.kind)).toEqual(['activated', 'signed-out']);
    const again = await signIn(server.url, 'owner@example.com', deviceDescription('phone again'));
    expect(again.response.device.status).toBe('pending');
    // The phone is the account's last trusted device: it may go once recovery codes could let a device in.
    expect((await owner.client.post('/api/account/recovery-codes', { password: PASSWORD })).status).toBe(200);
    expect((await owner.client.call('DELETE', `/api/devices/${owner.deviceId}`)).status).toBe(200);
    const removed = await server.app.services.fleet.historyOf('SN-FRESH-010');
    expect(removed.events.map((e) => e.kind)).toEqual(['activated', 'removed']);
  });

  it('finds nothing wrong with a unit sold new and activated by its buyer', async () => {
    const reply = await history(buyer.client, 'SN-CLEAN-001');
    expect(reply.status).toBe(200);
    const h = reply.body;
    expect(h.events.map((e) => `${e.kind}/${e.source}`)).toEqual([
      'shipped/manufacturer',
      'sold/retailer',
      'activated/shoebox',
    ]);
    expect(h.events[1]).toMatchObject({
      retailer: 'Volt Retail',
      channel: 'vendor direct supply',
      date: '2024-03-01',
    });
    expect(h.findings).toEqual([]);
    expect(h.passed.sort()).toEqual([
      'activated-before-sale',
      'activated-by-another-account',
      'never-sold',
      'sold-by-unshipped-retailer',
      'sold-more-than-once',
      'unknown-serial',
    ]);
    expect(h.events[2]).toMatchObject({ byCurrentOwner: true, account: h.currentOwner });
    // What the explain report shows for the buyer's phone.
    const summary = await server.app.services.fleet.summaryOf('SN-CLEAN-001', buyer.account.id);
    expect(summary?.timeline.map((t) => `${t.at} ${t.detail}`).slice(0, 2)).toEqual([
      '2024-02-01 shipped to Volt Retail (Phone X, batch B7)',
      '2024-03-01 sold by Volt Retail, order V-1001 (vendor direct supply)',
    ]);
    expect(summary?.findings).toContainEqual({
      severity: 'info',
      code: 'passed-activated-before-sale',
      params: { saleDate: '2024-03-01', retailer: 'Volt Retail' },
      text: 'No activation before its sale on 2024-03-01 by Volt Retail.',
    });
    expect(summary?.findings.some((f) => f.severity === 'warning')).toBe(false);
    expect(await server.app.services.fleet.summaryOf('not a serial')).toBeNull();
    // The explain report of the buyer's phone carries it.
    const explained = await buyer.client.get<{ fleet: { serial: string } | null }>('/api/explain');
    expect(explained.status, JSON.stringify(explained.body)).toBe(200);
    expect(explained.body.fleet?.serial).toBe('SN-CLEAN-001');
  });

  it('judges a sale date in the activation’s own time zone', async () => {
    const h = await server.app.services.fleet.historyOf('SN-EVENING-007');
    expect(h.events.map((e) => e.localTime).filter(Boolean)).toEqual([
      '2024-03-01T00:30:00+09:00',
      '2024-03-01T23:30:00-0500',
    ]);
    expect(h.events.map((e) => e.at)).toEqual([
      null,
      '2024-02-29T15:30:00.000Z',
      null,
      '2024-03-02T04:30:00.000Z',
    ]);
    expect(h.findings).toEqual([]);
  });

  it('flags a display unit activated before its sale', async () => {
    const h = await server.app.services.fleet.historyOf('SN-DISPLAY-002');
    expect(codes(h)).toEqual(['activated-before-sale']);
    expect(h.findings[0]?.message).toContain('before its sale on 2024-03-05 by Volt Retail');
    // Clients word it from its code and params (the web app in the reader's language).
    expect(h.findings[0]?.params).toMatchObject({
      count: 1,
      saleDate: '2024-03-05',
      retailer: 'Volt Retail',
      firstDate: h.events.find((e) => e.kind === 'activated')?.localTime?.slice(0, 10),
    });
    expect(h.currentOwner).toBe('acct-7f3a91');
  });

  it('flags a unit sold twice, the second time by a retailer it was never shipped to', async () => {
    const h = await server.app.services.fleet.historyOf('SN-RESOLD-003');
    expect(codes(h)).toEqual(['sold-by-unshipped-retailer', 'sold-more-than-once']);
    expect(h.events.map((e) => e.kind)).toEqual(['shipped', 'sold', 'returned', 'refurbished', 'sold']);
    expect(h.findings.find((f) => f.code === 'sold-by-unshipped-retailer')?.message).toContain(
      "Bob's Phones, Ltd",
    );
    const sales = h.events.filter((e) => e.kind === 'sold');
    expect(h.findings.map((f) => [f.code, f.params])).toEqual([
      [
        'sold-more-than-once',
        { count: 2, sales: sales.map((e) => ({ date: e.date, retailer: e.retailer })) },
      ],
      ['sold-by-unshipped-retailer', { retailer: "Bob's Phones, Ltd", shippedTo: ['Volt Retail'] }],
    ]);
  });

  it('flags a unit never sold, and a serial no record knows', async () => {
    expect(codes(await server.app.services.fleet.historyOf('SN-NEVERSOLD-004'))).toEqual(['never-sold']);
    const unknown = await history(stranger.client, 'sn-nobody-999');
    expect(codes(unknown.body)).toEqual(['unknown-serial']);
    expect(unknown.body.findings[0]?.params).toEqual({ serial: 'SN-NOBODY-999', shoeboxOnly: true });
    expect(unknown.body.events.map((e) => e.source)).toEqual(['shoebox']);
  });

  it('flags a unit another Shoebox account activated before its current owner, hiding where', async () => {
    const first = await accountWithPhone(server.url, admin.client, 'first@example.com', 'SN-SECOND-006');
    expect(first.response.device.status).toBe('trusted');
    const second = await accountWithPhone(server.url, admin.client, 'second@example.com', 'SN-SECOND-006');
    const h = (await history(second.client, 'SN-SECOND-006')).body;
    expect(codes(h)).toEqual(['activated-by-another-account']);
    const [theirs, mine] = h.events.filter((e) => e.kind === 'activated');
    expect(theirs?.byCurrentOwner).toBe(false);
    expect(theirs?.place).toBeNull();
    expect(mine?.byCurrentOwner).toBe(true);
    expect(theirs?.account).not.toBe(mine?.account);
    expect(h.findings[0]?.params).toEqual({ accounts: 1, firstAt: theirs?.at, account: theirs?.account });
    const summary = await server.app.services.fleet.summaryOf('SN-SECOND-006', second.account.id);
    const theirLine = summary?.timeline.find((t) => t.detail.includes('another account'));
    expect(theirLine?.detail).toMatch(/^activated by another account \(sbx-[0-9a-f]{32}\), per Shoebox$/);
    expect(summary?.findings.filter((f) => f.severity === 'warning')).toHaveLength(1);
    // The first account judges from its own side: nobody came before it.
    expect(codes((await history(first.client, 'SN-SECOND-006')).body)).toEqual([]);
  });

  it('lets only admins import and owners read their own serials', async () => {
    expectProblem(await csv(buyer.client, 'shipments', SHIPMENTS), 403, 'forbidden');
    expectProblem(await history(buyer.client, 'SN-DISPLAY-002'), 403, 'forbidden');
    expectProblem(await history(buyer.client, 'SN-NOBODY-999'), 403, 'forbidden');
    expectProblem(await buyer.client.get(`/api/fleet/accounts/${stranger.account.id}/devices`), 404);
    const own = await buyer.client.get<{ items: { device: { serial: string } }[] }>(
      `/api/fleet/accounts/${buyer.account.id}/devices`,
    );
    expect(own.body.items.map((i) => i.device.serial)).toEqual(['sn-clean-001']);
  });

  it('lets support look only with a stated reason, and shows each look to the owner', async () => {
    const staff = await accountWithPhone(server.url, admin.client, 'support@example.com', 'SN-STAFF-020');
    expectProblem(await history(staff.client, 'SN-CLEAN-001', 'curious'), 403, 'forbidden');
    expectProblem(
      await buyer.client.call('PUT', `/api/admin/accounts/${staff.account.id}/role`, { role: 'support' }),
      403,
    );
    const granted = await admin.client.call<Account>('PUT', `/api/admin/accounts/${staff.account.id}/role`, {
      role: 'support',
    });
    expect(granted.body.role).toBe('support');
    expectProblem(
      await admin.client.call('PUT', `/api/admin/accounts/${admin.account.id}/role`, { role: 'user' }),
      409,
    );

    expectProblem(await history(staff.client, 'SN-CLEAN-001'), 403, 'forbidden');
    expectProblem(await history(staff.client, 'SN-CLEAN-001', '   '), 403, 'forbidden');
    const seen = await history(staff.client, 'SN-CLEAN-001', 'ticket 4711: customer disputes uploads');
    expect(seen.status).toBe(200);
    // Staff judge against the latest account to activate the unit: the buyer.
    expect(seen.body.events.find((e) => e.source === 'shoebox')?.byCurrentOwner).toBe(true);
    const listed = await staff.client.get<{ items: unknown[] }>(
      `/api/fleet/accounts/${buyer.account.id}/devices?reason=${encodeURIComponent('ticket 4711')}`,
    );
    expect(listed.status).toBe(200);
    expect(listed.body.items).toHaveLength(1);
    expectProblem(await staff.client.get('/api/fleet/accounts/no-such-account/devices?reason=x'), 404);

    const looks = (await allEvents(buyer.client)).filter((e) => e.kind === 'staff.accessed');
    expect(looks.map((e) => [e.body['staffAccountId'], e.body['reason'], e.body['scope']])).toEqual([
      [staff.account.id, 'ticket 4711: customer disputes uploads', 'fleet.history:SN-CLEAN-001'],
      [staff.account.id, 'ticket 4711', 'fleet.device-histories'],
    ]);
    // Nobody else's log carries them.
    expect((await allEvents(stranger.client)).some((e) => e.kind === 'staff.accessed')).toBe(false);

    await admin.client.call('PUT', `/api/admin/accounts/${staff.account.id}/role`, { role: 'user' });
    expectProblem(await history(staff.client, 'SN-CLEAN-001', 'ticket 4711'), 403, 'forbidden');
  });

  it("does not open another account's serial to a device that claims it and waits for approval", async () => {
    await accountWithPhone(server.url, admin.client, 'other-owner@example.com', 'SN-OTHER-012');
    const claimed = await signIn(
      server.url,
      'buyer@example.com',
      deviceDescription('claims a serial', { serial: 'SN-OTHER-012' }),
    );
    expect(claimed.response.device.status).toBe('pending');
    expectProblem(await history(buyer.client, 'SN-OTHER-012'), 403, 'forbidden');
    const own = await buyer.client.get<{ items: { device: { serial: string } }[] }>(
      `/api/fleet/accounts/${buyer.account.id}/devices`,
    );
    expect(own.body.items.map((i) => i.device.serial)).toEqual(['sn-clean-001']);
  });
  it("keeps a device's serial open to its owner while the device waits to come back", async () => {
    const owner = await accountWithPhone(server.url, admin.client, 'returner@example.com', 'SN-BACK-013');
    const tablet = deviceDescription('tablet', { serial: 'SN-BACK-014' });
    const first = await signIn(server.url, 'returner@example.com', tablet);
    const requests = await owner.client.get<{ items: { id: string; device: { id: string } }[] }>(
      '/api/enrolments',
    );
    const request = requests.body.items.find((r) => r.device.id === first.deviceId);
    const allowed = await owner.client.post<{ code: string }>(`/api/enrolments/${request?.id}/allow`);
    await first.client.post('/api/auth/enrolment/complete', { code: allowed.body.code });
    expect((await history(owner.client, 'SN-BACK-014')).status).toBe(200);
    expect((await owner.client.call('DELETE', `/api/devices/${first.deviceId}`)).status).toBe(200);
    // Removed, then signing in again: it waits like a new device, and its history is still the owner's.
    const back = await signIn(server.url, 'returner@example.com', tablet);
    expect(back.response.device.status).toBe('pending');
    expect((await history(owner.client, 'SN-BACK-014')).status).toBe(200);
  });
});
