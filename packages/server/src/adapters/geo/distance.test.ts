import { describe, expect, it } from 'vitest';
import { distanceKm, hasCoordinates, type Coordinates } from './distance.ts';
import { LOCAL_NETWORK } from './geo.ts';

describe('distanceKm', () => {
  const city = (latitude: number, longitude: number): Coordinates => ({ latitude, longitude });
  const beijing = city(39.9042, 116.4074);
  const shenzhen = city(22.5431, 114.0579);
  const london = city(51.5074, -0.1278);
  const paris = city(48.8566, 2.3522);
  const newYork = city(40.7128, -74.006);
  const losAngeles = city(34.0522, -118.2437);
  const sydney = city(-33.8688, 151.2093);

  it.each([
    ['Beijing', beijing, 'Shenzhen', shenzhen, 1943],
    ['London', london, 'Paris', paris, 344],
    ['New York', newYork, 'Los Angeles', losAngeles, 3936],
    ['London', london, 'Sydney', sydney, 16_994],
  ])('%s to %s is about %i km', (_a, a, _b, b, km) => {
    expect(distanceKm(a, b)).toBeGreaterThan(km * 0.99);
    expect(distanceKm(a, b)).toBeLessThan(km * 1.01);
  });

  it('is zero for one point, symmetric, and half the circumference for antipodes', () => {
    expect(distanceKm(paris, paris)).toBe(0);
    expect(distanceKm(beijing, sydney)).toBeCloseTo(distanceKm(sydney, beijing), 9);
    expect(distanceKm(city(0, 0), city(0, 180))).toBeCloseTo(Math.PI * 6371.0088, 3);
    expect(distanceKm(city(90, 0), city(-90, 0))).toBeCloseTo(Math.PI * 6371.0088, 3);
  });

  it('crosses the antimeridian the short way', () => {
    expect(distanceKm(city(0, 179.5), city(0, -179.5))).toBeLessThan(112);
  });

  it('needs known coordinates: hasCoordinates rejects the local network', () => {
    expect(hasCoordinates(LOCAL_NETWORK)).toBe(false);
  });
});
