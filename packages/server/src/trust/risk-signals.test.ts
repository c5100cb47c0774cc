import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivityPage, Device, Place, RiskFlag } from '@shoebox/shared';
import { DIALECTS } from '../../test/support/databases.ts';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import { createAccount, deviceDescription, signIn, type SignedIn } from '../../test/support/api.ts';
import type { Clock } from '../platform/clock.ts';
import { noticeFor } from './notices.ts';

// Real DB-IP places (through the trusted test proxy): Beijing, Nanshan (Shenzhen, ~1,930 km away), London.
const BEIJING = '162.105.1.1';
const SHENZHEN = '210.39.1.1';
const LONDON = '81.2.69.160';
const HOUR = 3600_000;

/** A clock the test can move forward. */
const clock: Clock & { skew: number } = { skew: 0, now: () => Date.now() + clock.skew };

interface Told {
  accountId: string;
  data: { riskFlags: RiskFlag[]; device: Device; ip: string | null; place: Place | null };
}

describe.each(DIALECTS)('risk signals at sign-in, on %s', (dialect) => {
  let server: TestServer;
  let owner: SignedIn;
  const told: Told[] = [];
  let stopListening: () => void = () => undefined;

  const flagsOf = (s: SignedIn) => s.response.device.riskFlags;
  const newAccount = async (email: string) => {
    await createAccount(server.url, email, owner.client);
    return signIn(server.url, email, deviceDescription('phone'), BEIJING);
  };

  beforeAll(async () => {
    server = await startTestServer(dialect, { clock });
    stopListening = server.app.events.on('account.message', (m) => {
      if (m.event === 'sign-in.risk') told.push(m as unknown as Told);
    });
    await createAccount(server.url, 'owner@example.com');
    owner = await signIn(server.url, 'owner@example.com', deviceDescription('Pixel 8'), BEIJING);
  });
  afterAll(async () => {
    stopListening();
    await server.close();
  });

  it("raises nothing on an account's first sign-in", () => {
    expect(owner.response.device.status).toBe('trusted');
    expect(flagsOf(owner)).toEqual([]);
    expect(told).toEqual([]);
  });

  it('flags a sign-in from Shenzhen while the phone is in use in Beijing, everywhere the owner looks', async () => {
    const stranger = await signIn(server.url, 'owner@example.com', deviceDescription('Redmi K40'), SHENZHEN);
    const expected = ['impossible-travel', 'concurrent-far-session'];
    expect(stranger.response.device.status).toBe('pending');
    expect(flagsOf(stranger)).toEqual(expected);

    const devices = await owner.client.get<{ items: Device[] }>('/api/devices');
    expect(devices.body.items.find((d) => d.id === stranger.deviceId)?.riskFlags).toEqual(expected);
    expect(devices.body.items.find((d) => d.id === owner.deviceId)?.riskFlags).toEqual([]);

    const requests = await owner.client.get<{ items: { device: { id: string }; riskFlags: string[] }[] }>(
      '/api/enrolments',
    );
    const request = requests.body.items.find((r) => r.device.id === stranger.deviceId);
    expect(request?.riskFlags).toEqual(expected);

    const activity = await owner.client.get<ActivityPage>('/api/activity');
    const entry = activity.body.items.find(
      (i) => i.kind === 'sign-in.succeeded' && i.device?.id === stranger.deviceId,
    );
    expect(entry?.riskFlags).toEqual(expected);
    expect(entry?.detail['riskFlags']).toEqual(expected);
    const first = activity.body.items.find(
      (i) => i.kind === 'sign-in.succeeded' && i.device?.id === owner.deviceId,
    );
    expect(first?.riskFlags).toEqual([]);

    // The owner is told (live, and by e-mail when SMTP is set) with the place.
    expect(told).toHaveLength(1);
    const message = told[0];
    expect(message?.accountId).toBe(owner.account.id);
    expect(message?.data.riskFlags).toEqual(expected);
    expect(message?.data.place?.label).toBe('Nanshan, Guangdong, China');
    const notice = noticeFor('sign-in.risk', message?.data ?? {}, new Date(clock.now()));
    expect(notice?.subject).toBe('An unusual sign-in to your Shoebox account');
    expect(notice?.deviceId).toBe(stranger.deviceId);
    expect(notice?.lines.join('\n')).toContain('Nanshan, Guangdong, China (IP 210.39.1.1)');
    expect(notice?.lines.join('\n')).toContain('more than 500 km away');
  });

  it('flags a country none of the last 10 sign-ins came from', async () => {
    const abroad = await signIn(server.url, 'owner@example.com', deviceDescription('laptop'), LONDON);
    expect(flagsOf(abroad)).toEqual(['new-country', 'impossible-travel', 'concurrent-far-session']);
  });

  it('counts another session as active only if it was used within the last hour', async () => {
    const traveller = await newAccount('traveller@example.com');
    expect(flagsOf(traveller)).toEqual([]);
    // Three hours later Shenzhen is within reach (~640 km/h), but the phone in Beijing is in use right now.
    clock.skew += 3 * HOUR;
    expect((await traveller.client.get('/api/devices')).status).toBe(200);
    const second = await signIn(server.url, 'traveller@example.com', deviceDescription('tablet'), SHENZHEN);
    expect(flagsOf(second)).toEqual(['concurrent-far-session']);
    // Over an hour after the phone was last used, nothing is flagged.
    clock.skew += HOUR + 60_000;
    const third = await signIn(server.url, 'traveller@example.com', deviceDescription('laptop'), SHENZHEN);
    expect(flagsOf(third)).toEqual([]);
  });

  it('flags the first sign-in after 90 days without use, and not one after 89', async () => {
    const phone = deviceDescription('phone');
    await createAccount(server.url, 'sleeper@example.com', owner.client);
    await signIn(server.url, 'sleeper@example.com', phone, BEIJING);
    clock.skew += 89 * 24 * HOUR;
    expect(flagsOf(await signIn(server.url, 'sleeper@example.com', phone, BEIJING))).toEqual([]);
    clock.skew += 91 * 24 * HOUR;
    const back = await signIn(server.url, 'sleeper@example.com', phone, BEIJING);
    expect(back.response.device.status).toBe('trusted');
    expect(flagsOf(back)).toEqual(['dormant-account']);
    expect(told.at(-1)?.data.riskFlags).toEqual(['dormant-account']);
  });
});
