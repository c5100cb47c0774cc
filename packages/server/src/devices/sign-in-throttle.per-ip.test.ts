import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceDescription } from '@shoebox/shared';
import { DIALECTS } from '../../test/support/databases.ts';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import { PASSWORD, adminSession, createAccount, deviceDescription } from '../../test/support/api.ts';
import { DAY, addressPool, fakeClock, guess, refusal } from './sign-in-throttle.test-support.ts';

/*
 * The per-address limits, each on its own: 20 accounts in 10 minutes, 100 failures in 24 hours (both block the
 * address for 15 minutes), and 10 failures of one address against one account (blocks that pair only).
 */
describe.each(DIALECTS)('per-address limits on %s', (dialect) => {
  const clock = fakeClock();
  const nextIp = addressPool(82, 3);
  let server: TestServer;
  let owner: { email: string; phone: DeviceDescription; credential: string | undefined };

  beforeAll(async () => {
    server = await startTestServer(dialect, { clock });
    const admin = await adminSession(server.url, 'admin@example.com');
    owner = { email: 'owner@example.com', phone: deviceDescription('owner phone'), credential: undefined };
    await createAccount(server.url, owner.email, admin.client);
    const first = await guess(server.url, nextIp(), owner.email, PASSWORD, owner.phone);
    expect(first.body.device.status).toBe('trusted');
    owner.credential = first.body.deviceCredential;
  });
  afterAll(() => server.close());

  it('blocks an address for 15 minutes once it tried 20 accounts within 10 minutes', async () => {
    clock.advance(DAY);
    // One guess every 40 s: never more than 15 accounts in any 10 minutes, so 25 accounts go through.
    const slow = nextIp();
    for (let i = 0; i < 25; i++) {
      expect((await guess(server.url, slow, `slow${i}@example.com`, 'Summer2026!')).status, `${i}`).toBe(401);
      clock.advance(40_000);
    }
    // One every 25 s: the 21st account within 10 minutes is refused, and so is a right password from there.
    const fast = nextIp();
    for (let i = 0; i < 20; i++) {
      expect((await guess(server.url, fast, `fast${i}@example.com`, 'Summer2026!')).status, `${i}`).toBe(401);
      clock.advance(25_000);
    }
    const wait = refusal(await guess(server.url, fast, 'fast20@example.com', 'Summer2026!'));
    expect(wait).toBeGreaterThan(15 * 60 - 30);
    expect(wait).toBeLessThanOrEqual(15 * 60 - 25);
    refusal(await guess(server.url, fast, owner.email, PASSWORD));
    clock.advance(wait * 1000 - 5000);
    refusal(await guess(server.url, fast, 'fast21@example.com', 'Summer2026!'));
    clock.advance(5000);
    expect((await guess(server.url, fast, 'fast21@example.com', 'Summer2026!')).status).toBe(401);
  }, 600_000);

  it('blocks an address for 15 minutes after 100 failures in 24 hours, over few accounts', async () => {
    clock.advance(DAY);
    const ip = nextIp();
    const statuses: number[] = [];
    // 12 accounts (fewer than 20), 9 guesses each (fewer than 10 per pair), each as early as its delay allows.
    for (let round = 0; round < 9; round++) {
      for (let i = 0; i < 12; i++)
        statuses.push((await guess(server.url, ip, `daily${i}@example.com`, `wrong-${round}`)).status);
      const failures = round + 1;
      if (round < 8) clock.advance(failures < 5 ? 1000 : 30_000 * 2 ** (failures - 5) + 1000);
    }
    expect(statuses.filter((s) => s === 401).length).toBe(100);
    expect(statuses.slice(0, 100).every((s) => s === 401)).toBe(true);
    const wait = refusal(await guess(server.url, ip, 'fresh@example.com', 'wrong'));
    expect(wait).toBeGreaterThan(15 * 60 - 250);
    expect(wait).toBeLessThanOrEqual(15 * 60);
    refusal(await guess(server.url, ip, owner.email, PASSWORD));
    clock.advance(wait * 1000);
    expect((await guess(server.url, ip, 'fresh@example.com', 'wrong')).status).toBe(401);
    refusal(await guess(server.url, ip, 'fresh2@example.com', 'wrong'));
  }, 600_000);

  it('blocks one address for one account after 10 failures, and nothing else', async () => {
    clock.advance(DAY);
    // The owner mistypes on the trusted phone at home: account delays spare a trusted device, the pair limit not.
    const home = nextIp();
    for (let i = 0; i < 10; i++) {
      const reply = await guess(server.url, home, owner.email, `typo-${i}`, owner.phone, owner.credential);
      expect(reply.status, `${i}`).toBe(401);
    }
    const signIn = (ip: string) =>
      guess(server.url, ip, owner.email, PASSWORD, owner.phone, owner.credential);
    const wait = refusal(await signIn(home));
    expect(wait).toBeGreaterThan(15 * 60 - 30);
    // The same phone elsewhere, and the same address for another account, are not blocked.
    const elsewhere = await signIn(nextIp());
    expect(`${elsewhere.status} ${elsewhere.body.device?.status}`).toBe('200 trusted');
    owner.credential = elsewhere.body.deviceCredential ?? owner.credential;
    expect((await guess(server.url, home, 'neighbour@example.com', 'wrong')).status).toBe(401);
  });
});
