import { expect } from 'vitest';
import type { Problem, SignInResponse } from '@shoebox/shared';
import { TestClient, deviceDescription, type Reply } from '../../test/support/api.ts';
import type { Clock } from '../platform/clock.ts';

export const MIN = 60_000;
export const DAY = 24 * 60 * MIN;

/** Simulated time: the attacks span hours or a day, the tests seconds. */
export function fakeClock(): Clock & { advance(ms: number): void } {
  let offset = 0;
  return { now: () => Date.now() + offset, advance: (ms) => (offset += ms) };
}

/** A fresh public address at each call, under `first.second`: 81.2.0.1, 81.2.0.2, … */
export function addressPool(first: number, second: number): () => string {
  let n = 0;
  return () => {
    const i = n++;
    return `${first}.${second + Math.floor(i / 65_024)}.${Math.floor(i / 254) % 256}.${(i % 254) + 1}`;
  };
}

export type SignInReply = Reply<SignInResponse & Problem>;

/** A password sign-in from `ip` (sent as X-Forwarded-For through the trusted test proxy). */
export function guess(
  url: string,
  ip: string,
  email: string,
  password: string,
  device = deviceDescription('attacker'),
  deviceCredential?: string,
): Promise<SignInReply> {
  return new TestClient(url, undefined, ip).post<SignInResponse & Problem>('/api/auth/sign-in', {
    email,
    password,
    device,
    deviceCredential,
  });
}

/** Asserts the reply is the throttle's refusal; returns the seconds it says to wait (Retry-After). */
export function refusal(reply: SignInReply): number {
  expect(`${reply.status} ${reply.body.code}`).toBe('429 rate_limited');
  return Number(reply.headers.get('retry-after'));
}
