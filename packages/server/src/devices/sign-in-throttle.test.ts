import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Problem, SignInResponse } from '@shoebox/shared';
import { DIALECTS } from '../../test/support/databases.ts';
import {
  startTestServer,
  startTwoInstances,
  type TestServer,
  type TwoInstances,
} from '../../test/support/test-server.ts';
import {
  PASSWORD,
  TestClient,
  createAccount,
  deviceDescription,
  type SignedIn,
} from '../../test/support/api.ts';
import type { Clock } from '../platform/clock.ts';

/** Simulated time: the attacks below span hours, the test seconds. */
function fakeClock(): Clock & { advance(ms: number): void } {
  let offset = 0;
  return { now: () => Date.now() + offset, advance: (ms) => (offset += ms) };
}

async function attempt(
  url: string,
  ip: string,
  email: string,
  password: string,
  device = deviceDescription('attacker'),
) {
  return new TestClient(url, undefined, ip).post<SignInResponse & Problem>('/api/auth/sign-in', {
    email,
    password,
    device,
  });
}

describe.each(DIALECTS)('brute force and credential stuffing on %s', (dialect) => {
  const clock = fakeClock();
  let server: TestServer;
  let owner: SignedIn;
  const ownerDevice = deviceDescription('owner phone');

  beforeAll(async () => {
    server = await startTestServer(dialect, { clock });
    await createAccount(server.url, 'victim@example.com');
    // The owner's phone: the account's first device, so trusted; signed in from home.
    const phone = await attempt(server.url, '203.0.113.7', 'victim@example.com', PASSWORD, ownerDevice);
    expect(phone.body.device.status).toBe('trusted');
    owner = {
      client: new TestClient(server.url, phone.body.token),
      account: phone.body.account,
      deviceId: phone.body.device.id,
      response: phone.body,
    };
  });
  afterAll(() => server.close());

  it('lets at most 100 guesses per hour through against one account, and the owner stays in', async () => {
    // The full 10,000-guess figure on SQLite; the same limits, checked with fewer guesses, on PostgreSQL.
    const guesses = dialect === 'sqlite' ? 10_000 : 2_000;
    const through: number[] = []; // simulated ms of each guess that reached the password check
    const started = clock.now();
    for (let i = 0; i < guesses; i++) {
      // One guess per simulated second, from an address in Beijing.
      const reply = await attempt(server.url, '162.105.1.1', 'victim@example.com', `wrong-guess-${i}`);
      if (reply.status === 401) through.push(clock.now() - started);
      else expect(reply.body.code).toBe('rate_limited');
      clock.advance(1000);
    }
    const hours = Math.ceil((clock.now() - started) / 3600_000);
    const perHour = Array.from(
      { length: hours },
      (_, h) => through.filter((t) => t >= h * 3600_000 && t < (h + 1) * 3600_000).length,
    );
    console.log(
      `brute force on ${dialect}: ${guesses} guesses over ${hours} h; reached the password check: ${through.length}; per hour: ${perHour.join(', ')}`,
    );
    expect(Math.max(...perHour)).toBeLessThanOrEqual(100);
    expect(through.length).toBeLessThan(100);

    // The right password from the attacking address is refused all the same.
    expect((await attempt(server.url, '162.105.1.1', 'victim@example.com', PASSWORD)).status).toBe(429);
    // The owner's session keeps working, and the owner signs in again on the trusted phone.
    expect((await owner.client.get('/api/photos')).status).toBe(200);
    const again = await attempt(server.url, '203.0.113.7', 'victim@example.com', PASSWORD, ownerDevice);
    expect(again.status).toBe(200);
    expect(again.body.device.status).toBe('trusted');
  }, 600_000);

  it('blocks a password spray from one address after 20 accounts', async () => {
    clock.advance(24 * 3600_000);
    let firstBlocked = -1;
    for (let i = 0; i < 1000; i++) {
      const reply = await attempt(server.url, '131.111.1.1', `user${i}@example.com`, 'Summer2026!');
      if (reply.status === 429 && firstBlocked < 0) firstBlocked = i;
      if (firstBlocked >= 0) expect(reply.status).toBe(429);
    }
    console.log(`spray on ${dialect}: blocked after ${firstBlocked} accounts`);
    expect(firstBlocked).toBe(20);
  }, 300_000);

  it('answers the same for accounts that do not exist', async () => {
    clock.advance(24 * 3600_000);
    const real = [];
    const fake = [];
    for (let i = 0; i < 8; i++) {
      real.push(
        (await attempt(server.url, `129.132.1.${i + 1}`, 'victim@example.com', 'nope-nope-nope')).status,
      );
      fake.push(
        (await attempt(server.url, `129.132.2.${i + 1}`, 'ghost@example.com', 'nope-nope-nope')).status,
      );
    }
    expect(fake).toEqual(real);
    expect(real.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(real.at(-1)).toBe(429);
  });
});

describe('limits shared by two instances on PostgreSQL', () => {
  let pair: TwoInstances;
  let one: TestServer;
  let two: TestServer;
  beforeAll(async () => {
    pair = await startTwoInstances();
    ({ one, two } = pair);
  });
  afterAll(() => pair.close());

  it('counts failures made through either instance', async () => {
    let firstBlocked = -1;
    for (let i = 0; i < 40; i++) {
      const server = i % 2 === 0 ? one : two;
      const reply = await attempt(server.url, '137.138.1.1', `spray${i}@example.com`, 'Winter2026!');
      if (reply.status === 429 && firstBlocked < 0) firstBlocked = i;
    }
    expect(firstBlocked).toBe(20);
  });
});
