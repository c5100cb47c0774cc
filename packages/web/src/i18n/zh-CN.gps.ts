import type { enGps } from './en.gps.ts';

/** Simplified Chinese for en.gps.ts: a missing or extra key fails to compile. */
export const zhCNGps: { readonly [K in keyof typeof enGps]: string } = {
  'gps.place': '地点：{country}',
  'gps.coordinates': '{latitude}, {longitude}',
  'gps.mapTitle': '照片拍摄地点地图',
};
