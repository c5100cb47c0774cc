import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { Account, DeviceDescription, Photo, SignInResponse, UploadResult } from '@shoebox/shared';
import type { PhotoPage, Problem } from '@shoebox/shared';
import type { TestServer } from './test-server.ts';

export interface Reply<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

export const PASSWORD = 'tremble-orchard-velvet-42';

/**
 * What a real client keeps beside its installation id: the device credential of its latest trust, sent again at
 * sign-in. Test clients do the same for every installation, unless a request names `deviceCredential` itself
 * (even as undefined: a client that lost it, or a thief who has only the installation id).
 */
const deviceCredentials = new Map<string, string>();
/** Whose credential a session's approval brings: `<server> <installation id> <e-mail>`, by token. */
const holderOfToken = new Map<string, string>();
/** The account an installation signed in to last, by `<server> <installation id>` (passkey sign-in names none). */
const lastAccount = new Map<string, string>();

function isSignIn(path: string): boolean {
  return path === '/api/auth/sign-in' || path === '/api/auth/passkey/sign-in';
}

/** The installation (server and id) a sign-in body names, and the e-mail it signs in to when it says. */
function signInOf(
  url: string,
  body: unknown,
): { installation: string; email: string | undefined } | undefined {
  const { device, email } = (body ?? {}) as { device?: { installationId?: unknown }; email?: unknown };
  if (typeof device?.installationId !== 'string') return undefined;
  const installation = `${url} ${device.installationId}`;
  return {
    installation,
    email: typeof email === 'string' ? email.trim().toLowerCase() : lastAccount.get(installation),
  };
}

/** A minimal HTTP client for tests: every call goes through the real server over loopback. */
export class TestClient {
  constructor(
    readonly url: string,
    readonly token?: string,
    /** Sent as X-Forwarded-For (the test server trusts 127.0.0.1 as a proxy). */
    readonly forwardedFor?: string,
  ) {}

  withToken(token: string): TestClient {
    return new TestClient(this.url, token, this.forwardedFor);
  }

  async call<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Reply<T>> {
    const h: Record<string, string> = { ...headers };
    if (this.token) h['authorization'] = `Bearer ${this.token}`;
    if (this.forwardedFor) h['x-forwarded-for'] = this.forwardedFor;
    let payload: RequestInit['body'];
    const signingIn = isSignIn(path) ? signInOf(this.url, body) : undefined;
    const holder = signingIn?.email
      ? `${signingIn.installation} ${signingIn.email}`
      : this.token && holderOfToken.get(this.token);
    const kept = holder && deviceCredentials.get(holder);
    if (isSignIn(path) && kept && !Object.hasOwn(body as object, 'deviceCredential'))
      body = { ...(body as object), deviceCredential: kept };
    if (body instanceof Uint8Array) {
      payload = body;
      h['content-type'] ??= 'application/octet-stream';
    } else if (body !== undefined) {
      payload = JSON.stringify(body);
      h['content-type'] = 'application/json';
    }
    const response = await fetch(`${this.url}${path}`, { method, headers: h, body: payload });
    const type = response.headers.get('content-type') ?? '';
    const parsed: unknown = /^application\/(problem\+)?json/.test(type)
      ? await response.json()
      : Buffer.from(await response.arrayBuffer());
    const given = parsed as {
      token?: unknown;
      deviceCredential?: unknown;
      account?: { email?: unknown };
    } | null;
    let keeper = holder;
    if (signingIn && response.ok && typeof given?.account?.email === 'string') {
      keeper = `${signingIn.installation} ${given.account.email}`;
      lastAccount.set(signingIn.installation, given.account.email);
      if (typeof given.token === 'string') holderOfToken.set(given.token, keeper);
    }
    if (keeper && response.ok && typeof given?.deviceCredential === 'string')
      deviceCredentials.set(keeper, given.deviceCredential);
    return { status: response.status, headers: response.headers, body: parsed as T };
  }

