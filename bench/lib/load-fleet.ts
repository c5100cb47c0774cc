// The load generator's devices, let in as people let them in: each account's first device signs in (trusted: the
// account's first installation), every further one signs in as pending, the first device allows it, and the new
// device types the 6-digit code (`POST /api/auth/enrolment/complete`). All through the proxy, from one address
// per account (sign-in limits are per address, as behind a real proxy).
import {
  createAccount,
  deviceDescription,
  signIn,
  type SignedIn,
  type TestClient,
} from '../../packages/server/test/support/api.ts';
import { DeviceSimulator } from './load-device.ts';
import type { LoadStats } from './load-stats.ts';
import { mapLimit } from './pool.ts';

export interface Fleet {
  admin: SignedIn;
  /** Devices by account; the first of each is the one that approved the others. */
  accounts: DeviceSimulator[][];
}

const addressOf = (account: number) => `198.18.${Math.floor(account / 250)}.${(account % 250) + 1}`;

export async function enrolFleet(
  url: string,
  stats: LoadStats,
  options: { accounts: number; devicesPerAccount: number; log: (line: string) => void },
): Promise<Fleet> {
  await createAccount(url, 'admin@bench.example');
  const admin = await signIn(url, 'admin@bench.example', deviceDescription('desk'), '203.0.113.250');
  let ready = 0;
  const accounts = await mapLimit(
    Array.from({ length: options.accounts }, (_, i) => i),
    4,
    async (i) => {
      const email = `user${i}@bench.example`;
      await createAccount(url, email, admin.client);
      const first = await signIn(url, email, deviceDescription(`a${i}-phone`), addressOf(i));
      if (first.response.device.status !== 'trusted')
        throw new Error(`first device of ${email} is ${first.response.device.status}`);
      const devices = [new DeviceSimulator(`a${i}-d0`, first.client, stats)];
      for (let d = 1; d < options.devicesPerAccount; d++) {
        const client = await enrol(url, first.client, email, `a${i}-d${d}`, addressOf(i));
        devices.push(new DeviceSimulator(`a${i}-d${d}`, client, stats));
      }
      if (++ready % 10 === 0) options.log(`  ${ready}/${options.accounts} accounts enrolled`);
      return devices;
    },
  );
  return { admin, accounts };
}

async function enrol(
  url: string,
  trusted: TestClient,
  email: string,
  name: string,
  address: string,
): Promise<TestClient> {
  const pending = await signIn(url, email, deviceDescription(name), address);
  if (pending.response.device.status !== 'pending')
    throw new Error(`${name}: expected a pending device, got ${pending.response.device.status}`);
  const requests = await trusted.get<{ items: { id: string; device: { id: string } }[] }>('/api/enrolments');
  const request = requests.body.items.find((r) => r.device.id === pending.deviceId);
  if (!request) throw new Error(`${name}: no enrolment request (${requests.status})`);
  const allowed = await trusted.post<{ code: string }>(`/api/enrolments/${request.id}/allow`);
  if (allowed.status !== 200)
    throw new Error(`${name}: allow ${allowed.status} ${JSON.stringify(allowed.body)}`);
  const done = await pending.client.post('/api/auth/enrolment/complete', { code: allowed.body.code });
  if (done.status !== 200) throw new Error(`${name}: enrolment ${done.status} ${JSON.stringify(done.body)}`);
  return pending.client;
}
