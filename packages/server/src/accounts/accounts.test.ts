import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account, Problem, ServerInfo } from '@shoebox/shared';
import { DIALECTS } from '../../test/support/databases.ts';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import {
  PASSWORD,
  TestClient,
  adminSession,
  createAccount,
  signIn,
  type SignedIn,
} from '../../test/support/api.ts';

describe.each(DIALECTS)('accounts on %s', (dialect) => {
  let server: TestServer;
  let admin: SignedIn;
  let anonymous: TestClient;

  beforeAll(async () => {
    server = await startTestServer(dialect);
    anonymous = new TestClient(server.url);
    const info = await anonymous.get<ServerInfo>('/api/server');
    expect(info.body).toMatchObject({ initialized: false, signupPolicy: 'closed' });
    admin = await adminSession(server.url, 'Admin@Example.com');
  });
  afterAll(() => server.close());

  it('makes the first account the admin, with its e-mail normalised', () => {
    expect(admin.account.role).toBe('admin');
    expect(admin.account.email).toBe('admin@example.com');
    expect(admin.response.device.status).toBe('trusted');
  });

  it('refuses sign-up while it is closed, and lets the admin create accounts', async () => {
    const refused = await anonymous.post<Problem>('/api/accounts', {
      email: 'x@example.com',
      password: PASSWORD,
    });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.body.code).toBe('signup_closed');
    const created = await createAccount(server.url, 'bob@example.com', admin.client);
    expect(created.role).toBe('user');
  });

  it('opens sign-up, and only an admin may change the policy', async () => {
    const bob = await signIn(server.url, 'bob@example.com');
    const notAdmin = await bob.client.call<Problem>('PUT', '/api/admin/signup-policy', {
      signupPolicy: 'open',
    });
    expect(notAdmin.status).toBe(403);
    expect(
      (await admin.client.call('PUT', '/api/admin/signup-policy', { signupPolicy: 'open' })).status,
    ).toBe(200);
    const self = await anonymous.post<Account>('/api/accounts', {
      email: 'carol@example.com',
      password: PASSWORD,
    });
    expect(self.status).toBe(201);
    expect(self.body.role).toBe('user');
    await admin.client.call('PUT', '/api/admin/signup-policy', { signupPolicy: 'closed' });
  });

  it('accepts an invitation only for its e-mail, once', async () => {
    await admin.client.call('PUT', '/api/admin/signup-policy', { signupPolicy: 'invite' });
    const invite = await admin.client.post<{ code: string }>('/api/admin/invites', {
      email: 'dave@example.com',
    });
    expect(invite.status).toBe(201);
    const wrong = await anonymous.post<Problem>('/api/accounts', {
      email: 'eve@example.com',
      password: PASSWORD,
      inviteCode: invite.body.code,
    });
    expect(wrong.body.code).toBe('signup_closed');
    const ok = await anonymous.post('/api/accounts', {
      email: 'dave@example.com',
      password: PASSWORD,
      inviteCode: invite.body.code,
    });
    expect(ok.status).toBe(201);
    const again = await anonymous.post<Problem>('/api/accounts', {
      email: 'dave2@example.com',
      password: PASSWORD,
      inviteCode: invite.body.code,
    });
    expect(again.status).toBe(403);
    await admin.client.call('PUT', '/api/admin/signup-policy', { signupPolicy: 'closed' });
  });

  it.each([
    ['short', 'abc1234', 'validation_failed'],
    ['common', 'password123', 'weak_password'],
    ['common, other case', 'BASEBALL', 'weak_password'],
    ['containing the e-mail name', 'frankfrank-xyz', 'weak_password'],
    ['too long', 'x'.repeat(129), 'validation_failed'],
  ])('refuses a %s password', async (_what, password, code) => {
    const reply = await admin.client.post<Problem>('/api/accounts', {
      email: 'frankfrank@example.com',
      password,
    });
    expect(reply.status).toBe(400);
    expect(reply.body.code).toBe(code);
  });

  it('allows long passphrases (64+ characters)', async () => {
    const long = 'a quiet harbour at dawn with seven gulls and a red boat drifting home';
    expect(long.length).toBeGreaterThanOrEqual(64);
    const reply = await admin.client.post<Account>('/api/accounts', {
      email: 'long@example.com',
      password: long,
    });
    expect(reply.status).toBe(201);
  });

  it('refuses a duplicate e-mail', async () => {
    const reply = await admin.client.post<Problem>('/api/accounts', {
      email: 'BOB@example.com',
      password: PASSWORD,
    });
    expect(reply.status).toBe(409);
    expect(reply.body.code).toBe('email_taken');
  });

  it('stores argon2id hashes with at least 19 MiB, t=2, p=1', async () => {
    const row = await server.database.db
      .selectFrom('accounts')
      .select('password_hash')
      .where('email', '=', 'bob@example.com')
      .executeTakeFirstOrThrow();
    const [, algorithm, , params = ''] = row.password_hash.split('$');
    expect(algorithm).toBe('argon2id');
    const cost = Object.fromEntries(params.split(',').map((kv) => kv.split('=') as [string, string]));
    expect(Number(cost['m'])).toBeGreaterThanOrEqual(19456);
    expect(cost['t']).toBe('2');
    expect(cost['p']).toBe('1');
  });

  it('lists accounts for admins only', async () => {
    const list = await admin.client.get<{ items: Account[] }>('/api/admin/accounts');
    expect(list.body.items.map((a) => a.email)).toContain('bob@example.com');
    const bob = await signIn(server.url, 'bob@example.com');
    expect((await bob.client.get('/api/admin/accounts')).status).toBe(403);
    expect((await anonymous.get('/api/admin/accounts')).status).toBe(401);
  });
});
