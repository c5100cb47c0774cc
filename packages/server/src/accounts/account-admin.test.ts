// Account administration through the real HTTP API on both databases: staff lookup by e-mail (audited, with a
// reason), invites listed and revoked, accounts disabled (sessions and sockets end at once, no sign-in) and
// enabled again, past fleet imports and the server-wide list of staff looks, and the trash retention.
import type { Account, FleetImportList, Invite, ServerInfo, StaffLookPage } from '@shoebox/shared';
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
  TestClient,
  userSession,
  type SignedIn,
} from '../../test/support/api.ts';
import { connectLive } from '../../test/support/live-socket.ts';
import type { AuditEventsPage } from '../audit/audit.schemas.ts';

describe.each(DIALECTS)('account administration (%s)', (dialect) => {
  let server: TestServer;
  let admin: SignedIn;
  let support: SignedIn;
  let user: SignedIn;

  beforeAll(async () => {
    server = await startTestServer(dialect, { config: { trashDays: 12 } });
    admin = await adminSession(server.url);
    support = await userSession(server.url, admin.client, 'support@example.com');
    await admin.client.call('PUT', `/api/admin/accounts/${support.account.id}/role`, { role: 'support' });
    user = await userSession(server.url, admin.client, 'user@example.com');
  });
  afterAll(async () => {
    await server.close();
  });

  const events = async (client: TestClient) =>
    (await client.get<AuditEventsPage>('/api/audit/events?limit=1000')).body.items;

  it('lets staff find an account by e-mail only with a reason, and records the look on its log', async () => {
    const path = (reason?: string) =>
      `/api/admin/accounts/lookup?email=USER%40example.com${reason ? `&reason=${encodeURIComponent(reason)}` : ''}`;
    expectProblem(await support.client.get(path()), 403, 'forbidden');
    expectProblem(await user.client.get(path('curious')), 403, 'forbidden');
    const found = await support.client.get<Account>(path('ticket 42: cannot sign in'));
    expect(found.status).toBe(200);
    expect(found.body).toMatchObject({ id: user.account.id, email: 'user@example.com', role: 'user' });
    const looks = (await events(user.client)).filter((e) => e.kind === 'staff.accessed');
    expect(looks.map((e) => [e.body['staffAccountId'], e.body['reason'], e.body['scope']])).toEqual([
      [support.account.id, 'ticket 42: cannot sign in', 'account.lookup'],
    ]);
    const missing = await support.client.get(
      '/api/admin/accounts/lookup?email=nobody%40example.com&reason=x',
    );
    expectProblem(missing, 404, 'not_found');

    // The admin sees every look, server-wide, newest first; nobody else does.
    expectProblem(await support.client.get('/api/admin/staff-looks'), 403, 'forbidden');
    const all = await admin.client.get<StaffLookPage>('/api/admin/staff-looks?limit=1');
    expect(all.status).toBe(200);
    expect(all.body.items).toEqual([
      expect.objectContaining({
        account: null,
        reason: 'x',
        staff: { id: support.account.id, email: 'support@example.com' },
      }),
    ]);
    expect(all.body.nextBefore).not.toBeNull();
    const older = await admin.client.get<StaffLookPage>(
      `/api/admin/staff-looks?before=${all.body.nextBefore}`,
    );
    expect(older.body.items[0]).toMatchObject({
      account: { id: user.account.id, email: 'user@example.com' },
      reason: 'ticket 42: cannot sign in',
      scope: 'account.lookup',
    });
  });

  it('lists invites and revokes one so its code no longer signs anyone up', async () => {
    await admin.client.call('PUT', '/api/admin/signup-policy', { signupPolicy: 'invite' });
    const made = await admin.client.post<{ id: string; code: string }>('/api/admin/invites', {
      email: 'Invited@example.com',
    });
    expect(made.status).toBe(201);
    // An address longer than any address can be (254 characters) is refused, as at sign-up.
    const tooLong = `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.example`;
    expectProblem(
      await admin.client.post('/api/admin/invites', { email: tooLong }),
      400,
      'validation_failed',
    );
    const kept = await admin.client.post<{ id: string; code: string }>('/api/admin/invites', {
      email: 'kept@example.com',
    });
    expectProblem(await user.client.get('/api/admin/invites'), 403, 'forbidden');
    const list = await admin.client.get<{ items: Invite[] }>('/api/admin/invites');
    expect(list.body.items.map((i) => i.email).sort()).toEqual(['invited@example.com', 'kept@example.com']);
    expect(list.body.items.find((i) => i.id === made.body.id)).toMatchObject({
      createdBy: admin.account.id,
      expired: false,
    });
    expect(JSON.stringify(list.body)).not.toContain(made.body.code);

    expectProblem(await user.client.call('DELETE', `/api/admin/invites/${made.body.id}`), 403, 'forbidden');
    expect((await admin.client.call('DELETE', `/api/admin/invites/${made.body.id}`)).status).toBe(204);
    expectProblem(await admin.client.call('DELETE', `/api/admin/invites/${made.body.id}`), 404, 'not_found');
    const signUp = (email: string, inviteCode: string) =>
      new TestClient(server.url).post('/api/accounts', { email, password: PASSWORD, inviteCode });
    expectProblem(await signUp('invited@example.com', made.body.code), 403, 'signup_closed');
    expect((await signUp('kept@example.com', kept.body.code)).status).toBe(201);
    const revoked = (await events(admin.client)).filter((e) => e.kind === 'invite.revoked');
    expect(revoked.map((e) => [e.body['inviteId'], e.body['email']])).toEqual([
      [made.body.id, 'invited@example.com'],
    ]);
  });

  it('disables an account: its sessions and sockets end at once, sign-in is refused; enabling lets it in', async () => {
    const phone = deviceDescription('phone');
    await createAccount(server.url, 'disabled@example.com', admin.client);
    const victim = await signIn(server.url, 'disabled@example.com', phone);
    const live = await connectLive(server.url, victim.response.token);
    const started = Date.now();
    expectProblem(
      await user.client.post(`/api/admin/accounts/${victim.account.id}/disable`),
      403,
      'forbidden',
    );
    const off = await admin.client.post<Account>(`/api/admin/accounts/${victim.account.id}/disable`);
    expect(off.status).toBe(200);
    expect(off.body.disabledAt).toEqual(expect.any(String));
    const closedAt = await live.closed;
    expect(closedAt - started).toBeLessThan(2000);
    expectProblem(await victim.client.get('/api/photos'), 401, 'unauthenticated');
    await expect(signIn(server.url, 'disabled@example.com', deviceDescription())).rejects.toThrow(
      /403.*account_disabled/,
    );
    // Again: nothing changes, nothing more is recorded.
    expect((await admin.client.post(`/api/admin/accounts/${victim.account.id}/disable`)).status).toBe(200);
    const accounts = await admin.client.get<{ items: Account[] }>('/api/admin/accounts');
    expect(accounts.body.items.find((a) => a.id === victim.account.id)?.disabledAt).toBe(off.body.disabledAt);

    const on = await admin.client.post<Account>(`/api/admin/accounts/${victim.account.id}/enable`);
    expect(on.body.disabledAt).toBeNull();
    // Its trusted device is still trusted: nothing but the sessions was taken away.
    const back = await signIn(server.url, 'disabled@example.com', phone);
    expect((await back.client.get('/api/photos')).status).toBe(200);
    const log = (await events(back.client)).filter((e) => e.kind.startsWith('account.'));
    expect(log.map((e) => [e.kind, e.body['adminAccountId'], e.body['endedSessions']])).toEqual([
      ['account.disabled', admin.account.id, 1],
      ['account.enabled', admin.account.id, undefined],
    ]);
    // The owner sees both in their activity.
    const activity = await back.client.get<{ items: { kind: string }[] }>('/api/activity');
    expect(activity.body.items.map((i) => i.kind).filter((k) => k.startsWith('account.'))).toEqual([
      'account.enabled',
      'account.disabled',
    ]);
  });

  it('refuses to disable your own account or the last admin', async () => {
    expectProblem(
      await admin.client.post(`/api/admin/accounts/${admin.account.id}/disable`),
      409,
      'conflict',
    );
    expectProblem(await admin.client.post('/api/admin/accounts/nope/disable'), 404, 'not_found');
    expect((await admin.client.get('/api/photos')).status).toBe(200);
  });

  it('lists past fleet imports with who, when, which file and how many rows', async () => {
    const file =
      'serial,model,batch,ship_date,shipped_to\nSN-A-1,Phone,B1,2024-01-01,Shop\nSN-A-2,Phone,B1,2024-01-01,Shop\n';
    const post = (name: string) =>
      admin.client.call(
        'POST',
        `/api/fleet/imports/shipments?name=${encodeURIComponent(name)}`,
        new TextEncoder().encode(file),
        { 'content-type': 'text/csv' },
      );
    expect((await post('january.csv')).status).toBe(201);
    expect((await post('again.csv')).status).toBe(201);
    expectProblem(await support.client.get('/api/fleet/imports'), 403, 'forbidden');
    const list = await admin.client.get<FleetImportList>('/api/fleet/imports');
    expect(list.status).toBe(200);
    expect(list.body.items.map((i) => [i.fileName, i.kind, i.rows, i.imported, i.duplicates])).toEqual([
      ['again.csv', 'shipments', 2, 0, 2],
      ['january.csv', 'shipments', 2, 2, 0],
    ]);
    expect(list.body.items[0]?.importedBy).toEqual({ id: admin.account.id, email: 'admin@example.com' });
  });

  it('tells every client how long the trash keeps photos', async () => {
    const info = await new TestClient(server.url).get<ServerInfo>('/api/server');
    expect(info.body.trashDays).toBe(12);
  });
});
