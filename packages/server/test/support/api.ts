import fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { Account, DeviceDescription, Photo, SignInResponse, UploadResult } from '@shoebox/shared';

export interface Reply<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

export const PASSWORD = 'tremble-orchard-velvet-42';

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
    if (body instanceof Uint8Array) {
      payload = body;
      h['content-type'] ??= 'application/octet-stream';
    } else if (body !== undefined) {
      payload = JSON.stringify(body);
      h['content-type'] = 'application/json';
    }
    const response = await fetch(`${this.url}${path}`, { method, headers: h, body: payload });
    const type = response.headers.get('content-type') ?? '';
    const parsed: unknown = type.includes('json')
      ? await response.json()
      : Buffer.from(await response.arrayBuffer());
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