  get<T = unknown>(path: string, headers?: Record<string, string>) {
    return this.call<T>('GET', path, undefined, headers);
  }

  post<T = unknown>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.call<T>('POST', path, body, headers);
  }

  async upload(file: string | Buffer, headers: Record<string, string> = {}): Promise<Reply<UploadResult>> {
    const bytes = typeof file === 'string' ? fs.readFileSync(file) : file;
    return this.call<UploadResult>('POST', '/api/photos', new Uint8Array(bytes), headers);
  }

  async uploadOk(file: string | Buffer, headers: Record<string, string> = {}): Promise<Photo> {
    const reply = await this.upload(file, headers);
    if (reply.status !== 201 && reply.status !== 200)
      throw new Error(`upload failed: ${reply.status} ${JSON.stringify(reply.body)}`);
    return reply.body.photo;
  }
}

export function deviceDescription(
  name = 'test-device',
  extra: Partial<DeviceDescription> = {},
): DeviceDescription {
  return { installationId: randomUUID(), name, model: 'TestModel', os: 'TestOS 1', ...extra };
}

export interface SignedIn {
  client: TestClient;
  account: Account;
  deviceId: string;
  response: SignInResponse;
}

export async function createAccount(url: string, email: string, admin?: TestClient): Promise<Account> {
  const client = admin ?? new TestClient(url);
  const reply = await client.post<Account>('/api/accounts', { email, password: PASSWORD });
  if (reply.status !== 201)
    throw new Error(`create account failed: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
}

export async function signIn(
  url: string,
  email: string,
  device = deviceDescription(),
  forwardedFor?: string,
): Promise<SignedIn> {
  const anonymous = new TestClient(url, undefined, forwardedFor);
  const reply = await anonymous.post<SignInResponse>('/api/auth/sign-in', {
    email,
    password: PASSWORD,
    device,
  });
  if (reply.status !== 200) throw new Error(`sign-in failed: ${reply.status} ${JSON.stringify(reply.body)}`);
  return {
    client: new TestClient(url, reply.body.token, forwardedFor),
    account: reply.body.account,
    deviceId: reply.body.device.id,
    response: reply.body,
  };
}

/** Creates the first account (admin) and signs in its first (trusted) device. */
export async function adminSession(url: string, email = 'admin@example.com'): Promise<SignedIn> {
  await createAccount(url, email);
  return signIn(url, email);
}

/** Creates a further account through the admin and signs it in on its first device. */
export async function userSession(url: string, admin: TestClient, email: string): Promise<SignedIn> {
  await createAccount(url, email, admin);
  return signIn(url, email);
}

/** Waits until `check` returns a value (not undefined), polling; fails after `ms`. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  ms = 20_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Asserts that a reply is an RFC 9457 problem document with this status (and code), and returns it. */
export function expectProblem(reply: Reply, status: number, code?: string): Problem {
  expect(reply.status, JSON.stringify(reply.body)).toBe(status);
  expect(reply.headers.get('content-type')).toContain('application/problem+json');
  const problem = reply.body as Problem;
  expect(problem.type).toMatch(/^https:\/\/shoebox\.dev\/problems\/[a-z-]+$/);
  expect(problem.title).toMatch(/\S/);
  expect(problem.status).toBe(status);
  expect(problem.code).toMatch(/^[a-z_]+$/);
  if (code) expect(problem.code).toBe(code);
  expect(problem.detail).toMatch(/\S/);
  return problem;
}

/** Waits until `condition` holds, polling; fails after `ms`. */
export async function waitUntil(condition: () => boolean, ms = 20_000, what = 'condition'): Promise<void> {
  await eventually(() => Promise.resolve(condition() ? true : undefined), ms, what);
}

/** Every file under `dir` (recursively) as sorted relative paths; empty when the folder does not exist. */
export function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => fs.statSync(path.join(dir, name)).isFile())
    .sort();
}

/** What the server keeps on disk besides its database: stored blobs and temporary (staging, scratch) files. */
export function storedFiles(dataDir: string): { blobs: string[]; tmp: string[] } {
  return { blobs: filesUnder(path.join(dataDir, 'blobs')), tmp: filesUnder(path.join(dataDir, 'tmp')) };
}

/** Where the local blob store keeps the original with this SHA-256. */
export function originalPath(dataDir: string, sha256: string): string {
  return path.join(dataDir, 'blobs', 'originals', sha256.slice(0, 2), sha256);
}

/** The bytes of a JPEG with a marker appended after its end: the same picture, but other content (SHA-256). */
export function distinctCopy(file: string, marker: string): Buffer {
  return Buffer.concat([fs.readFileSync(file), Buffer.from(`shoebox-test:${marker}`)]);
}

/** Every photo of the client's timeline with this status, following the cursors. */
export async function allPhotos(
  client: TestClient,
  status: 'active' | 'trashed' = 'active',
): Promise<Photo[]> {
  const photos: Photo[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const page: Reply<PhotoPage> = await client.get<PhotoPage>(
      `/api/photos?limit=1000&status=${status}${query}`,
    );
    if (page.status !== 200) throw new Error(`listing failed: ${page.status} ${JSON.stringify(page.body)}`);
    photos.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);
  return photos;
}

/** Waits until no photo of the client's account (active or trashed) is waiting for its thumbnail and preview. */
export async function mediaSettled(client: TestClient, ms = 30_000): Promise<Photo[]> {
  return eventually(
    async () => {
      const photos = [...(await allPhotos(client)), ...(await allPhotos(client, 'trashed'))];
      return photos.every((p) => p.media.state !== 'pending') ? photos : undefined;
    },
    ms,
    'media jobs to settle',
  );
}

/** Signs an existing account in on a new device; the device must wait for approval. */
export async function pendingSession(url: string, email: string): Promise<SignedIn> {
  const session = await signIn(url, email, deviceDescription('unapproved-device'));
  expect(session.response.device.status).toBe('pending');
  return session;
}

/** Runs `task` over `items` with at most `limit` running at once; results keep the order of `items`. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) results[i] = await task(items[i] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Signs in a new device of an existing account and lets it in from `trusted` with the 6-digit code. */
export async function approvedDevice(
  url: string,
  trusted: TestClient,
  email: string,
  name = 'second-device',
): Promise<SignedIn> {
  const pending = await signIn(url, email, deviceDescription(name));
  if (pending.response.device.status !== 'pending')
    throw new Error(`expected pending, got ${pending.response.device.status}`);
  const requests = await trusted.get<{ items: { id: string; device: { id: string } }[] }>('/api/enrolments');
  const request = requests.body.items.find((r) => r.device.id === pending.deviceId);
  if (!request) throw new Error('no enrolment request for the new device');
  const allowed = await trusted.post<{ code: string }>(`/api/enrolments/${request.id}/allow`);
  const done = await pending.client.post('/api/auth/enrolment/complete', { code: allowed.body.code });
  if (done.status !== 200) throw new Error(`enrolment failed: ${done.status} ${JSON.stringify(done.body)}`);
  return pending;
}

/** Waits until the server has no media job queued or running, so that no job writes files behind a test's back. */
export async function jobsIdle(server: TestServer, ms = 30_000): Promise<void> {
  await eventually(
    async () => {
      const busy = await server.database.db
        .selectFrom('jobs')
        .select('id')
        .where('state', 'in', ['queued', 'running'])
        // Housekeeping always has its next run queued (jobs/schedule.ts): it writes no files.
        .where('kind', 'not like', 'housekeeping.%')
        .executeTakeFirst();
      return busy ? undefined : true;
    },
    ms,
    'media jobs to finish',
  );
}
