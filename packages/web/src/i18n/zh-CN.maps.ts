import type { enMaps } from './en.maps.ts';

/** Simplified Chinese for en.maps.ts: a missing or extra key fails to compile. */
export const zhCNMaps: { readonly [K in keyof typeof enMaps]: string } = {
  'map.label': '{title}：{places}',
  'map.empty': '{title}：地点未知',
  'map.more': '另外 {count} 处',
  'map.localNetwork': '本地网络',
  'map.kind.place': '地点',
  'map.kind.success': '登录成功',
  'map.kind.failure': '登录失败',
  'map.kind.request': '请求加入的设备',
  'map.approximate': '地点根据 IP 地址推断，仅为大致位置，通常是网络运营商所在的城市。',
  'map.approval': '“{name}”发出请求的位置地图',
  'map.activity.title': '登录地点地图',
  'map.activity.heading': '登录来自哪里',
  'map.activity.none': '这些登录都没有可在地图上显示的地点。',
  'map.activity.success.one': '{place}：{count} 次登录',
  'map.activity.success.other': '{place}：{count} 次登录',
  'map.activity.failure.one': '{place}：{count} 次登录失败',
  'map.activity.failure.other': '{place}：{count} 次登录失败',
};
