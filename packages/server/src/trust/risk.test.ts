import type { Place } from '@shoebox/shared';
import { describe, expect, it } from 'vitest';
import { LOCAL_NETWORK } from '../adapters/geo/geo.ts';
import { assessSignIn, type PastSignIn } from './risk.ts';

const place = (label: string, countryCode: string, latitude: number, longitude: number): Place => ({
  label,
  city: label,
  region: null,
  country: null,
  countryCode,
  latitude,
  longitude,
  accuracyKm: 20,
});
const beijing = place('Beijing', 'CN', 39.9, 116.4);
const shenzhen = place('Shenzhen', 'CN', 22.5, 114.1);
const tianjin = place('Tianjin', 'CN', 39.1, 117.2);
const london = place('London', 'GB', 51.5, -0.13);

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const NOW = Date.UTC(2026, 10, 28, 12);
const signIn = (p: Place | null, hoursAgo: number, over: Partial<PastSignIn> = {}): PastSignIn => ({
  at: NOW - hoursAgo * HOUR,
  lastUsedAt: NOW - hoursAgo * HOUR,
  place: p,
  live: false,
  ...over,
});

describe('assessSignIn', () => {
  it('raises nothing for the first sign-in of an account', () => {
    expect(assessSignIn([], NOW, london)).toEqual([]);
  });

  it('raises nothing for a usual place', () => {
    expect(assessSignIn([signIn(beijing, 5, { live: true, lastUsedAt: NOW })], NOW, beijing)).toEqual([]);
  });

  it('flags a country not among the last 10 sign-ins', () => {
    const history = [
      ...Array.from({ length: 10 }, (_, i) => signIn(beijing, 48 + i)),
      signIn(london, 100), // the 11th sign-in back no longer counts
    ];
    expect(assessSignIn(history, NOW, london)).toEqual(['new-country']);
    expect(assessSignIn(history.slice(0, 9).concat(signIn(london, 80)), NOW, london)).toEqual([]);
  });

  it('has no baseline country when every earlier sign-in was on the local network', () => {
    expect(assessSignIn([signIn(LOCAL_NETWORK, 48)], NOW, london)).toEqual([]);
  });

  it('flags Beijing to Shenzhen (about 1,940 km) in 2 hours as impossible travel, not in 3', () => {
    // 1,940 km / 2 h = 970 km/h; / 3 h = 647 km/h.
    expect(assessSignIn([signIn(beijing, 2)], NOW, shenzhen)).toEqual(['impossible-travel']);
    expect(assessSignIn([signIn(beijing, 3)], NOW, shenzhen)).toEqual([]);
  });

  it('does not flag fast travel under 500 km (Beijing to Tianjin, about 115 km, in minutes)', () => {
    expect(assessSignIn([signIn(beijing, 0.1, { live: true })], NOW, tianjin)).toEqual([]);
  });

  it('flags a live session used within the hour more than 500 km away', () => {
    const phone = signIn(beijing, 30 * 24, { live: true, lastUsedAt: NOW - 0.5 * HOUR });
    expect(assessSignIn([phone], NOW, shenzhen)).toEqual(['concurrent-far-session']);
    // Idle for over an hour, or revoked: no longer "active".
    expect(assessSignIn([{ ...phone, lastUsedAt: NOW - 1.5 * HOUR }], NOW, shenzhen)).toEqual([]);
    expect(assessSignIn([{ ...phone, live: false }], NOW, shenzhen)).toEqual([]);
  });

  it('flags the first sign-in after 90 days without use', () => {
    expect(assessSignIn([signIn(beijing, 91 * 24)], NOW, beijing)).toEqual(['dormant-account']);
    expect(assessSignIn([signIn(beijing, 89 * 24)], NOW, beijing)).toEqual([]);
    // A device that kept syncing kept the account in use.
    const syncing = signIn(beijing, 200 * 24, { live: true, lastUsedAt: NOW - 2 * DAY });
    expect(assessSignIn([syncing], NOW, beijing)).toEqual([]);
  });

  it('raises several flags at once: a stranger in London while the owner syncs in Beijing', () => {
    // About 8,100 km in 8 h: over 1,000 km/h.
    const phone = signIn(beijing, 8, { live: true, lastUsedAt: NOW - 10 * 60_000 });
    expect(assessSignIn([phone], NOW, london)).toEqual([
      'new-country',
      'impossible-travel',
      'concurrent-far-session',
    ]);
  });

  it('raises nothing from an unknown place', () => {
    expect(assessSignIn([signIn(beijing, 1, { live: true })], NOW, null)).toEqual([]);
  });
});
