import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivityPage, DeviceDescription } from '@shoebox/shared';
import { DIALECTS } from '../../test/support/databases.ts';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import {
  PASSWORD,
  TestClient,
  adminSession,
  createAccount,
  deviceDescription,
  eventually,
} from '../../test/support/api.ts';
import { startSmtp } from '../../test/support/smtp.ts';
import { MIN, addressPool, fakeClock, guess as guessAt, refusal } from './sign-in-throttle.test-support.ts';

/*
 * Attacks whose guesses each come from another address (through the trusted test proxy), so the per-address limits
 * never trip and only the per-account limits stand between the attacker and the password.
 */

const nextIp = addressPool(81, 2);

/** An account whose owner has a trusted phone at home, keeping the device credential it was given. */
interface Owner {
  email: string;
  home: string;
  phone: DeviceDescription;
  credential: string | undefined;
  client: TestClient;
}

describe.each(DIALECTS)('per-account limits against guesses from many addresses on %s', (dialect) => {
  const clock = fakeClock();
  let server: TestServer;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let admin: TestClient;

  const guess = (ip: string, email: string, password: string) => guessAt(server.url, ip, email, password);
  /** The owner signs in on the trusted phone, at home, with its credential: trusted at once. */
  async function ownerSignsIn(owner: Owner): Promise<void> {
    const reply = await guessAt(server.url, owner.home, owner.email, PASSWORD, owner.phone, owner.credential);
    expect(`${reply.status} ${reply.body.device?.status}`, JSON.stringify(reply.body)).toBe('200 trusted');
    owner.credential = reply.body.deviceCredential ?? owner.credential;
    owner.client = new TestClient(server.url, reply.body.token, owner.home);
  }
  async function newOwner(email: string): Promise<Owner> {
    await createAccount(server.url, email, admin);
    const owner: Owner = {
      email,
      home: nextIp(),
      phone: deviceDescription('owner phone'),
      credential: undefined,
      client: new TestClient(server.url),
    };
    await ownerSignsIn(owner); // the account's first device: trusted
    return owner;
  }

  beforeAll(async () => {
    smtp = await startSmtp();
    server = await startTestServer(dialect, { clock, config: { smtpUrl: smtp.url } });
    admin = (await adminSession(server.url, 'admin@example.com')).client;
  });
  afterAll(async () => {
    await server.close();
    await smtp.close();
  });

  it('delays the account from the 5th failure: 30 s, doubling, at most 15 minutes', async () => {
    const email = 'delayed@example.com';
    await createAccount(server.url, email, admin);
    for (let i = 0; i < 5; i++) expect((await guess(nextIp(), email, `wrong-${i}`)).status).toBe(401);
    const waits: number[] = [];
    for (let i = 0; i < 8; i++) {
      const wait = refusal(await guess(nextIp(), email, 'still-wrong'));
      waits.push(wait);
      clock.advance(wait * 1000 - 5000);
      // Seconds early: refused, even with the right password and from yet another address.
      expect(refusal(await guess(nextIp(), email, PASSWORD))).toBeLessThanOrEqual(6);
      clock.advance(5000);
      expect((await guess(nextIp(), email, `late-${i}`)).status).toBe(401);
    }
    expect(waits).toEqual([30, 60, 120, 240, 480, 900, 900, 900]);
  });

  it('stops the account after 100 failures in a row; the owner keeps working and signs in', async () => {
    const owner = await newOwner('in-a-row@example.com');
    let through = 0;
    // Every guess as early as the delay allows (~23 simulated hours for 100).
    while (through < 100) {
      const reply = await guess(nextIp(), owner.email, `wrong-${through}`);
      if (reply.status === 401) through++;
      else clock.advance(refusal(reply) * 1000);
    }
    expect((await owner.client.get('/api/photos')).status).toBe(200);
    // The 15-minute delay has long passed, but the hundred in a row stand.
    for (const minutes of [15, 30]) {
      clock.advance(minutes * MIN);
      refusal(await guess(nextIp(), owner.email, 'one-more'));
    }
    await ownerSignsIn(owner);
    expect((await owner.client.get('/api/photos')).status).toBe(200);
  }, 600_000);

  it('lets at most 100 failures an hour through, even while the owner signs in between them', async () => {
    // The owner's sign-ins end each run of failures (so the delays start over); the hourly cap must not.
    const owner = await newOwner('hourly@example.com');
    let through = 0;
    const started = clock.now();
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 5; i++) {
        const reply = await guess(nextIp(), owner.email, `wrong-${round}-${i}`);
        expect(reply.status, `round ${round}, guess ${i}`).toBe(401);
        through++;
      }
      await ownerSignsIn(owner);
      clock.advance(10_000);
    }
    const wait = refusal(await guess(nextIp(), owner.email, 'the-101st'));
    expect(clock.now() - started).toBeLessThan(15 * MIN);
    // Refused until the first of the hundred is an hour old.
    expect(wait).toBeGreaterThan(45 * 60);
    expect(wait).toBeLessThanOrEqual(60 * 60);
    await ownerSignsIn(owner);
    refusal(await guess(nextIp(), owner.email, 'right-after-the-owner'));
    clock.advance(wait * 1000);
    expect((await guess(nextIp(), owner.email, 'an-hour-later')).status).toBe(401);
    expect(through).toBe(100);
  }, 600_000);

  it('tells the owner about a burst of failures: activity with the addresses, and an e-mail', async () => {
    const owner = await newOwner('told@example.com');
    const from: string[] = [];
    for (let i = 0; i < 5; i++) {
      from.push(nextIp());
      expect((await guess(from[i] ?? '', owner.email, `wrong-${i}`)).status).toBe(401);
    }
    const activity = await owner.client.get<ActivityPage>('/api/activity?limit=50');
    const failed = activity.body.items.filter((item) => item.kind === 'sign-in.failed');
    expect(failed.map((item) => item.ip).sort()).toEqual([...from].sort());
    expect(failed.every((item) => item.result === 'failure')).toBe(true);
    const mail = await eventually(
      () =>
        Promise.resolve(smtp.inbox.find((m) => m.to.includes(owner.email) && /Failed sign-ins/.test(m.raw))),
      10_000,
      'the failed sign-ins e-mail',
    );
    expect(mail.text).toContain('5 failed sign-ins in a row');
    expect(mail.text).toContain(`the last from IP ${from[4]}`);
  });
});
