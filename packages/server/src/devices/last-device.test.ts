// The account's last trusted device goes only when something else could let a new device in; otherwise removing it
// would lock the account out for good. Regressions: removal had no such guard; two devices removing each other at
// once could both succeed on PostgreSQL; after "This wasn't me" second factors were counted although no new device
// can sign in until the password is changed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/support/databases.ts';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import {
  adminSession,
  approvedDevice,
  createAccount,
  expectProblem,
  PASSWORD,
  signIn,
  type SignedIn,
} from '../../test/support/api.ts';

describe.each(DIALECTS)('removing the last trusted device, on %s', (dialect) => {
  let server: TestServer;
  let admin: SignedIn;
  let n = 0;

  beforeAll(async () => {
    server = await startTestServer(dialect);
    admin = await adminSession(server.url);
  });
  afterAll(() => server.close());

  const freshAccount = async () => {
    const email = `owner${++n}@example.com`;
    await createAccount(server.url, email, admin.client);
    return { email, first: await signIn(server.url, email) };
  };
  const remove = (by: SignedIn, id: string) => by.client.call('DELETE', `/api/devices/${id}`);

  it('is refused while nothing else could let a device in, and allowed once recovery codes exist', async () => {
    const { first } = await freshAccount();
    const refused = expectProblem(await remove(first, first.deviceId), 409, 'conflict');
    expect(refused.detail).toMatch(/^This is the account’s last trusted device, and nothing else could let/);
    expect((await first.client.get('/api/me')).status).toBe(200);
    expect((await first.client.post('/api/account/recovery-codes', { password: PASSWORD })).status).toBe(200);
    expect((await remove(first, first.deviceId)).status).toBe(200);
    expect((await first.client.get('/api/me')).status).toBe(401);
  });

  it('is refused while a password change is pending after "This wasn\'t me"', async () => {
    const { first } = await freshAccount();
    expect((await first.client.post('/api/account/recovery-codes', { password: PASSWORD })).status).toBe(200);
    await server.database.db
      .updateTable('accounts')
      .set({ password_change_required_at: Date.now() })
      .where('id', '=', first.account.id)
      .execute();
    const refused = expectProblem(await remove(first, first.deviceId), 409, 'conflict');
    expect(refused.detail).toContain('no new device can sign in until the password is changed');
  });

  it('lets only one of two devices removing each other at once go', async () => {
    const { email, first } = await freshAccount();
    const second = await approvedDevice(server.url, first.client, email, 'second');
    const outcomes = await Promise.all([remove(first, second.deviceId), remove(second, first.deviceId)]);
    // The other is refused: as the last device (409), or because its own device was removed first (401).
    const statuses = outcomes.map((o) => o.status);
    expect(statuses.filter((st) => st === 200)).toHaveLength(1);
    expect(statuses.find((st) => st !== 200)).toBeOneOf([401, 409]);
    const trusted = await server.database.db
      .selectFrom('devices')
      .select('id')
      .where('account_id', '=', first.account.id)
      .where('status', '=', 'trusted')
      .execute();
    expect(trusted).toHaveLength(1);
  });
});
