// Every session's end is in the account's log (issue 5 req. 1, "session start/end"), not only sign-outs, ends from
// the Devices page and expiries: the sessions a password change, a factor change, a removed or refused device, "this
// wasn't me" or a disabled account end on the way each get a `session.ended` entry in the same transaction, naming
// the session, its device, why, and who did it (nobody of the account when another account's admin did).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivityService } from './activity.service.ts';
import { trustedPrincipal } from '../audit/audit.test-support.ts';
import {
  PASSWORD,
  adminSession,
  approvedDevice,
  deviceDescription,
  signIn,
  userSession,
  type SignedIn,
} from '../../test/support/api.ts';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';

interface Ended {
  deviceId: string | null;
  sessionId: string | null;
  endedSessionId: string;
  endedDeviceId: string;
  reason: string;
}

describe.each(['sqlite', 'postgres'] as const)('ended sessions in the audit log on %s', (dialect) => {
  let server: TestServer;
  let owner: SignedIn;
  const email = 'ended@example.com';

  beforeAll(async () => {
    server = await startTestServer(dialect);
    owner = await adminSession(server.url, email);
  }, 120_000);
  afterAll(() => server?.close());

  /** The account's `session.ended` entries with `reason`, as its activity reads them. */
  async function endedEntries(accountId: string, reason: string): Promise<Ended[]> {
    const activity = createActivityService({ db: server.database.db });
    const page = await activity.list(trustedPrincipal(accountId), undefined, 500);
    return page.items
      .filter((i) => i.kind === 'session.ended' && i.detail['reason'] === reason)
      .map((i) => i.detail as unknown as Ended);
  }
  const sessionOf = (s: SignedIn) => s.response.session.id;

  it('a password change records the end of every other session', async () => {
    const laptop = await approvedDevice(server.url, owner.client, email, 'Laptop');
    const phone = await approvedDevice(server.url, owner.client, email, 'Phone');
    const changed = await owner.client.post('/api/account/password', {
      currentPassword: PASSWORD,
      newPassword: PASSWORD.split('').reverse().join(''),
    });
    expect(changed.status).toBe(200);
    const entries = await endedEntries(owner.account.id, 'password-changed');
    expect(entries.map((e) => e.endedSessionId).sort()).toEqual([sessionOf(laptop), sessionOf(phone)].sort());
    for (const e of entries) {
      expect(e).toMatchObject({ deviceId: owner.deviceId, sessionId: sessionOf(owner) });
      expect([laptop.deviceId, phone.deviceId]).toContain(e.endedDeviceId);
    }
    // Back to the password the helpers sign in with, keeping the other sessions (none are left anyway).
    await owner.client.post('/api/account/password', {
      currentPassword: PASSWORD.split('').reverse().join(''),
      newPassword: PASSWORD,
      signOutOtherSessions: false,
    });
  });

  it('new recovery codes (a factor change) record the end of the other sessions', async () => {
    const tablet = await approvedDevice(server.url, owner.client, email, 'Tablet');
    const codes = await owner.client.post('/api/account/recovery-codes', { password: PASSWORD });
    expect(codes.status).toBe(200);
    expect(await endedEntries(owner.account.id, 'factor-changed')).toEqual([
      {
        deviceId: owner.deviceId,
        sessionId: sessionOf(owner),
        endedSessionId: sessionOf(tablet),
        endedDeviceId: tablet.deviceId,
        reason: 'factor-changed',
      },
    ]);
  });

  it('removing a device and refusing one record the end of their sessions', async () => {
    const old = await approvedDevice(server.url, owner.client, email, 'Old laptop');
    expect((await owner.client.call('DELETE', `/api/devices/${old.deviceId}`)).status).toBe(200);
    expect(await endedEntries(owner.account.id, 'device-removed')).toEqual([
      expect.objectContaining({
        endedSessionId: sessionOf(old),
        endedDeviceId: old.deviceId,
        deviceId: owner.deviceId,
      }),
    ]);

    const stranger = await signIn(server.url, email, deviceDescription('Stranger'));
    const requests = await owner.client.get<{ items: { id: string; device: { id: string } }[] }>(
      '/api/enrolments',
    );
    const request = requests.body.items.find((r) => r.device.id === stranger.deviceId);
    expect((await owner.client.post(`/api/enrolments/${request?.id ?? 'missing'}/deny`)).status).toBe(200);
    // No doer: the activity names the refused device alone, so "This wasn't me" acts on it, never on the owner's
    // device that refused it (the enrolment entry beside it says who refused).
    expect(await endedEntries(owner.account.id, 'enrolment-denied')).toEqual([
      {
        deviceId: null,
        sessionId: null,
        endedSessionId: sessionOf(stranger),
        endedDeviceId: stranger.deviceId,
        reason: 'enrolment-denied',
      },
    ]);
    const activity = createActivityService({ db: server.database.db });
    const items = (await activity.list(trustedPrincipal(owner.account.id), undefined, 500)).items;
    const refusal = items.find(
      (i) => i.kind === 'session.ended' && i.detail['reason'] === 'enrolment-denied',
    );
    expect(refusal?.device?.id).toBe(stranger.deviceId);
    expect(refusal?.byDeviceId ?? null).toBeNull();
  });

  it("an admin disabling an account records its sessions' end in its log, naming none of its devices as the doer", async () => {
    const user = await userSession(server.url, owner.client, 'disabled-user@example.com');
    expect((await owner.client.post(`/api/admin/accounts/${user.account.id}/disable`)).status).toBe(200);
    expect(await endedEntries(user.account.id, 'account-disabled')).toEqual([
      {
        deviceId: null,
        sessionId: null,
        endedSessionId: sessionOf(user),
        endedDeviceId: user.deviceId,
        reason: 'account-disabled',
      },
    ]);
  });
});
