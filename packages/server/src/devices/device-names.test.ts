// Names shown on other devices' screens are refused when they hold control or text-direction characters.
// Regression: a new device named "Evil\e[2K\rD1 (trusted)\nfake line" showed up on the approving device's terminal
// as a trusted device "D1" and a line of its own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import {
  adminSession,
  deviceDescription,
  expectProblem,
  PASSWORD,
  TestClient,
  type SignedIn,
} from '../../test/support/api.ts';

describe('names people read', () => {
  let server: TestServer;
  let owner: SignedIn;

  beforeAll(async () => {
    server = await startTestServer('sqlite');
    owner = await adminSession(server.url, 'owner@example.com');
  });
  afterAll(() => server.close());

  const signIn = (device: ReturnType<typeof deviceDescription>) =>
    new TestClient(server.url).post('/api/auth/sign-in', {
      email: 'owner@example.com',
      password: PASSWORD,
      device,
    });

  it('refuses a device that describes itself with control or text-direction characters', async () => {
    const spoofs = [
      deviceDescription('Evil\u001b[2K\rD1 (trusted)\nfake line'),
      deviceDescription('phone\u0000'),
      deviceDescription('phone', { model: 'Pixel \u202egnp.exe' }),
      deviceDescription('phone', { serial: 'SN-1\u0085' }),
      deviceDescription('phone', { os: 'Android\u2066 14' }),
    ];
    for (const device of spoofs) expectProblem(await signIn(device), 400, 'validation_failed');
    const devices = await owner.client.get<{ items: unknown[] }>('/api/devices');
    expect(devices.body.items).toHaveLength(1);
  });

  it('takes names in any script, with emoji', async () => {
    const reply = await signIn(deviceDescription('张的 Redmi 📱', { model: 'Redmi K40 — 2021' }));
    expect(reply.status).toBe(200);
  });

  it('refuses such an album name', async () => {
    expectProblem(
      await owner.client.post('/api/albums', { name: 'Holiday\nShared by admin' }),
      400,
      'validation_failed',
    );
    expect((await owner.client.post('/api/albums', { name: 'Été à Zürich' })).status).toBe(201);
  });
});
